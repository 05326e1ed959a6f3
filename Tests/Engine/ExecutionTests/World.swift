import Execution
import Foundation
import Planning
import ProviderAPI
import ReconcileModel
import TestSupport

/// A fake world and the observe -> plan -> apply loop the CLI runs, wired with in-memory adapters.
struct World {
    let cloud: InMemoryProvider
    let brokers: InMemoryProvider
    let store: InMemoryStateStore
    let clock = ManualClock(tick: 1)
    let runID: String

    /// By default: no cloud resources, and brokers 1-3 running with a pre-existing `server.properties`.
    init(cloud: [ObservedResource] = [], brokers: [ObservedResource] = [1, 2, 3].map { Fixtures.existingBroker($0) },
         inventories: [Inventory] = [], runID: String = "run-1") {
        self.cloud = InMemoryProvider(types: Fixtures.cloudTypes, resources: cloud)
        self.brokers = InMemoryProvider(types: [Fixtures.brokerType], resources: brokers)
        self.store = InMemoryStateStore(inventories: inventories)
        self.runID = runID
    }

    var providers: [any ResourceProvider] { [cloud, brokers] }

    func inventories() async throws -> [String: Inventory] {
        var out: [String: Inventory] = [:]
        for cluster in try await store.clusters() { out[cluster] = try await store.inventory(cluster: cluster) }
        return out
    }

    /// Observes the fake world and plans against it, pending restarts read from the journal.
    func plan(_ desired: [ResourceSpec], targets: [String] = []) async throws -> Plan {
        let inventories = try await inventories()
        let entries = inventories.values.flatMap { $0.entries.values }
        var observed: [ObservedResource] = []
        for provider in providers { observed += try await provider.observe(desired: desired, inventory: entries) }
        var journals: [String: [JournalEntry]] = [:]
        for cluster in try await store.clusters() { journals[cluster] = try await store.journal(cluster: cluster) }
        return Planner.plan(PlanInput(
            desired: desired, observedList: observed, inventories: Array(inventories.values),
            pendingRestarts: PendingRestarts.from(journals: journals), targets: targets
        ))
    }

    func executor(
        maxConcurrency: Int = 4,
        providers: [any ResourceProvider]? = nil,
        events: @escaping @Sendable (ApplyEvent) async -> Void = { _ in },
        beforeRestart: @escaping @Sendable (Change) async -> String? = { _ in nil },
        confirmLock: @escaping @Sendable (Change) async -> String? = { _ in nil }
    ) -> Executor {
        Executor(providers: providers ?? self.providers, store: store, runID: runID, now: clock.closure,
                 maxConcurrency: maxConcurrency, events: events, beforeRestart: beforeRestart, confirmLock: confirmLock)
    }

    func apply(_ plan: Plan, maxConcurrency: Int = 4, events: @escaping @Sendable (ApplyEvent) async -> Void = { _ in })
        async throws -> ApplyReport
    {
        await executor(maxConcurrency: maxConcurrency, events: events).apply(plan, inventories: try await inventories())
    }

    func journal() async throws -> [JournalEntry] { try await store.journal(cluster: Fixtures.cluster) }
}

extension EventRecorder where Element == ApplyEvent {
    /// Change ids in the order they started.
    var startedIDs: [String] { all.compactMap { if case .started(let c) = $0 { c.id } else { nil } } }
    var succeededIDs: [String] { all.compactMap { if case .succeeded(let c) = $0 { c.id } else { nil } } }

    /// Every change started only after all its dependencies had succeeded.
    func respectsDependencies() -> Bool {
        var done: Set<String> = []
        for event in all {
            switch event {
            case .started(let change): if !change.dependsOn.allSatisfy(done.contains) { return false }
            case .succeeded(let change): done.insert(change.id)
            default: break
            }
        }
        return true
    }
}

/// Hand-built changes for executor-only tests.
enum Step {
    static func create(_ address: ResourceAddress, after: [String] = [], props: Value = ["p": 1]) -> Change {
        Change(address: address, action: .create, reason: .missing, after: props, dependsOn: after)
    }

    static func restart(_ id: Int, after: [String] = []) -> Change {
        Change(address: Fixtures.broker(id), action: .restartBroker, reason: .restartPending,
               disruption: .brokerRestart, dependsOn: after)
    }
}
