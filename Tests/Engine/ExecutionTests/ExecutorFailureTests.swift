import Execution
import Foundation
import Planning
import ProviderAPI
import ReconcileModel
import TestSupport
import Testing

@Suite("Executor: failures, cancellation, crash recovery")
struct ExecutorFailureTests {
    static let vnetB = Fixtures.address(Fixtures.vnetType, "vnet-b")
    static let lbB = Fixtures.address(Fixtures.lbType, "lb-b")

    /// Two independent chains: vnet -> lb -> pls and vnet-b -> lb-b.
    static func twoBranches() -> [ResourceSpec] {
        [Fixtures.vnetSpec(), Fixtures.lbSpec(), Fixtures.plsSpec(),
         ResourceSpec(address: vnetB, properties: ["location": "eastus"]),
         ResourceSpec(address: lbB, properties: ["location": "eastus"], dependsOn: [vnetB])]
    }

    @Test("a failure skips its dependents but independent branches continue, and every failure is reported")
    func partialFailure() async throws {
        let world = World(brokers: [])
        world.cloud.failNext(Fixtures.lb, "quota exceeded")
        world.cloud.failNext(Self.lbB, "conflict")
        let plan = try await world.plan(Self.twoBranches())
        let report = try await world.apply(plan)

        #expect(!report.isSuccess)
        #expect(report.failed == ["\(Fixtures.lb)#create": "quota exceeded", "\(Self.lbB)#create": "conflict"])
        #expect(report.skipped == ["\(Fixtures.pls)#create": ["\(Fixtures.lb)#create"]])
        #expect(Set(report.succeeded) == ["\(Fixtures.vnet)#create", "\(Self.vnetB)#create"])
        let inventory = try #require(report.inventories[Fixtures.cluster])
        #expect(Set(inventory.entries.keys) == [Fixtures.vnet, Self.vnetB])
        let journal = try await world.journal()
        #expect(journal.filter { $0.address == Fixtures.lb }.map(\.status) == [.started, .failed])
        #expect(journal.filter { $0.address == Fixtures.pls }.map(\.status) == [.skipped])

        // The next run picks up exactly the rest.
        let replan = try await world.plan(Self.twoBranches())
        #expect(Set(replan.changes.map(\.id)) == ["\(Fixtures.lb)#create", "\(Fixtures.pls)#create", "\(Self.lbB)#create"])
    }

    @Test("a failed delete keeps the inventory entry, so the survivor is never lost track of")
    func failedDeleteKeepsEntry() async throws {
        let world = World(brokers: [])
        _ = try await world.apply(try await world.plan([Fixtures.vnetSpec(), Fixtures.lbSpec()]))
        world.cloud.failNext(Fixtures.lb, ProviderError(.retryable, address: Fixtures.lb, "HTTP 429"))
        // Its exposure said `deletionPolicy: Delete` (the pass records that in the inventory).
        var inventory = try #require(try await world.inventories()[Fixtures.cluster])
        inventory[Fixtures.lb]?.declaration = Declaration(exposure: "gone", field: "spec", deletionPolicy: .delete)
        try await world.store.saveInventory(inventory)
        let removal = try await world.plan([Fixtures.vnetSpec()])
        #expect(removal.changes.map(\.action) == [.delete])
        let report = try await world.apply(removal)
        #expect(report.failed["\(Fixtures.lb)#delete"] == "HTTP 429")
        #expect(report.inventories[Fixtures.cluster]?[Fixtures.lb] != nil)
        #expect(try await world.inventories()[Fixtures.cluster]?[Fixtures.lb] != nil)
        #expect(try await world.plan([Fixtures.vnetSpec()]).changes.map(\.action) == [.delete])
    }

    @Test("a change with no provider for its type fails and says so")
    func noProvider() async throws {
        let world = World()
        let change = Step.create(Fixtures.address("gcp.forwardingRule", "fr"))
        let report = try await world.apply(Plan(changes: [change, Step.create(Fixtures.vnet, after: [change.id])]))
        #expect(report.failed == [change.id: "no provider for gcp.forwardingRule"])
        #expect(report.skipped == ["\(Fixtures.vnet)#create": [change.id]])
    }

    @Test("a store error is a failure of that change")
    func storeErrors() async throws {
        let world = World(brokers: [])
        await world.store.failNextSaves("disk full")
        let plan = Plan(changes: [Step.create(Fixtures.vnet), Step.create(Fixtures.lb, after: ["\(Fixtures.vnet)#create"])])
        let report = try await world.apply(plan)
        #expect(report.failed["\(Fixtures.vnet)#create"]?.contains("inventory could not be saved") == true)
        #expect(report.skipped["\(Fixtures.lb)#create"] == ["\(Fixtures.vnet)#create"])

        let other = World(brokers: [])
        await other.store.failNextAppends("journal unwritable")
        let second = try await other.apply(Plan(changes: [Step.create(Fixtures.vnet)]))
        #expect(second.failed["\(Fixtures.vnet)#create"]?.contains("cannot write the journal") == true)
        #expect(other.cloud.calls.isEmpty, "nothing is changed without a journal entry first")
    }

    @Test("a dependency cycle or unknown dependency in a hand-edited plan is skipped, never a hang")
    func badPlan() async throws {
        let world = World(brokers: [])
        let a = Step.create(Fixtures.vnet, after: ["\(Fixtures.lb)#create"])
        let b = Step.create(Fixtures.lb, after: ["\(Fixtures.vnet)#create"])
        let c = Step.create(Fixtures.pls, after: ["nowhere#create"])
        let report = try await world.apply(Plan(changes: [a, b, c]))
        #expect(Set(report.skipped.keys) == [a.id, b.id, c.id])
        #expect(report.skipped[c.id] == ["nowhere#create (not in plan)"])
        #expect(world.cloud.calls.isEmpty)
    }

    @Test("cancelled mid-apply: nothing new starts, in-flight work finishes, and a re-plan holds only the rest")
    func crashMidApply() async throws {
        let world = World()
        world.brokers.setDelay(.milliseconds(20))
        let desired = Fixtures.topology()
        let plan = try await world.plan(desired)
        let canceller = TaskCanceller()
        let events = EventRecorder<ApplyEvent>()
        let executor = world.executor { event in
            events.record(event)
            if events.succeededIDs.count == 4 { canceller.cancel() }
        }
        let inventories = try await world.inventories()
        let task = Task { await executor.apply(plan, inventories: inventories) }
        canceller.register(task)
        let report = await task.value

        #expect(report.wasCancelled)
        #expect(report.failed.isEmpty)
        #expect(report.succeeded.count >= 4 && report.succeeded.count < plan.changes.count)
        // Whatever started, finished and was recorded.
        #expect(Set(events.startedIDs) == Set(report.succeeded))
        #expect(report.skipped.values.allSatisfy { $0 == [ApplyReport.cancelled] })

        let replan = try await world.plan(desired)
        #expect(Set(replan.changes.map(\.id)) == Set(plan.changes.map(\.id)).subtracting(report.succeeded))
        // Restarts of brokers whose config was already written are still owed, from the journal.
        for restart in replan.changes where restart.action == .restartBroker
            && report.succeeded.contains("\(restart.address)#write_broker_config") {
            #expect(restart.reason == .restartPending)
        }
        #expect(try await world.apply(replan).isSuccess)
        #expect(try await world.plan(desired).changes.isEmpty)
        #expect([1, 2, 3].allSatisfy { world.brokers.restartCount(Fixtures.broker($0)) == 1 })
    }
}
