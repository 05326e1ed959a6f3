@testable import Execution
import Foundation
import ProviderAPI
import ReconcileModel
import TestSupport
import Testing

@Suite("Apply scheduler, inventory recorder, pending restarts")
struct SchedulerAndJournalTests {
    @Test("the restart gate admits one restart at a time, whatever the plan says")
    func restartGate() {
        var scheduler = ApplyScheduler(changes: [Step.restart(1), Step.restart(2), Step.create(Fixtures.vnet)],
                                       maxConcurrency: 4)
        let first = scheduler.next()
        #expect(first.start.map(\.id) == ["\(Fixtures.broker(1))#restart_broker", "\(Fixtures.vnet)#create"])
        #expect(scheduler.next().start.isEmpty)
        scheduler.finish("\(Fixtures.broker(1))#restart_broker", succeeded: false)
        // A failed restart releases the gate too; the other restart does not depend on it.
        #expect(scheduler.next().start.map(\.id) == ["\(Fixtures.broker(2))#restart_broker"])
    }

    @Test("skips propagate through the DAG and name the failed or skipped dependencies")
    func skipPropagation() {
        let a = Step.create(Fixtures.vnet)
        let b = Step.create(Fixtures.lb, after: [a.id])
        let c = Step.create(Fixtures.pls, after: [b.id, a.id])
        var scheduler = ApplyScheduler(changes: [a, b, c], maxConcurrency: 1)
        #expect(scheduler.next().start.map(\.id) == [a.id])
        scheduler.finish(a.id, succeeded: false)
        let batch = scheduler.next()
        #expect(batch.skip.map(\.change.id) == [b.id, c.id])
        #expect(batch.skip.map(\.because) == [[a.id], [b.id, a.id]])
        #expect(!scheduler.hasPending)
    }

    @Test("a new inventory entry's origin follows from the action")
    func recorderOrigins() {
        let observed = ObservedResource(address: Fixtures.vnet, cloudID: "arm:/x", properties: ["p": 1])
        func origin(_ action: Action, existing: Inventory.Entry? = nil) -> Inventory.Entry.Origin? {
            let change = Change(address: Fixtures.vnet, action: action, reason: .missing, after: ["p": 1])
            return InventoryRecorder.entry(after: change, result: observed, existing: existing)?.origin
        }
        #expect(origin(.create) == .created)
        #expect(origin(.update) == .adopted)
        #expect(origin(.replace) == .adopted)
        #expect(origin(.writeBrokerConfig) == .created)
        let adopted = Inventory.Entry(address: Fixtures.vnet, origin: .adopted)
        #expect(origin(.update, existing: adopted) == .adopted)
        #expect(origin(.restartBroker) == nil)
        #expect(origin(.delete, existing: adopted) == nil)
        #expect(origin(.forget, existing: adopted) == nil)
        var recorder = InventoryRecorder([:])
        let inventory = recorder.record(Change(address: Fixtures.vnet, action: .create, reason: .missing), result: observed)
        #expect(inventory[Fixtures.vnet]?.cloudID == "arm:/x")
    }

    static func entry(_ broker: Int, _ action: Action, _ status: JournalEntry.Status, _ fingerprint: String? = nil) -> JournalEntry {
        JournalEntry(time: Date(timeIntervalSince1970: 0), runID: "r", address: Fixtures.broker(broker), action: action,
                     status: status, fingerprint: fingerprint)
    }

    struct JournalCase: Sendable, CustomTestStringConvertible {
        let reason: String
        let entries: [JournalEntry]
        let pending: [ResourceAddress: String?]
        var testDescription: String { reason }
    }

    @Test("pending restarts from the journal", arguments: [
        JournalCase(reason: "written and restarted: nothing pending",
                    entries: [entry(1, .writeBrokerConfig, .started, "f1"), entry(1, .writeBrokerConfig, .succeeded, "f1"),
                              entry(1, .restartBroker, .started), entry(1, .restartBroker, .succeeded)],
                    pending: [:]),
        JournalCase(reason: "written, restart never ran: pending with the written fingerprint",
                    entries: [entry(1, .writeBrokerConfig, .started, "f1"), entry(1, .writeBrokerConfig, .succeeded, "f1"),
                              entry(1, .restartBroker, .skipped)],
                    pending: [Fixtures.broker(1): "f1"]),
        JournalCase(reason: "restart failed: still pending",
                    entries: [entry(2, .writeBrokerConfig, .succeeded, "f2"), entry(2, .restartBroker, .started),
                              entry(2, .restartBroker, .failed)],
                    pending: [Fixtures.broker(2): "f2"]),
        JournalCase(reason: "crash mid-write (started, no outcome): the file may be written, so restart",
                    entries: [entry(3, .writeBrokerConfig, .started, "f3")],
                    pending: [Fixtures.broker(3): "f3"]),
        JournalCase(reason: "a failed write leaves nothing pending",
                    entries: [entry(3, .writeBrokerConfig, .started, "f3"), entry(3, .writeBrokerConfig, .failed, "f3")],
                    pending: [:]),
        JournalCase(reason: "a failed write keeps an earlier pending restart",
                    entries: [entry(1, .writeBrokerConfig, .succeeded, "f1"), entry(1, .writeBrokerConfig, .started, "f9"),
                              entry(1, .writeBrokerConfig, .failed, "f9")],
                    pending: [Fixtures.broker(1): "f1"]),
    ])
    func pendingRestarts(_ row: JournalCase) {
        #expect(PendingRestarts.from(journal: row.entries) == row.pending, "\(row.reason)")
    }
}
