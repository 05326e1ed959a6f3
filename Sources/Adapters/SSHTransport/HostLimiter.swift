/// An actor-based semaphore over hosts: at most `maxHosts` different hosts have operations in flight, and at
/// most `maxPerHost` operations run on one host at once (they share that host's multiplexed connection, and
/// sshd allows 10 sessions per connection by default). Waiting is FIFO among waiters that could proceed, and
/// cancellable.
actor HostLimiter {
    private struct Waiter {
        let id: UInt64
        let host: String
        let continuation: CheckedContinuation<Void, any Error>
    }

    let maxHosts: Int
    let maxPerHost: Int
    private var active: [String: Int] = [:]
    private var waiters: [Waiter] = []
    private var nextID: UInt64 = 0

    init(maxHosts: Int, maxPerHost: Int) {
        self.maxHosts = max(1, maxHosts)
        self.maxPerHost = max(1, maxPerHost)
    }

    /// Runs `body` holding a slot for `host`; the slot is returned however `body` ends.
    nonisolated func withSlot<T: Sendable>(for host: String, _ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire(host)
        do {
            let result = try await body()
            await release(host)
            return result
        } catch {
            await release(host)
            throw error
        }
    }

    /// Hosts with operations in flight, and how many each (for tests).
    var snapshot: [String: Int] { active }

    func acquire(_ host: String) async throws {
        try Task.checkCancellation()
        if canEnter(host) && !waiters.contains(where: { queuedAhead($0, of: host) }) {
            active[host, default: 0] += 1
            return
        }
        nextID &+= 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                waiters.append(Waiter(id: id, host: host, continuation: continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    func release(_ host: String) {
        if let count = active[host] {
            active[host] = count > 1 ? count - 1 : nil
        }
        grantWaiting()
    }

    private func canEnter(_ host: String) -> Bool {
        if let count = active[host] { return count < maxPerHost }
        return active.count < maxHosts
    }

    /// A waiter that must go first: one for the same host, or (when `host` is new) one for another new host.
    private func queuedAhead(_ waiter: Waiter, of host: String) -> Bool {
        waiter.host == host || (active[host] == nil && active[waiter.host] == nil)
    }

    private func grantWaiting() {
        var index = 0
        while index < waiters.count {
            let waiter = waiters[index]
            if canEnter(waiter.host) {
                waiters.remove(at: index)
                active[waiter.host, default: 0] += 1
                waiter.continuation.resume()
            } else {
                index += 1
            }
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}
