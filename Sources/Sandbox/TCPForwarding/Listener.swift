#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// One listening socket and its accept thread.
///
/// Contract: the socket is bound when ``bind(_:target:)`` returns; ``start(in:onAccept:)`` accepts until ``stop()``,
/// handing each connection and the target current at accept time to `onAccept` (which then owns the descriptor).
/// ``retarget(_:)`` changes the target of later connections without re-binding. ``stop()`` wakes the accept thread
/// (by shutting the socket down), waits for it to return and closes the socket; established connections are not
/// touched. Nothing here spins: the accept thread sleeps in `poll` without a timeout.
final class Listener: Sendable {
    let endpoint: Endpoint
    private let fd: Int32
    private let target: Mutex<Endpoint?>
    private let stopping = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let acceptorDone = Latch()

    private init(endpoint: Endpoint, fd: Int32, target: Endpoint?) {
        self.endpoint = endpoint
        self.fd = fd
        self.target = Mutex(target)
    }

    /// Binds and listens on `endpoint` now, or says why it cannot.
    static func bind(_ endpoint: Endpoint, target: Endpoint?) -> Result<Listener, SocketError> {
        SocketCalls.listen(on: endpoint).map { Listener(endpoint: endpoint, fd: $0, target: target) }
    }

    func start(in workers: WorkerGroup, onAccept: @escaping @Sendable (Int32, Endpoint?) -> Void) {
        workers.spawn(name: "accept \(endpoint)") { [self] in
            acceptLoop(onAccept)
            acceptorDone.open()
        }
    }

    func retarget(_ newTarget: Endpoint?) {
        target.withLock { $0 = newTarget }
    }

    /// Stops accepting and closes the listening socket; returns once the accept thread has returned. Idempotent.
    func stop() {
        stopping.store(true, ordering: .releasing)
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = shutdown(fd, Int32(SHUT_RDWR))
        acceptorDone.wait()
        _ = close(fd)
    }

    private func acceptLoop(_ onAccept: @Sendable (Int32, Endpoint?) -> Void) {
        while !stopping.load(ordering: .acquiring) {
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&request, 1, -1)
            if ready < 0 && errno != EINTR { return }
            // Accept everything pending, then sleep in poll again.
            while !stopping.load(ordering: .acquiring) {
                let (client, error) = SocketCalls.accept(fd)
                if let client {
                    onAccept(client, target.withLock { $0 })
                    continue
                }
                switch error {
                case EAGAIN, EWOULDBLOCK, ECONNABORTED, EPROTO: break
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: back off instead of spinning on a readable socket.
                    var nothing = pollfd(fd: -1, events: 0, revents: 0)
                    _ = poll(&nothing, 1, 50)
                default: return  // EINVAL once shut down, or a broken socket
                }
                break
            }
        }
    }
}
