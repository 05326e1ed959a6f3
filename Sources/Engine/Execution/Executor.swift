public import Foundation
public import ProviderAPI
public import ReconcileModel

/// Applies a plan through the providers: the DAG given by `Change.dependsOn`, at most `maxConcurrency`
/// changes in flight, never two broker restarts at once.
///
/// Every step is journalled (`started` before, `succeeded`/`failed` after) and, after every success, the
/// cluster's inventory is updated and saved, so a crash at any point leaves state a re-plan can finish
/// from. A failure does not stop independent branches; what depended on it is skipped. On task
/// cancellation nothing new starts, and what is in flight is allowed to finish and be recorded.
///
/// The executor does not take the cluster lock: the caller holds it for the whole plan-and-apply.
public struct Executor: Sendable {
    private let providers: [any ResourceProvider]
    private let store: (any StateStore)?
    private let runID: String
    private let now: @Sendable () -> Date
    private let maxConcurrency: Int
    private let events: @Sendable (ApplyEvent) async -> Void
    private let beforeRestart: @Sendable (Change) async -> String?
    private let confirmLock: @Sendable (Change) async -> String?
    private let revision: String?

    /// - Parameter beforeRestart: asked before each broker of a roll goes down: nil lets it go; a reason stops the
    ///   roll there (the broker before it finished; this one and the rest are skipped with the reason, so the
    ///   journal's pending restarts resume them in a later pass). The service uses it for shutdown and for a
    ///   maintenance window that closes during a roll.
    /// - Parameter confirmLock: asked right before every step that changes something (a cloud mutation, a config
    ///   write, each broker of a roll): nil when the caller still holds the cluster's lock, else why not. A step it
    ///   refuses is not carried out (a roll stops there, as for `beforeRestart`).
    /// - Parameter revision: the manifests' revision, recorded in every journal entry.
    public init(
        providers: [any ResourceProvider],
        store: (any StateStore)?,
        runID: String,
        now: @escaping @Sendable () -> Date,
        maxConcurrency: Int = 4,
        events: @escaping @Sendable (ApplyEvent) async -> Void = { _ in },
        beforeRestart: @escaping @Sendable (Change) async -> String? = { _ in nil },
        confirmLock: @escaping @Sendable (Change) async -> String? = { _ in nil },
        revision: String? = nil
    ) {
        self.beforeRestart = beforeRestart
        self.confirmLock = confirmLock
        self.revision = revision
        self.providers = providers
        self.store = store
        self.runID = runID
        self.now = now
        self.maxConcurrency = max(1, maxConcurrency)
        self.events = events
    }

