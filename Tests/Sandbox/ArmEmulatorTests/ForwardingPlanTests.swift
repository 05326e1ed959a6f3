@testable import ArmEmulator
import Synchronization
import Testing

/// The data path the load balancers imply, computed after each change and handed to the forwarding backend.
@Suite struct ForwardingPlanTests {
    /// Records what it was asked to apply; fails to bind one port to show failures are reported.
    final class RecordingBackend: ForwardingBackend {
        let applied = Mutex<[[LoadBalancerForward]]>([])
        let stopped = Atomic<Bool>(false)

        func apply(_ forwards: [LoadBalancerForward]) throws -> [LoadBalancerForward: String] {
            applied.withLock { $0.append(forwards) }
            return Dictionary(uniqueKeysWithValues: forwards.filter { $0.listenPort == 9095 }.map { ($0, "address in use") })
        }

        func stop() { stopped.store(true, ordering: .releasing) }
    }

    @Test func rulesForwardFrontendToFirstPoolMember() throws {
        let backend = RecordingBackend()
        var configuration = ArmEmulator.Configuration()
        configuration.retryAfterSeconds = 0
        configuration.operationPolls = 0
        configuration.forwarding = true
        configuration.addressMap = ["10.0.0.4": "127.0.1.4", "10.0.0.7": "127.0.1.7"]
        configuration.frontendBindHost = "127.0.0.9"
        let emulator = try ArmEmulator(configuration: configuration, forwarding: backend)
        try emulator.start()
        defer { emulator.stop() }
        let fixture = Harness(client: ArmClient(port: emulator.port))
        try fixture.put(Fixture.groupPath, ["location": "eastus"])
        try fixture.put("\(Fixture.network)/virtualNetworks/kafka-pls-vnet", Fixture.vnetBody())
        try fixture.put("\(Fixture.network)/networkInterfaces/n1", Fixture.nicBody(ip: "10.0.0.4"))
        try fixture.put("\(Fixture.network)/networkInterfaces/n2", Fixture.nicBody(ip: "10.0.0.5"))
        try fixture.put("\(Fixture.network)/networkInterfaces/n3", Fixture.nicBody(ip: "10.0.0.6"))
        try fixture.put(Fixture.lbID, Fixture.lbBody())
        // No members yet: listen on the mapped frontend and close connections.
        #expect(emulator.forwardingRules.map(\.listenHost) == ["127.0.1.7", "127.0.1.7", "127.0.1.7"])
        #expect(emulator.forwardingRules.allSatisfy { $0.targetHost == nil })
        try fixture.put("\(Fixture.network)/networkInterfaces/n1", Fixture.nicBody(ip: "10.0.0.4", pools: ["pool1"]))
        try fixture.put("\(Fixture.network)/networkInterfaces/n2", Fixture.nicBody(ip: "10.0.0.5", pools: ["pool2"]))
        let rules = emulator.forwardingRules.sorted { $0.listenPort < $1.listenPort }
        #expect(rules.map(\.listenPort) == [9093, 9094, 9095])
        #expect(rules.map(\.targetHost) == ["127.0.1.4", "10.0.0.5", nil])
        #expect(rules.allSatisfy { $0.targetPort == 39092 })
        #expect(emulator.forwardingFailures.keys.map(\.listenPort) == [9095])
        #expect(backend.applied.withLock { $0.count } >= 3)
        _ = try fixture.client.send("DELETE", Fixture.lbID)
        #expect(emulator.forwardingRules.isEmpty)
        emulator.stop()
        let stopped = backend.stopped.load(ordering: .acquiring)
        #expect(stopped)
    }

    @Test func forwardingOffComputesNothing() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        try fixture.lb()
        #expect(fixture.emulator.forwardingRules.isEmpty)
    }

    /// PUT-and-wait over a bare client.
    struct Harness {
        let client: ArmClient
        func put(_ path: String, _ body: JSON) throws {
            let response = try client.send("PUT", path, body)
            #expect(response.status < 300, "\(path): \(response.status) \(response.json?.serialized() ?? "")")
            try client.wait(response)
        }
    }
}
