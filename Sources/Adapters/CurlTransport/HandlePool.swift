import ProviderAPI
import Synchronization

/// Bounds concurrent transfers to `capacity` and keeps idle easy handles for reuse.
///
/// A caller first takes a *slot* (waiting, cancellably, when all are taken), then the most
/// recently returned idle handle (LIFO, so sequential requests land on the same handle and its
/// kept-alive connection) or a fresh one. Because handles only exist while holding a slot, at
/// most `capacity` handles exist and each is owned by exactly one thread at a time.
final class HandlePool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var freeSlots: Int
        var idle: [EasyHandle] = []
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
    }

    let capacity: Int
    private let state: Mutex<State>

    init(capacity: Int) {
        self.capacity = capacity
        self.state = Mutex(State(freeSlots: capacity))
    }

    /// Checks out a handle for exclusive use; pair with ``release(_:)``.
    func acquire() async throws -> EasyHandle {
        try await acquireSlot()
        if let handle = state.withLock({ $0.idle.popLast() }) {
            return handle
        }
        guard let handle = EasyHandle() else {
            releaseSlot()
            throw HTTPTransportError.other("curl_easy_init failed")
        }
        return handle
    }

    /// Resets the handle's options (its connection cache survives) and returns it to the pool.
    /// Must be called by the thread that owns the handle, after the transfer has finished.
    func release(_ handle: EasyHandle) {
        handle.reset()
        state.withLock { state in
            if state.idle.count < capacity {
                state.idle.append(handle)
            }
        }
        releaseSlot()
    }

    private func releaseSlot() {
        let next: CheckedContinuation<Void, any Error>? = state.withLock { state in
            if state.waiters.isEmpty {
                state.freeSlots += 1
                return nil
            }
            // Hand the slot straight to the longest waiter.
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }

    private func acquireSlot() async throws {
        let id = state.withLock { state in
            state.nextWaiterID &+= 1
            return state.nextWaiterID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // nil: queued; true: slot granted; false: already cancelled.
                let outcome: Bool? = state.withLock { state in
                    if state.freeSlots > 0 {
                        state.freeSlots -= 1
                        return true
                    }
                    // The cancellation flag is set before onCancel runs, so checking it under the
                    // lock closes the race with a handler that found nothing to remove yet.
                    if Task.isCancelled { return false }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                switch outcome {
                case true?: continuation.resume()
                case false?: continuation.resume(throwing: HTTPTransportError.cancelled)
                case nil: break
                }
            }
        } onCancel: {
            let waiter: CheckedContinuation<Void, any Error>? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume(throwing: HTTPTransportError.cancelled)
        }
    }
}
