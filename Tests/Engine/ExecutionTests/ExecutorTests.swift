import Execution
import Foundation
import Planning
import ProviderAPI
import ReconcileModel
import TestSupport
import Testing

@Suite("Executor: applying plans")
struct ExecutorTests {
    @Test("a plan with nothing to do touches nothing")
    func nothingToDo() async throws {
        let world = World()
        let report = try await world.apply(Plan())
        #expect(report.isSuccess)
        #expect(report.succeeded.isEmpty)
        #expect(world.cloud.calls.isEmpty && world.brokers.calls.isEmpty)
        #expect(try await world.journal().isEmpty)
        #expect(await world.store.saveCount(cluster: Fixtures.cluster) == 0)
    }

    @Test("applies the whole topology in dependency order, restarts last and one by one")
    func appliesInOrder() async throws {
        let world = World()
        let plan = try await world.plan(Fixtures.topology())
        #expect(plan.summary.add == 3 && plan.summary.brokerConfigs == 3 && plan.summary.brokerRestarts == 3)
        let events = EventRecorder<ApplyEvent>()
        let report = try await world.apply(plan) { events.record($0) }

        #expect(report.isSuccess)
        #expect(Set(report.succeeded) == Set(plan.changes.map(\.id)))
        #expect(events.respectsDependencies())
        #expect(world.cloud.callIDs == [
            "\(Fixtures.vnet)#create", "\(Fixtures.lb)#create", "\(Fixtures.pls)#create",
        ])
        let brokerCalls = world.brokers.calls
        #expect(brokerCalls.prefix(3).allSatisfy { $0.action == .writeBrokerConfig })
        #expect(brokerCalls.suffix(3).map(\.changeID) == [1, 2, 3].map { "\(Fixtures.broker($0))#restart_broker" })
        #expect([1, 2, 3].allSatisfy { world.brokers.restartCount(Fixtures.broker($0)) == 1 })
        // Unmanaged keys of server.properties survive the write.
        #expect(world.brokers[Fixtures.broker(1)]?.properties["log.dirs"] == "/var/lib/kafka")
    }

    @Test("re-planning after a successful apply finds nothing to do, and re-applying the old plan changes nothing")
    func idempotent() async throws {
        let world = World()
        let desired = Fixtures.topology()
        let plan = try await world.plan(desired)
        #expect(try await world.apply(plan).isSuccess)
        let replan = try await world.plan(desired)
        #expect(replan.changes.isEmpty, "\(replan.changes.map(\.id))")
        #expect(replan.problems.isEmpty)

        let before = world.cloud.resources
        #expect(try await world.apply(plan).isSuccess)
        #expect(world.cloud.resources == before)
        #expect(try await world.plan(desired).changes.isEmpty)
    }

    @Test("the journal has started then succeeded for every step, with the applied fingerprint")
    func journal() async throws {
        let world = World()
        let plan = try await world.plan(Fixtures.topology())
        _ = try await world.apply(plan)
        let journal = try await world.journal()
        #expect(journal.count == 2 * plan.changes.count)
        #expect(journal.allSatisfy { $0.runID == "run-1" })
        for change in plan.changes {
            let entries = journal.filter { $0.address == change.address && $0.action == change.action }
            #expect(entries.map(\.status) == [.started, .succeeded], "\(change.id)")
            #expect(entries.allSatisfy { $0.fingerprint == change.after?.fingerprint }, "\(change.id)")
            #expect(entries[0].time < entries[1].time)
        }
    }

    @Test("the inventory is saved after every successful step, growing one resource at a time")
    func inventorySavedEachStep() async throws {
        let world = World()
        let plan = try await world.plan(Fixtures.topology())
        let report = try await world.apply(plan, maxConcurrency: 1)
        let saves = await world.store.savedInventories(cluster: Fixtures.cluster)
        #expect(saves.count == plan.changes.count)
        for (index, id) in report.succeeded.enumerated() {
            let change = try #require(plan.changes.first { $0.id == id })
            #expect(saves[index][change.address] != nil, "\(id) recorded in save \(index)")
            if change.action != .restartBroker, index > 0 {
                #expect(saves[index - 1][change.address] == nil, "\(id) not yet in save \(index - 1)")
            }
        }
        let final = try #require(report.inventories[Fixtures.cluster])
        #expect(final == saves.last)
        #expect(final[Fixtures.lb]?.origin == .created)
        #expect(final[Fixtures.lb]?.dependsOn == [Fixtures.vnet])
        #expect(final[Fixtures.lb]?.disruption == .consumerVisible)
        #expect(final[Fixtures.lb]?.cloudID == world.cloud[Fixtures.lb]?.cloudID)
        #expect(final[Fixtures.lb]?.applied == Fixtures.lbSpec().properties)
    }

    @Test("never two broker restarts in flight, even when the plan forgot to chain them")
    func restartGate() async throws {
        let world = World()
        world.brokers.setDelay(.milliseconds(40))
        let plan = Plan(changes: [1, 2, 3, 4].map { Step.restart($0) } + [
            Change(address: Fixtures.broker(1), action: .writeBrokerConfig, reason: .configChanged, after: ["a": "1"]),
            Change(address: Fixtures.broker(2), action: .writeBrokerConfig, reason: .configChanged, after: ["a": "1"]),
        ])
        let report = try await world.apply(plan, maxConcurrency: 4)
        #expect(report.isSuccess)
        #expect(world.brokers.maxInFlight(.restartBroker) == 1)
        // The gate is for restarts only: other work still runs alongside.
        #expect(world.brokers.maxInFlightTotal > 1)
    }

    @Test("maxConcurrency bounds the changes in flight")
    func concurrencyBound() async throws {
        let world = World()
        world.cloud.setDelay(.milliseconds(20))
        let plan = Plan(changes: (1...8).map { Step.create(Fixtures.address(Fixtures.vnetType, "v\($0)")) })
        #expect(try await world.apply(plan, maxConcurrency: 3).isSuccess)
        #expect(world.cloud.maxInFlightTotal <= 3)
        #expect(world.cloud.maxInFlightTotal > 1)
    }

    @Test("an update of an address not yet in the inventory is recorded as adopted, and removing it only forgets it")
    func adoption() async throws {
        let foreign = ObservedResource(address: Fixtures.vnet, cloudID: "arm:/vnet", properties: ["location": "eastus"],
                                       ownership: .foreign)
        let world = World(cloud: [foreign], brokers: [])
        var spec = Fixtures.vnetSpec()
        spec.adopt = true
        let plan = try await world.plan([spec])
        #expect(plan.changes.map(\.action) == [.update])
        let report = try await world.apply(plan)
        #expect(report.inventories[Fixtures.cluster]?[Fixtures.vnet]?.origin == .adopted)
        #expect(report.inventories[Fixtures.cluster]?[Fixtures.vnet]?.cloudID == "arm:/vnet")

        let removal = try await world.plan([])
        #expect(removal.changes.map(\.action) == [.forget])
        #expect(try await world.apply(removal).isSuccess)
        #expect(world.cloud[Fixtures.vnet] != nil)
        #expect(try await world.inventories()[Fixtures.cluster]?.entries.isEmpty == true)
    }
}