    public func apply(_ plan: Plan, inventories: [String: Inventory]) async -> ApplyReport {
        var run = Run(
            scheduler: ApplyScheduler(changes: plan.changes, maxConcurrency: maxConcurrency),
            recorder: InventoryRecorder(inventories),
            report: ApplyReport(inventories: inventories)
        )
        await withTaskGroup(of: [Outcome].self) { group in
            while true {
                var progressed = false
                if Task.isCancelled {
                    for change in run.scheduler.skipAllPending() { await skip(change, [ApplyReport.cancelled], &run) }
                } else {
                    let batch = run.scheduler.next()
                    progressed = !batch.isEmpty
                    for (change, because) in batch.skip { await skip(change, because, &run) }
                    for change in batch.start {
                        if change.action == .restartBroker,
                            let roller = providers.first(where: { $0.resourceTypes.contains(change.address.type) })?.roller
                        {
                            let siblings = run.scheduler.claimPending { $0.action == .restartBroker && $0.address.cluster == change.address.cluster }
                            let restarts = [change] + siblings
                            let journal = self.journal
                            let events = self.events, asked = self.beforeRestart, confirmLock = self.confirmLock
                            let beforeRestart: @Sendable (Change) async -> String? = { change in
                                if let lost = await confirmLock(change) { return lost }
                                return await asked(change)
                            }
                            group.addTask {
                                await Executor.roll(
                                    restarts, with: roller, journal: journal, events: events, beforeRestart: beforeRestart, lastCheck: confirmLock)
                            }
                            continue
                        }
                        // A provider without a roller restarts one broker per change: asked the same way.
                        var halted: String?
                        if change.action == .restartBroker {
                            halted = await confirmLock(change)
                            if halted == nil { halted = await beforeRestart(change) }
                        }
                        if let reason = halted {
                            run.scheduler.finish(change.id, succeeded: false)
                            await skip(change, ["roll halted: \(reason)"], &run)
                            continue
                        }
                        switch await begin(change) {
                        case .success(let provider):
                            group.addTask { [await Executor.perform(change, on: provider)] }
                        case .failure(let failure):
                            await fail(change, failure.message, &run)
                        }
                    }
                }
                if run.scheduler.running == 0 {
                    guard run.scheduler.hasPending else { break }
                    if !progressed {
                        // Nothing runs and nothing can start: a dependency cycle in a hand-edited plan.
                        for change in run.scheduler.skipAllPending() {
                            await skip(change, change.dependsOn.filter { run.scheduler.status(of: $0) != .succeeded }, &run)
                        }
                    }
                    continue
                }
                guard let outcomes = await group.next() else { break }
                for outcome in outcomes {
                    if let because = outcome.skippedBecause {
                        run.scheduler.finish(outcome.change.id, succeeded: false)
                        await skip(outcome.change, because, &run)
                        continue
                    }
                    switch outcome.result {
                    case .success(let observed): await succeed(outcome.change, observed, &run, journalled: outcome.journalled)
                    case .failure(let failure): await fail(outcome.change, failure.message, &run, journalled: outcome.journalled)
                    }
                }
            }
        }
        run.report.inventories = run.recorder.inventories
        return run.report
    }

    // MARK: - Steps

    private struct Run {
        var scheduler: ApplyScheduler
        var recorder: InventoryRecorder
        var report: ApplyReport
    }

    private struct StepFailure: Error {
        var message: String
    }

    private struct Outcome: Sendable {
        var change: Change
        var result: Result<ObservedResource?, StepFailure>
        /// The roll already journalled this change's outcome as it happened.
        var journalled = false
        /// Not run at all (the roll halted before reaching it).
        var skippedBecause: [String]?
    }

