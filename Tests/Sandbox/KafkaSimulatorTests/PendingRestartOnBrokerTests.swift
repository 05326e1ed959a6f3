import Foundation
import Synchronization
import KafkaRolling
import ProviderAPI
import ReconcileModel
import RollingRestart
import ServerProperties
import Testing

/// A restart pending on a broker is read from the broker itself: its `server.properties` against what it runs
/// (DescribeConfigs), so a dry-run on a machine without the journal (CI) still sees a roll that was killed.
/// Real `kafka-broker-sim` processes on loopback.
@Suite("A pending restart read from the broker", .serialized)
struct PendingRestartOnBrokerTests {
    static let managed = ["listeners", "advertised.listeners", "listener.security.protocol.map", "inter.broker.listener.name"]

    static func roller(_ sim: SimCluster) -> ClusterRoller {
        let brokers = sim.ids.map { id in
            RollingCluster.Broker(
                id: Int(id), internalHost: sim.host(id), internalPort: sim.internalPort, isController: true,
                ssh: SSHTarget(host: sim.host(id), user: "kafka"))
        }
        return ClusterRoller(cluster: RollingCluster(
            name: "sim", brokers: brokers, exposures: [], restartCommand: ["true"], restartTimeout: .seconds(5),
            policy: GatePolicy(), timeouts: RollTimeouts()), remote: UnreachableHost())
    }

    /// Each broker's managed keys as its file has them now (absent keys are null, as the broker provider
    /// observes them).
    static func files(_ sim: SimCluster, keys: [String] = managed) throws -> [ResourceAddress: Value] {
        var out: [ResourceAddress: Value] = [:]
        for id in sim.ids {
            let file = try PropertiesFile(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: sim.configPath(id)))))
            var object: [String: Value] = [:]
            for key in keys { object[key] = file.values[key].map(Value.string) ?? .null }
            out[ResourceAddress(cluster: "sim", type: ResourceTypes.Kafka.brokerConfig, name: "\(id)")] = .object(object)
        }
        return out
    }

    static func edit(_ sim: SimCluster, _ id: Int32, _ change: (inout [String]) -> Void) throws {
        var lines = try String(contentsOfFile: sim.configPath(id), encoding: .utf8).split(separator: "\n").map(String.init)
        change(&lines)
        try (lines.joined(separator: "\n") + "\n").write(toFile: sim.configPath(id), atomically: true, encoding: .utf8)
    }

    static func address(_ id: Int32) -> ResourceAddress { ResourceAddress(cluster: "sim", type: ResourceTypes.Kafka.brokerConfig, name: "\(id)") }

    @Test("A file changed but not restarted is pending until the broker restarts; a broker that does not answer is not")
    func fileAgainstLive() async throws {
        let sim = try SimCluster(nodes: 3)
        defer { sim.stopAll() }
        try sim.startAllAndWaitHealthy()
        let roller = Self.roller(sim)
        #expect(await roller.notRunning(try Self.files(sim)).isEmpty, "every broker runs its file")

        // Broker 2's file gets a new advertised EXTERNAL address (what a config push does before the restart).
        try Self.edit(sim, 2) { lines in
            lines = lines.map { $0.hasPrefix("advertised.listeners=") ? "advertised.listeners=INTERNAL://\(sim.host(2)):\(sim.internalPort),EXTERNAL://b2.new.example.test:9094" : $0 }
        }
        #expect(await roller.notRunning(try Self.files(sim)) == [Self.address(2)])

        // A key the broker runs from its file but the file no longer sets is a difference too.
        try Self.edit(sim, 3) { lines in lines.removeAll { $0.hasPrefix("inter.broker.listener.name=") } }
        #expect(await roller.notRunning(try Self.files(sim)) == [Self.address(2), Self.address(3)])

        // A key the broker does not report is unknown, not a difference (no restart loop on it).
        let unknownKey = try Self.files(sim, keys: ["no.such.key"]).mapValues { _ in Value.object(["no.such.key": "x"]) }
        #expect(await roller.notRunning(unknownKey).isEmpty)

        // Broker 3 down: it cannot be asked, so nothing is claimed about it.
        _ = sim.terminate(3)
        #expect(await roller.notRunning(try Self.files(sim)) == [Self.address(2)])

        // Broker 2 restarted: it runs its file again.
        _ = sim.terminate(2)
        try sim.start(2)
        #expect(await roller.notRunning(try Self.files(sim)).isEmpty)
    }

    @Test("A broker whose restart another run started and that does not answer yet is waited for, found on its new config, and not restarted again")
    func interruptedRestartIsWaitedFor() async throws {
        let sim = try SimCluster(nodes: 3)
        defer { sim.stopAll() }
        try sim.startAllAndWaitHealthy()
        let roller = Self.roller(sim)  // its remote refuses every command: a restart would fail the roll
        let change = Change(
            address: Self.address(2), action: .restartBroker, reason: .restartPending, after: try Self.files(sim)[Self.address(2)])
        // Broker 2 is coming back from a restart the previous leader's command started: down now, up in a moment.
        _ = sim.terminate(2)
        let comeback = Task.detached {
            try await Task.sleep(for: .milliseconds(1500))
            try sim.start(2)
        }
        let seen = Mutex<[String]>([])
        let result = await roller.roll([change]) { event in
            switch event {
            case .alreadyCurrent(let c): seen.withLock { $0.append("current \(c.address.name)") }
            case .restarting(let c, _): seen.withLock { $0.append("restarting \(c.address.name)") }
            case .waiting(_, let why): seen.withLock { $0.append("waiting: \(why.joined())") }
            case .restarted(let c): seen.withLock { $0.append("restarted \(c.address.name)") }
            }
        }
        try await comeback.value
        #expect(result.halt == nil, "\(String(describing: result.halt))")
        #expect(result.completed == [change.id])
        let events = seen.withLock { $0 }
        #expect(events.first?.hasPrefix("waiting: broker 2 to answer") == true, "\(events)")
        #expect(events.last == "current 2" && !events.contains("restarting 2"), "\(events)")
    }
}
