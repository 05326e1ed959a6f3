import Dispatch
import Synchronization

/// Sleeps whose cancellation releases the timer at once.
///
/// `Task.sleep` on Linux enqueues its wake-up with dispatch and, when the sleeping task is cancelled, leaves that
/// wake-up (a task and a dispatch timer, ~0.8 KiB) in place until the original deadline. A loop that races a long
/// sleep against a doorbell and cancels it each time (the service's wait for its next pass, a child process's
/// deadline) so keeps every cancelled sleep resident for the whole interval: `reconcile serve` grew ~1.7 KiB a pass
/// with `--interval 1h` (BENCHMARKS.md). Hand-written because no package on the mirror offers a sleep that frees on
/// cancel (swift-async-algorithms' timers and clocks sleep through `Task.sleep`); this is a `DispatchSourceTimer`
/// that is cancelled with the task.
public enum Timers {
    /// Returns after `duration`, or throws `CancellationError` as soon as the calling task is cancelled (at once if it
    /// already is). The timer is released when the sleep ends, whichever way.
    public static func sleep(for duration: Duration) async throws {
        let timer = OneShot()
        let elapsed = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                timer.start(after: duration, resuming: continuation)
            }
        } onCancel: {
            timer.finish(elapsed: false)
        }
        if !elapsed { throw CancellationError() }
    }

    /// Nanoseconds of `duration`, clamped to 0...Int.max (a negative sleep returns at once, an endless one never).
    static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return Int.max }
        let (total, overflow2) = whole.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? Int.max : Int(total)
    }
}

/// One timer and the continuation it resumes: `true` when the deadline passed, `false` when cancelled first.
private final class OneShot: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Bool, Never>?
        var finished = false
    }
    private let state = Mutex(State())
    /// Dispatch sources are thread-safe (cancel may come from any thread); the type is not marked Sendable.
    private nonisolated(unsafe) let source = DispatchSource.makeTimerSource(queue: .global())

    func start(after duration: Duration, resuming continuation: CheckedContinuation<Bool, Never>) {
        source.schedule(deadline: .now() + .nanoseconds(Timers.nanoseconds(duration)))
        source.setEventHandler { [self] in finish(elapsed: true) }
        let cancelledFirst = state.withLock { s -> Bool in
            if s.finished { return true }
            s.continuation = continuation
            return false
        }
        // A dispatch source must be resumed before it is released, even one that is cancelled at once.
        source.resume()
        if cancelledFirst {
            source.cancel()
            continuation.resume(returning: false)
        }
    }

    /// Ends the sleep once: resumes the continuation (if started) and cancels the timer. Later calls do nothing.
    func finish(elapsed: Bool) {
        let continuation = state.withLock { s in
            s.finished = true
            defer { s.continuation = nil }
            return s.continuation
        }
        guard let continuation else { return }
        source.cancel()
        continuation.resume(returning: elapsed)
    }
}
