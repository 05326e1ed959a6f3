import Synchronization
import Timers

/// Wakes the service loop early: a webhook, an API request, a finished pass or a shutdown rings it; the loop waits
/// on it with a timeout (its next scheduled instant). A ring while nobody waits is kept for the next wait.
///
/// Hand-written because nothing on the package mirror fits: AsyncStream ends for good when a waiting consumer is
/// cancelled (a timed wait is exactly that), and swift-async-algorithms' AsyncChannel blocks the ringer until a
/// waiter takes it (a webhook must never wait on the loop).
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Wakes the current waiters, or the next wait when nobody waits.
    public func ring() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            if s.waiters.isEmpty {
                s.rung = true
                return []
            }
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns when rung (at once if it rang since the last wait), after `timeout`, or when the task is cancelled.
    public func wait(timeout: Duration) async {
        if state.withLock({ s in defer { s.rung = false }; return s.rung }) { return }
        await withTaskGroup(of: Void.self) { group in
            // Timers.sleep, not Task.sleep: the sleep is cancelled on nearly every ring, and a cancelled Task.sleep
            // stays resident until its deadline (the interval, up to hours).
            group.addTask { try? await Timers.sleep(for: timeout) }
            group.addTask { await self.waitForRing() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        let id = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.rung || Task.isCancelled {
                        s.rung = false
                        return true
                    }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s in s.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

/// Why the service's passes must stop taking new work (shutdown), set once from any thread (a signal handler's
/// callback, a task-cancellation handler) and read by the passes before each broker of a roll.
public final class StopFlag: Sendable {
    private let reason = Mutex<String?>(nil)

    public init() {}

    /// Records the first reason; later ones are ignored.
    public func request(_ why: String) { reason.withLock { if $0 == nil { $0 = why } } }

    public var requested: String? { reason.withLock { $0 } }
}
