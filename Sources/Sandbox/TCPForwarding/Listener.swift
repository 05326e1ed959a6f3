#if canImport(Glibc)
    import Glibc
#endif
import Sockets
import Synchronization

/// One listening socket and its accept thread.
///
/// Contract: the socket is bound when ``bind(_:target:)`` returns; ``start(in:onAccept:)`` accepts until ``stop()``,
/// handing each connection and the target current at accept time to `onAccept` (which then owns the socket).
/// ``retarget(_:)`` changes the target of later connections without re-binding. ``stop()`` wakes the accept thread
/// (by shutting the socket down), waits for it to return and closes the socket; established connections are not
/// touched. Nothing here spins: the accept thread sleeps in `poll` without a timeout.
final class Listener: Sendable {
    let endpoint: Endpoint
    private let socket: TCPListener
    private let target: Mutex<Endpoint?>
    private let stopping = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)
    private let acceptorDone = Latch()

    private init(endpoint: Endpoint, socket: TCPListener, target: Endpoint?) {
        self.endpoint = endpoint
        self.socket = socket
        self.target = Mutex(target)
    }

    /// Binds and listens on `endpoint` now (`SO_REUSEADDR`), or says why it cannot.
    static func bind(_ endpoint: Endpoint, target: Endpoint?) -> Result<Listener, SocketError> {
        let addresses: [SocketAddress]
        do { addresses = try SocketAddress.resolve(host: endpoint.host, port: endpoint.port, passive: true) } catch {
            return .failure(SocketError("cannot resolve \(endpoint): \(error.reason)"))
        }
        guard !addresses.isEmpty else { return .failure(SocketError("no address for \(endpoint)")) }
        do {
            return .success(Listener(endpoint: endpoint, socket: try TCPListener.listen(on: addresses, backlog: 512), target: target))
        } catch {
            return .failure(SocketError("cannot listen on \(endpoint): \(error.reason)"))
        }
    }

    func start(in workers: WorkerGroup, onAccept: @escaping @Sendable (TCPSocket, Endpoint?) -> Void) {
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
        socket.shutdown()
        acceptorDone.wait()
        socket.close()
    }

    private func acceptLoop(_ onAccept: @Sendable (TCPSocket, Endpoint?) -> Void) {
        while !stopping.load(ordering: .acquiring) {
            guard (try? socket.awaitConnection(timeout: nil)) != nil else { return }
            // Accept everything pending, then sleep in poll again.
            while !stopping.load(ordering: .acquiring) {
                do throws(SocketFailure) {
                    guard let client = try socket.accept() else { break }
                    onAccept(client, target.withLock { $0 })
                } catch .failed(ECONNABORTED, _), .failed(EPROTO, _) {
                    break
                } catch .failed(EMFILE, _), .failed(ENFILE, _), .failed(ENOBUFS, _), .failed(ENOMEM, _) {
                    // Out of descriptors or memory: back off instead of spinning on a readable socket.
                    var nothing = pollfd(fd: -1, events: 0, revents: 0)
                    _ = poll(&nothing, 1, 50)
                    break
                } catch {
                    return  // EINVAL once shut down, or a broken socket
                }
            }
        }
    }
}

/// A socket failure, as the text reported to the caller.
struct SocketError: Error, Sendable, Hashable {
    var message: String

    init(_ message: String) { self.message = message }
}