    /// Hands a cluster's restarts to its roller, journalling each broker as the roll reaches it: "started"
    /// before it goes down (the lock confirmed before and again after that write), "succeeded" once it is back and healthy. Brokers the roll never reached are
    /// skipped, naming the halt.
    private static func roll(
        _ restarts: [Change], with roller: any BrokerRoller,
        journal: @escaping @Sendable (Change, JournalEntry.Status, String?) async throws -> Void,
        events: @escaping @Sendable (ApplyEvent) async -> Void, beforeRestart: @escaping @Sendable (Change) async -> String?,
        lastCheck: @escaping @Sendable (Change) async -> String?
    ) async -> [Outcome] {
        let byID = Dictionary(restarts.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let call = Task {
            await roller.roll(restarts) { event in
                switch event {
                case .restarting(let change, _):
                    if let reason = await beforeRestart(change) { throw RollInterruption(reason) }
                    await events(.started(change))
                    try await journal(change, .started, nil)
                    // The lock once more, last, right before the broker goes down: a process paused or stalled since
                    // the check above (SIGSTOP, a slow journal write) may have lost it to another replica meanwhile,
                    // which then restarts this broker itself. The journal's "started" is then resumed like a crash's.
                    if let reason = await lastCheck(change) { throw RollInterruption(reason) }
                case .restarted(let change):
                    try await journal(change, .succeeded, nil)
                    await events(.succeeded(change))
                case .alreadyCurrent(let change):
                    try await journal(change, .succeeded, "already runs its new config; not restarted again")
                    await events(.succeeded(change))
                case .waiting(let change, let waitingFor):
                    await events(.progress(change, waitingFor))
                }
            }
        }
        let result = await call.value
        var outcomes: [Outcome] = []
        for id in result.completed { if let change = byID[id] { outcomes.append(Outcome(change: change, result: .success(nil), journalled: true)) } }
        if let halt = result.halt {
            let failedID = halt.changeID
            if let id = failedID, let change = byID[id], !result.completed.contains(id) {
                outcomes.append(Outcome(change: change, result: .failure(StepFailure(message: halt.reason))))
            }
            for change in restarts where !result.completed.contains(change.id) && change.id != failedID {
                outcomes.append(Outcome(change: change, result: .success(nil), skippedBecause: ["roll halted: \(halt.reason)"]))
            }
        }
        return outcomes
    }

    /// Routes the change and journals its start; a failure here means the provider is never called.
    private func begin(_ change: Change) async -> Result<any ResourceProvider, StepFailure> {
        guard let provider = providers.first(where: { $0.resourceTypes.contains(change.address.type) }) else {
            return .failure(StepFailure(message: "no provider for \(change.address.type)"))
        }
        if let lost = await confirmLock(change) { return .failure(StepFailure(message: "not applied: \(lost)")) }
        await events(.started(change))
        do {
            try await journal(change, .started)
        } catch {
            return .failure(StepFailure(message: "cannot write the journal: \(Executor.describe(error))"))
        }
        return .success(provider)
    }

    /// Runs the provider call in an unstructured task, so cancelling the apply does not abort a change that
    /// is already under way: it finishes and is recorded.
    private static func perform(_ change: Change, on provider: any ResourceProvider) async -> Outcome {
        let call = Task { try await provider.apply(change) }
        do {
            return Outcome(change: change, result: .success(try await call.value))
        } catch {
            return Outcome(change: change, result: .failure(StepFailure(message: describe(error))))
        }
    }

    private func succeed(_ change: Change, _ observed: ObservedResource?, _ run: inout Run, journalled: Bool = false) async {
        let inventory = run.recorder.record(change, result: observed)
        if let store {
            do {
                try await store.saveInventory(inventory)
            } catch {
                await fail(change, "applied, but the inventory could not be saved: \(Executor.describe(error))", &run)
                return
            }
        }
        if !journalled {
            do {
                try await journal(change, .succeeded)
            } catch {
                await fail(change, "applied, but the journal could not be written: \(Executor.describe(error))", &run,
                           journalled: true)
                return
            }
        }
        run.scheduler.finish(change.id, succeeded: true)
        run.report.succeeded.append(change.id)
        if !journalled { await events(.succeeded(change)) }
    }

    private func fail(_ change: Change, _ message: String, _ run: inout Run, journalled: Bool = false) async {
        var message = message
        if !journalled {
            do {
                try await journal(change, .failed, detail: message)
            } catch {
                message += " (and the journal could not be written: \(Executor.describe(error)))"
            }
        }
        run.scheduler.finish(change.id, succeeded: false)
        run.report.failed[change.id] = message
        await events(.failed(change, message))
    }

    private func skip(_ change: Change, _ because: [String], _ run: inout Run) async {
        // Best effort: a skipped step changed nothing, so a journal error here loses no state.
        try? await journal(change, .skipped, detail: "because: " + because.joined(separator: ", "))
        run.report.skipped[change.id] = because
        await events(.skipped(change, because: because))
    }

    private func journal(_ change: Change, _ status: JournalEntry.Status, detail: String? = nil) async throws {
        try await journal(change, status, detail)
    }

    private var journal: @Sendable (Change, JournalEntry.Status, String?) async throws -> Void {
        let store = self.store, runID = self.runID, now = self.now, revision = self.revision
        return { change, status, detail in
            guard let store else { return }
            let entry = JournalEntry(
                time: now(), runID: runID, address: change.address, action: change.action, status: status,
                fingerprint: change.after?.fingerprint, detail: detail, revision: revision
            )
            try await store.append(entry, cluster: change.address.cluster)
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? ProviderError { return error.message }
        return String(describing: error)
    }
}
