import ArmEmulator
import ComputeEmulator
import Testing

/// The PSC port-mapping data path over loopback: forwarding rule -> NEG client port -> instance port; a consumer's
/// PSC endpoint carries traffic only once accepted.
@Suite(.serialized) struct DataPathTests {
    @Test("the rule forwards each client port to its broker; a consumer endpoint is PENDING, then ACCEPTED by the accept list, then carries traffic")
    func portMappingAndConsumer() async throws {
        let brokers = try [("127.0.8.2", "broker 1"), ("127.0.8.3", "broker 2")].map { try GreetingServer(host: $0.0, port: 39092, greeting: $0.1) }
        defer { brokers.forEach { $0.stop() } }
        let f = try ComputeFixture {
            $0.forwarding = true
            $0.addressMap = ["10.64.0.10": "127.0.8.2", "10.64.0.11": "127.0.8.3", "10.64.0.2": "127.0.8.10", "10.200.0.5": "127.0.8.20"]
        }
        defer { f.stop() }
        try await f.seedNetwork()
        try await f.seedLoadBalancer()
        #expect(GreetingServer.read("127.0.8.10", 9093) == "broker 1")
        #expect(GreetingServer.read("127.0.8.10", 9094) == "broker 2")

        let attachment = "\(ComputeFixture.region)/serviceAttachments/kafka-psc"
        try await f.done("POST", "\(ComputeFixture.region)/serviceAttachments", [
            "name": "kafka-psc", "targetService": "projects/p/regions/us-west1/forwardingRules/kafka-fr", "connectionPreference": "ACCEPT_MANUAL",
            "natSubnets": ["projects/p/regions/us-west1/subnetworks/psc-subnet"], "enableProxyProtocol": false,
        ])
        try await f.done("POST", "projects/tidb/global/networks", ["name": "tidb-vpc"])
        try await f.done("POST", "projects/tidb/regions/us-west1/forwardingRules", [
            "name": "changefeed", "target": .string("https://www.googleapis.com/compute/v1/" + attachment),
            "network": "projects/tidb/global/networks/tidb-vpc", "IPAddress": "10.200.0.5",
        ])
        var connected = try await f.call("GET", attachment).json["connectedEndpoints"]?.arrayValue ?? []
        #expect(connected.map { $0["status"] } == ["PENDING"])
        #expect(connected.first?["endpoint"] == "https://www.googleapis.com/compute/v1/projects/tidb/regions/us-west1/forwardingRules/changefeed")
        #expect(GreetingServer.read("127.0.8.20", 9093) == nil, "a PENDING endpoint carries nothing")

        let fingerprint = try await f.call("GET", attachment).json["fingerprint"] ?? .null
        try await f.done("PATCH", attachment, [
            "name": "kafka-psc", "fingerprint": fingerprint, "consumerAcceptLists": [["projectIdOrNum": "tidb", "connectionLimit": 10]],
        ])
        connected = try await f.call("GET", attachment).json["connectedEndpoints"]?.arrayValue ?? []
        #expect(connected.map { $0["status"] } == ["ACCEPTED"])
        #expect(GreetingServer.read("127.0.8.20", 9093) == "broker 1")
        #expect(GreetingServer.read("127.0.8.20", 9094) == "broker 2")

        // Detaching broker 2's endpoint closes its client port on both addresses.
        try await f.done("POST", "\(ComputeFixture.region)/networkEndpointGroups/kafka-neg/detachNetworkEndpoints", [
            "networkEndpoints": [["instance": "projects/p/zones/us-west1-b/instances/broker-node2", "port": 39092]]
        ])
        #expect(GreetingServer.read("127.0.8.10", 9094) == nil)
        #expect(GreetingServer.read("127.0.8.20", 9094) == nil)
        #expect(f.emulator.forwardingFailures.isEmpty)
    }
}
