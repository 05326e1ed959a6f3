import Execution
import Foundation
import ProviderAPI
import ReconcileModel
import Synchronization
import Testing
import TestSupport

/// A broker provider that rolls: writes go to the in-memory world, restarts are handed over as one roll.
final class RollingFake: ResourceProvider, BrokerRoller, Sendable {
    let inner: InMemoryProvider
    let order: [String]
    let haltAt: String?
    let rolled = Mutex<[[String]]>([])
    let restarted = Mutex<[String]>([])

    /// Declares itself the roller of its broker changes.
    var roller: (any BrokerRoller)? { self }

    init(inner: InMemoryProvider, order: [String], haltAt: String? = nil) {
        self.inner = inner
        self.order = order
        self.haltAt = haltAt
    }

    var resourceTypes: Set<String> { inner.resourceTypes }
    func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource] {
        try await inner.observe(desired: desired, inventory: inventory)
    }
    func apply(_ change: Change) async throws -> ObservedResource? { try await inner.apply(change) }

    func roll(_ restarts: [Change], events: @escaping @Sendable (RollEvent) async throws -> Void) async -> RollResult {
        rolled.withLock { $0.append(restarts.map(\.address.name).sorted()) }
        var completed: [String] = []
        for name in order {
            guard let change = restarts.first(where: { $0.address.name == name }) else { continue }
            do {
                try await events(.restarting(change, reason: "config changed"))
            } catch let interruption as RollInterruption {
                return RollResult(completed: completed, halt: (nil, interruption.reason))  // as ClusterRoller does
            } catch {
                return RollResult(completed: completed, halt: (nil, "journal"))
            }
            if name == haltAt { return RollResult(completed: completed, halt: (change.id, "broker \(name) did not come back within 300 s")) }
            restarted.withLock { $0.append(name) }
            try? await events(.restarted(change))
            completed.append(change.id)
        }
        return RollResult(completed: completed)
    }
}

