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

    public init(
        providers: [any ResourceProvider],
        store: (any StateStore)?,
        runID: String,
        now: @escaping @Sendable () -> Date,
        maxConcurrency: Int = 4,
        events: @escaping @Sendable (ApplyEvent) async -> Void = { _ in }
    ) {
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
        await withTaskGroup(of: Outcome.self) { group in
            while true {
                var progressed = false
                if Task.isCancelled {
                    for change in run.scheduler.skipAllPending() { await skip(change, [ApplyReport.cancelled], &run) }
                } else {
                    let batch = run.scheduler.next()
                    progressed = !batch.isEmpty
                    for (change, because) in batch.skip { await skip(change, because, &run) }
                    for change in batch.start {
                        switch await begin(change) {
                        case .success(let provider):
                            group.addTask { await Executor.perform(change, on: provider) }
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
                guard let outcome = await group.next() else { break }
                switch outcome.result {
                case .success(let observed): await succeed(outcome.change, observed, &run)
                case .failure(let failure): await fail(outcome.change, failure.message, &run)
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
    }

    /// Routes the change and journals its start; a failure here means the provider is never called.
    private func begin(_ change: Change) async -> Result<any ResourceProvider, StepFailure> {
        guard let provider = providers.first(where: { $0.resourceTypes.contains(change.address.type) }) else {
            return .failure(StepFailure(message: "no provider for \(change.address.type)"))
        }
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

    private func succeed(_ change: Change, _ observed: ObservedResource?, _ run: inout Run) async {
        let inventory = run.recorder.record(change, result: observed)
        if let store {
            do {
                try await store.saveInventory(inventory)
            } catch {
                await fail(change, "applied, but the inventory could not be saved: \(Executor.describe(error))", &run)
                return
            }
        }
        do {
            try await journal(change, .succeeded)
        } catch {
            await fail(change, "applied, but the journal could not be written: \(Executor.describe(error))", &run,
                       journalled: true)
            return
        }
        run.scheduler.finish(change.id, succeeded: true)
        run.report.succeeded.append(change.id)
        await events(.succeeded(change))
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
        guard let store else { return }
        let entry = JournalEntry(
            time: now(), runID: runID, address: change.address, action: change.action, status: status,
            fingerprint: change.after?.fingerprint, detail: detail
        )
        try await store.append(entry, cluster: change.address.cluster)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? ProviderError { return error.message }
        return String(describing: error)
    }
}
