import Glibc

/// A listening TCP socket: non-blocking, close-on-exec, `SO_REUSEADDR` (an IPv6 one is IPv6-only).
///
/// Contract:
/// - ``listen(on:backlog:)`` binds and listens before it returns and reports the port actually bound (port 0:
///   the one the kernel chose).
/// - What blocks: only ``awaitConnection(timeout:)``, in `poll`, until a connection is pending, the listener is
///   shut down, or the timeout passes. ``accept()`` never blocks.
/// - Who closes: accepted sockets belong to the caller. Any thread may call ``shutdown()``, which wakes a thread
///   in ``awaitConnection(timeout:)`` (``accept()`` then fails with `EINVAL`); the owner calls ``close()`` once
///   no thread uses the listener any more. A listener dropped without ``close()`` is closed then.
package final class TCPListener: Sendable {
    /// The port bound.
    package let port: Int
    private let fd: Descriptor

    private init(fd: Descriptor, port: Int) {
        self.fd = fd
        self.port = port
    }

    /// Listens on the first of `addresses` that can be bound; else the last failure (`.failed` with the call
    /// and `errno`, or `.unresolved("no address")` for an empty list).
    package static func listen(on addresses: [SocketAddress], backlog: Int32) throws(SocketFailure) -> TCPListener {
        var lastFailure = SocketFailure.unresolved("no address")
        for address in addresses {
            let fd: Descriptor
            do { fd = try Descriptor.tcp(family: address.family) } catch {
                lastFailure = error
                continue
            }
            fd.enable(SOL_SOCKET, SO_REUSEADDR)
            if address.family == AF_INET6 { fd.enable(Int32(IPPROTO_IPV6), IPV6_V6ONLY) }
            let number = fd.number
            if address.withSockaddr({ Glibc.bind(number, $0, $1) }) != 0 {
                lastFailure = .failed(errno: errno, operation: "bind")
            } else if Glibc.listen(number, backlog) != 0 {
                lastFailure = .failed(errno: errno, operation: "listen")
            } else {
                return TCPListener(fd: fd, port: SocketAddress.local(of: number)?.port ?? address.port)
            }
            fd.close()
        }
        throw lastFailure
    }

    /// Waits until a connection is pending or the listener was shut down (true), or `timeout` passed (false; nil:
    /// no timeout). Throws when `poll` fails or the listener was closed.
    package func awaitConnection(timeout: Duration?) throws(SocketFailure) -> Bool {
        do throws(SocketFailure) {
            try fd.wait(for: Int16(POLLIN), deadline: timeout.map { ContinuousClock.now + $0 })
            return true
        } catch .timedOut {
            return false
        }
    }

    /// One pending connection, or nil when none is pending; `.failed(errno:operation: "accept")` otherwise
    /// (`EINVAL` once shut down; `ECONNABORTED`, `EMFILE` and the like are the caller's to weigh).
    package func accept() throws(SocketFailure) -> TCPSocket? {
        while true {
            // accept4 is not visible to Swift (a GNU extension); the socket sets its flags right after accept.
            let client = Glibc.accept(try fd.current(afterBytes: 0), nil, nil)
            if client >= 0 { return TCPSocket(accepted: client) }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            case let code: throw .failed(errno: code, operation: "accept")
            }
        }
    }

    /// Wakes a thread waiting for connections; safe from any thread, idempotent.
    package func shutdown() { fd.shutdown() }

    /// Releases the descriptor (the owner's call); idempotent.
    package func close() { fd.close() }
}
