import Foundation
import Sockets
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One of the proxy's listeners: a bound socket whose connections all go to one broker.
///
/// Contract: bound when ``bind(_:broker:advertised:dynamic:)`` returns (a failure is the caller's to report: fatal
/// for a static listener, a closed client connection for a dynamic one); ``start(onAccept:)`` accepts on a thread
/// of its own until ``stop()``, which wakes that thread, waits for it and closes the socket. Connections already
/// handed out are not touched.
final class ProxyListener: Sendable {
    /// Where it listens (the port actually bound).
    let listen: HostPort
    /// The broker (its address as it advertises it) every connection goes to.
    let broker: HostPort
    /// What responses say instead of ``broker``.
    let advertised: HostPort
    let dynamic: Bool
    private let socket: TCPListener
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let acceptorDone = DispatchSemaphore(value: 0)

    private init(listen: HostPort, broker: HostPort, advertised: HostPort, dynamic: Bool, socket: TCPListener) {
        self.listen = listen
        self.broker = broker
        self.advertised = advertised
        self.dynamic = dynamic
        self.socket = socket
    }

    /// Binds `address` (port 0: any); `advertised` nil: the bound address, with the bound port.
    static func bind(_ address: HostPort, broker: HostPort, advertised: (Int) -> HostPort, dynamic: Bool) throws(ProxyRefusal) -> ProxyListener {
        do {
            let addresses = try SocketAddress.resolve(host: address.host, port: address.port, passive: true)
            let socket = try TCPListener.listen(on: addresses, backlog: 512)
            let bound = HostPort(host: address.host, port: socket.port)
            return ProxyListener(listen: bound, broker: broker, advertised: advertised(socket.port), dynamic: dynamic, socket: socket)
        } catch {
            throw .noListener("cannot listen on \(address): \(error.reason)")
        }
    }

    func start(onAccept: @escaping @Sendable (TCPSocket) -> Void) {
        started.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            acceptLoop(onAccept)
            acceptorDone.signal()
        }
        thread.name = "accept \(listen)"
        thread.start()
    }

    /// Stops accepting; returns once the accept thread (if started) has returned and the socket is closed. Idempotent.
    func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        socket.shutdown()
        if started.load(ordering: .acquiring) { acceptorDone.wait() }  // a listener never started has no thread
        socket.close()
    }

    private func acceptLoop(_ onAccept: @Sendable (TCPSocket) -> Void) {
        while !stopped.load(ordering: .acquiring) {
            guard (try? socket.awaitConnection(timeout: nil)) != nil else { return }
            while !stopped.load(ordering: .acquiring) {
                do throws(SocketFailure) {
                    guard let client = try socket.accept() else { break }
                    onAccept(client)
                } catch .failed(ECONNABORTED, _), .failed(EPROTO, _) {
                    break
                } catch .failed(EMFILE, _), .failed(ENFILE, _), .failed(ENOBUFS, _), .failed(ENOMEM, _) {
                    usleep(50_000)  // out of descriptors: back off rather than spin on a readable socket
                    break
                } catch {
                    return  // EINVAL once shut down
                }
            }
        }
    }
}