@Suite("Executor: broker rolls")
struct RollTests {
    func restartPlan() -> Plan {
        let brokers = (1...3).map { ResourceAddress(cluster: "tidb-kafka", type: Fixtures.brokerType, name: String($0)) }
        let writes = brokers.map { Change(address: $0, action: .writeBrokerConfig, reason: .configChanged, after: ["k": "v"]) }
        var restarts: [Change] = []
        for (i, b) in brokers.enumerated() {
            restarts.append(Change(address: b, action: .restartBroker, reason: .configChanged, after: ["k": "v"],
                                   dependsOn: i == 0 ? writes.map(\.id) : [restarts[i - 1].id]))
        }
        let old = ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "old-lb")
        let delete = Change(address: old, action: .delete, reason: .removedFromManifests, dependsOn: [restarts[2].id])
        return Plan(changes: writes + restarts + [delete])
    }

    @Test("All of a cluster's restarts go to the roller at once, in the roller's order, journalled per broker")
    func rollOrder() async throws {
        let world = World()
        let roller = RollingFake(inner: world.brokers, order: ["2", "3", "1"])
        let report = await world.executor(providers: [world.cloud, roller]).apply(restartPlan(), inventories: [:])
        #expect(roller.rolled.withLock { $0 } == [["1", "2", "3"]])
        #expect(roller.restarted.withLock { $0 } == ["2", "3", "1"])
        let journal = try await world.store.journal(cluster: "tidb-kafka").filter { $0.action == .restartBroker }
        #expect(journal.map { "\($0.address.name):\($0.status.rawValue)" } == ["2:started", "2:succeeded", "3:started", "3:succeeded", "1:started", "1:succeeded"])
        #expect(report.failed.isEmpty)
        #expect(report.succeeded.filter { $0.hasSuffix("#restart_broker") }.count == 3)
        #expect(report.succeeded.last == "tidb-kafka/azure.loadBalancer/old-lb#delete", "the delete runs after the roll")
    }

    @Test("A halted roll fails the broker it was restarting, skips the others and everything after the roll")
    func halt() async throws {
        let world = World()
        let roller = RollingFake(inner: world.brokers, order: ["1", "2", "3"], haltAt: "2")
        let report = await world.executor(providers: [world.cloud, roller]).apply(restartPlan(), inventories: [:])
        #expect(roller.restarted.withLock { $0 } == ["1"])
        #expect(report.failed["tidb-kafka/kafka.brokerConfig/2#restart_broker"]?.contains("did not come back") == true)
        #expect(report.skipped["tidb-kafka/kafka.brokerConfig/3#restart_broker"]?.first?.hasPrefix("roll halted") == true)
        #expect(report.skipped["tidb-kafka/azure.loadBalancer/old-lb#delete"] != nil, "contraction never runs after a halted roll")
        let journal = try await world.store.journal(cluster: "tidb-kafka").filter { $0.action == .restartBroker }
        #expect(journal.map { "\($0.address.name):\($0.status.rawValue)" } == ["1:started", "1:succeeded", "2:started", "2:failed", "3:skipped"])
    }

    @Test("beforeRestart stops a roll between brokers: the broker before finished, the rest are skipped with the reason, nothing fails")
    func interruptedBetweenBrokers() async throws {
        let world = World()
        let roller = RollingFake(inner: world.brokers, order: ["1", "2", "3"])
        let asked = Mutex<[String]>([])
        let executor = world.executor(providers: [world.cloud, roller], beforeRestart: { change in
            asked.withLock { $0.append(change.address.name) }
            return change.address.name == "2" ? "waiting for window: outside every allow window" : nil
        })
        let report = await executor.apply(restartPlan(), inventories: [:])
        #expect(asked.withLock { $0 } == ["1", "2"], "asked before each broker, and never after the roll stopped")
        #expect(roller.restarted.withLock { $0 } == ["1"])
        #expect(report.failed.isEmpty)
        #expect(report.skipped["tidb-kafka/kafka.brokerConfig/2#restart_broker"] == ["roll halted: waiting for window: outside every allow window"])
        #expect(report.skipped["tidb-kafka/kafka.brokerConfig/3#restart_broker"] != nil)
        let journal = try await world.store.journal(cluster: "tidb-kafka").filter { $0.action == .restartBroker }
        #expect(journal.map { "\($0.address.name):\($0.status.rawValue)" } == ["1:started", "1:succeeded", "2:skipped", "3:skipped"],
                "broker 2 was never marked started: it was not touched")
    }

    @Test("a lock lost while a broker's start is journalled (the process paused there): that broker is not restarted, and the journal's start is left for the next leader to resume")
    func lockLostAfterTheJournalledStart() async throws {
        let world = World()
        let roller = RollingFake(inner: world.brokers, order: ["1", "2", "3"])
        let asks = Mutex<[String: Int]>([:])
        let executor = world.executor(providers: [world.cloud, roller], confirmLock: { change in
            guard change.action == .restartBroker else { return nil }
            let n = asks.withLock { $0[change.address.name, default: 0] += 1; return $0[change.address.name]! }
            // Broker 2: held when asked first, lost by the time its start is in the journal.
            return change.address.name == "2" && n == 2 ? "lost the lock of cluster tidb-kafka: its lease expired in etcd" : nil
        })
        let report = await executor.apply(restartPlan(), inventories: [:])
        #expect(roller.restarted.withLock { $0 } == ["1"], "broker 2 did not go down")
        #expect(report.skipped["tidb-kafka/kafka.brokerConfig/2#restart_broker"]?.first?.contains("its lease expired") == true)
        let journal = try await world.store.journal(cluster: "tidb-kafka").filter { $0.action == .restartBroker }
        #expect(journal.map { "\($0.address.name):\($0.status.rawValue)" }.prefix(3) == ["1:started", "1:succeeded", "2:started"])
    }

    @Test("a lock lost mid-plan: the step it is found before is not carried out, nor any after it; a roll stops before the next broker")
    func lockLostBeforeASteps() async throws {
        let world = World()
        let roller = RollingFake(inner: world.brokers, order: ["1", "2", "3"])
        let lost = Atomic<Bool>(false)
        let confirmed = Mutex<[String]>([])
        let executor = world.executor(providers: [world.cloud, roller], confirmLock: { change in
            confirmed.withLock { $0.append("\(change.address.name):\(change.action.rawValue)") }
            // The lock is lost once the first broker is back.
            if change.action == .restartBroker, change.address.name == "2" { lost.store(true, ordering: .sequentiallyConsistent) }
            return lost.load(ordering: .sequentiallyConsistent) ? "lost the lock of cluster tidb-kafka: its lease expired in etcd" : nil
        })
        let report = await executor.apply(restartPlan(), inventories: [:])
        #expect(roller.restarted.withLock { $0 } == ["1"])
        #expect(confirmed.withLock { $0 }.filter { $0.hasSuffix("restart_broker") } == ["1:restart_broker", "1:restart_broker", "2:restart_broker"],
                "asked before each broker and again once its start is journalled, never after the roll stopped")
        #expect(confirmed.withLock { $0 }.filter { $0.hasSuffix("write_broker_config") }.count == 3, "asked before every config write")
        #expect(report.skipped["tidb-kafka/kafka.brokerConfig/2#restart_broker"]?.first?.contains("its lease expired") == true)
        let journal = try await world.store.journal(cluster: "tidb-kafka").filter { $0.action == .restartBroker }
        #expect(journal.map { "\($0.address.name):\($0.status.rawValue)" } == ["1:started", "1:succeeded", "2:skipped", "3:skipped"])
    }

    @Test("a lock lost before a cloud or config step: the provider is never called, the step fails naming why")
    func lockLostBeforeAWrite() async throws {
        let world = World()
        let executor = world.executor(confirmLock: { _ in "lost the lock of cluster tidb-kafka: the lock key is gone or was taken again" })
        let report = await executor.apply(restartPlan(), inventories: [:])
        #expect(report.succeeded.isEmpty)
        #expect(report.failed["tidb-kafka/kafka.brokerConfig/1#write_broker_config"]?.hasPrefix("not applied: lost the lock") == true)
        #expect(try await world.store.journal(cluster: "tidb-kafka").allSatisfy { $0.status != .started }, "nothing was started")
    }
}
