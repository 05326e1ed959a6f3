import Foundation
import KafkaBrokers
import Planning
import ProviderAPI
import ReconcileModel
import Testing
import TestSupport

@Suite("Broker config provider: decisions over a fake fleet")
struct BrokerConfigProviderTests {
    let remote = InMemoryRemoteHost()
    let path = "config/server.properties"

    func address(_ id: Int) -> ResourceAddress { ResourceAddress(cluster: "c", type: "kafka.brokerConfig", name: String(id)) }

    func provider() -> BrokerConfigProvider {
        BrokerConfigProvider(
            remote: remote,
            endpoints: (1...3).map { BrokerEndpoint(address: address($0), target: SSHTarget(host: "10.0.0.\($0)", user: "kafka"), configPath: path) },
            now: { Date(timeIntervalSince1970: 1_800_000_000) })
    }

    func spec(_ id: Int, listeners: String) -> ResourceSpec {
        ResourceSpec(address: address(id), properties: ["node.id": .string(String(id)), "listeners": .string(listeners)], adopt: true)
    }

    @Test("Observe reads managed keys only, reports missing keys as null, and isolates a broken broker")
    func observe() async throws {
        remote.put("# comment\nnode.id=1\nlisteners = A://:1\nnum.io.threads=8\n", at: path, on: "10.0.0.1")
        remote.put("node.id=2\n", at: path, on: "10.0.0.2")
        remote.fail("10.0.0.3", with: .hostKeyMismatch(host: "10.0.0.3", detail: "offending key"))
        let observed = try await provider().observe(desired: (1...3).map { spec($0, listeners: "A://:1") }, inventory: [])
        #expect(observed.count == 3)
        #expect(observed[0].properties == ["node.id": "1", "listeners": "A://:1"])
        #expect(observed[1].properties == ["node.id": "2", "listeners": nil])
        #expect(observed[2].error?.contains("host key of 10.0.0.3 does not match known_hosts") == true)
        #expect(remote.writes.isEmpty, "observe never writes")
    }

    @Test("A malformed file is reported with its line, not guessed")
    func malformed() async throws {
        remote.put("a=1\nb=\\u12G4\n", at: path, on: "10.0.0.1")
        let observed = try await provider().observe(desired: [spec(1, listeners: "x")], inventory: [])
        #expect(observed[0].error?.contains("line 2") == true, "\(observed)")
    }

    @Test("Apply edits line by line, keeps a timestamped backup, and an unchanged value writes nothing")
    func apply() async throws {
        let original = "# keep me\nnode.id=1\nlisteners=A://:1\nnum.io.threads=8\n"
        remote.put(original, at: path, on: "10.0.0.1")
        let change = Change(address: address(1), action: .writeBrokerConfig, reason: .configChanged,
                            after: ["node.id": "1", "listeners": "A://:1,EXTERNAL://0.0.0.0:39092", "log.dirs": "/data"])
        let result = try await provider().apply(change)
        #expect(remote.file(path, on: "10.0.0.1") == "# keep me\nnode.id=1\nlisteners=A://:1,EXTERNAL://0.0.0.0:39092\nnum.io.threads=8\n\n# BEGIN reconcile managed settings\nlog.dirs=/data\n# END reconcile managed settings\n")
        #expect(remote.file(path + ".bak-20270115T080000Z", on: "10.0.0.1") == original)
        #expect(result?.properties["listeners"] == "A://:1,EXTERNAL://0.0.0.0:39092")
        _ = try await provider().apply(change)
        #expect(remote.writes.count == 1, "the second apply found nothing to change")
    }

    @Test("Restarts are refused with a clear terminal error (no health gates here)")
    func restartRefused() async throws {
        await #expect(throws: ProviderError.self) {
            _ = try await provider().apply(Change(address: address(1), action: .restartBroker, reason: .configChanged))
        }
    }

    @Test("The planner sees cosmetic differences as equal: nothing is written for `broker, controller`")
    func cosmetic() async throws {
        remote.put("process.roles = broker, controller\nnode.id=1\n", at: path, on: "10.0.0.1")
        let desired = ResourceSpec(address: address(1), properties: ["process.roles": "broker,controller", "node.id": "1"], adopt: true)
        let observed = try await provider().observe(desired: [desired], inventory: [])
        let plan = Planner.plan(PlanInput(desired: [desired], observed: [address(1): observed[0]], inventories: [:], pendingRestarts: [:], targets: []))
        #expect(plan.changes.isEmpty, "\(plan.changes)")
    }
}
