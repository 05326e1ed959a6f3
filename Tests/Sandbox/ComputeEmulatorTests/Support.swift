import ArmEmulator
import ComputeEmulator
import CurlTransport
import Foundation
import ProviderAPI
import Sockets
import Synchronization
import Testing

/// An in-process Compute emulator and a libcurl client for it (the project's own transport).
struct ComputeFixture {
    let emulator: ComputeEmulator
    let http = CurlTransport()
    static let project = "projects/p"
    static let region = "projects/p/regions/us-west1"

    init(_ configure: (inout ComputeEmulator.Configuration) -> Void = { _ in }) throws {
        var configuration = ComputeEmulator.Configuration()
        configure(&configuration)
        emulator = try ComputeEmulator(configuration: configuration)
        try emulator.start()
    }

    func stop() { emulator.stop() }

    struct Reply {
        var status: Int
        var json: JSON
    }

    /// One call; `path` is relative to `/compute/v1/` (a query allowed).
    func call(_ method: String, _ path: String, _ body: JSON? = nil) async throws -> Reply {
        // Links the emulator returns name www.googleapis.com: they are followed on the emulator, by their path.
        let url = path.range(of: "/compute/v1/").map { emulator.computeBase + path[$0.upperBound...] }
            ?? (path.hasPrefix("http") ? path : emulator.computeBase + path)
        let response = try await http.send(HTTPRequest(
            method: method, url: url, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer anything")],
            body: body.map { Array($0.serialized().utf8) } ?? (method == "POST" ? [] : nil)))
        return Reply(status: response.status, json: response.body.isEmpty ? .null : try JSON.parse(response.body))
    }

    /// A mutation that must succeed, followed to DONE through its selfLink; returns the final operation.
    @discardableResult
    func done(_ method: String, _ path: String, _ body: JSON? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSON {
        var reply = try await call(method, path, body)
        try #require(reply.status == 200, "\(method) \(path): \(reply.status) \(reply.json.serialized())", sourceLocation: sourceLocation)
        while reply.json["status"]?.stringValue != "DONE" {
            reply = try await call("GET", reply.json["selfLink"]!.stringValue!)
        }
        return reply.json
    }

    /// The seed's network, brokers subnet, PSC subnet and two instances in it (10.64.0.10 and .11).
    func seedNetwork() async throws {
        try await done("POST", "\(Self.project)/global/networks", ["name": "kafka-vpc", "autoCreateSubnetworks": false])
        try await done("POST", "\(Self.region)/subnetworks", [
            "name": "brokers-subnet", "network": "projects/p/global/networks/kafka-vpc", "ipCidrRange": "10.64.0.0/18",
        ])
        try await done("POST", "\(Self.region)/subnetworks", [
            "name": "psc-subnet", "network": "https://compute.googleapis.com/compute/v1/projects/p/global/networks/kafka-vpc",
            "ipCidrRange": "10.128.0.0/18", "purpose": "PRIVATE_SERVICE_CONNECT",
        ])
        for (i, zone) in ["us-west1-a", "us-west1-b"].enumerated() {
            try await done("POST", "\(Self.project)/zones/\(zone)/instances", [
                "name": .string("broker-node\(i + 1)"), "machineType": .string("zones/\(zone)/machineTypes/e2-medium"),
                "disks": [["boot": true, "initializeParams": ["sourceImage": "projects/debian-cloud/global/images/family/debian-12"]]],
                "networkInterfaces": [["subnetwork": "projects/p/regions/us-west1/subnetworks/brokers-subnet", "networkIP": .string("10.64.0.1\(i)")]],
            ])
        }
    }

    /// The port-mapping NEG with one endpoint per instance (39092 <- 9093, 9094), backend service, all-ports rule.
    func seedLoadBalancer() async throws {
        try await done("POST", "\(Self.region)/networkEndpointGroups", [
            "name": "kafka-neg", "networkEndpointType": "GCE_VM_IP_PORTMAP", "network": "projects/p/global/networks/kafka-vpc",
            "subnetwork": "projects/p/regions/us-west1/subnetworks/brokers-subnet",
        ])
        try await done("POST", "\(Self.region)/networkEndpointGroups/kafka-neg/attachNetworkEndpoints", [
            "networkEndpoints": [
                ["instance": "projects/p/zones/us-west1-a/instances/broker-node1", "port": 39092, "clientDestinationPort": 9093],
                ["instance": "projects/p/zones/us-west1-b/instances/broker-node2", "port": 39092, "clientDestinationPort": 9094],
            ]
        ])
        try await done("POST", "\(Self.region)/backendServices", [
            "name": "kafka-lb", "loadBalancingScheme": "INTERNAL", "protocol": "TCP",
            "backends": [["group": "projects/p/regions/us-west1/networkEndpointGroups/kafka-neg", "balancingMode": "CONNECTION"]],
        ])
        try await done("POST", "\(Self.region)/forwardingRules", [
            "name": "kafka-fr", "loadBalancingScheme": "INTERNAL", "IPProtocol": "TCP", "allPorts": true,
            "backendService": "projects/p/regions/us-west1/backendServices/kafka-lb",
            "subnetwork": "projects/p/regions/us-west1/subnetworks/brokers-subnet",
        ])
    }
}

/// A loopback TCP server answering each connection with `greeting` (which broker the traffic reached).
final class GreetingServer: Sendable {
    let listener: TCPListener
    private let stopped = Flag()

    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .releasing) }
        var isSet: Bool { value.load(ordering: .acquiring) }
    }

    init(host: String, port: Int, greeting: String) throws {
        listener = try TCPListener.listen(on: [SocketAddress.ipv4(host, port: port)!], backlog: 16)
        let thread = Thread { [listener, stopped] in
            while !stopped.isSet {
                guard (try? listener.awaitConnection(timeout: .milliseconds(100))) == true, let socket = try? listener.accept() else { continue }
                try? socket.writeAll(Array(greeting.utf8), deadline: nil)
                socket.close()
            }
        }
        thread.start()
    }

    func stop() {
        stopped.set()
        listener.shutdown()
    }

    /// What a connection to `host:port` reads until the server closes it (nil when nothing accepts it).
    static func read(_ host: String, _ port: Int) -> String? {
        guard let socket = try? TCPSocket.connect(to: SocketAddress.ipv4(host, port: port)!, timeout: .seconds(5)) else { return nil }
        defer { socket.close() }
        var out: [UInt8] = []
        while let byte = try? socket.readExactly(1, deadline: .now + .seconds(5)) { out += byte }
        return String(decoding: out, as: UTF8.self)
    }
}
