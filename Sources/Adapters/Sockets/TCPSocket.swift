import Glibc

// Hand-written POSIX rather than SwiftNIO: the product's Kafka client is a small blocking client used from
// dedicated threads (one serial queue per connection) with a deadline per call, and the simulator and the
// forwarder run one thread per connection. NIO would add an event loop for three call sites that each need a few
// blocking calls with `poll` deadlines, and would link NIO into the product's binary. Linux only, like the rest
// of the package.

/// A connected (or connecting) TCP socket: non-blocking underneath, close-on-exec, `TCP_NODELAY`.
///
/// Contract:
/// - What blocks: ``connect(to:deadline:)``, ``readExactly(_:deadline:)`` and ``writeAll(_:deadline:)`` block the
///   calling thread in `poll` (so never call them on the Swift cooperative pool) until they are done, until the
///   deadline passes (``SocketFailure/timedOut``; a nil deadline never passes), or until the socket is shut down
///   or the peer ends the connection (``SocketFailure/closed(afterBytes:)``). ``receive(into:)`` and
///   ``send(_:)`` never block: callers that poll several sockets themselves use them with ``descriptor``.
/// - Writes never raise `SIGPIPE` (`MSG_NOSIGNAL`): writing to a closed peer is `.closed`.
/// - Who closes: the owner (the one thread or serial queue doing the socket's IO) calls ``close()`` once none of
///   its calls is in progress. Any other thread may call ``shutdown()``, which wakes blocked calls (they then fail
///   with `.closed`) but keeps the descriptor, so its number is never reused under a call. A socket dropped
///   without ``close()`` is closed then.
package final class TCPSocket: Sendable {
    private let fd: Descriptor

    private init(_ fd: Descriptor) {
        self.fd = fd
        fd.enable(Int32(IPPROTO_TCP), TCP_NODELAY)
    }

    /// A new, unconnected socket of `address`'s family, to be connected with ``connect(to:deadline:)``: another
    /// thread can hold it (to shut it down) while the connect waits.
    package convenience init(for address: SocketAddress) throws(SocketFailure) {
        self.init(try Descriptor.tcp(family: address.family))
    }

    /// Adopts an accepted descriptor: close-on-exec and non-blocking are set here.
    convenience init(accepted fd: Int32) {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
        self.init(Descriptor(fd))
    }

    /// A socket connected to `address` within `timeout`; on failure nothing stays open.
    package static func connect(to address: SocketAddress, timeout: Duration) throws(SocketFailure) -> TCPSocket {
        let deadline = ContinuousClock.now + timeout
        let socket = try TCPSocket(for: address)
        do {
            try socket.connect(to: address, deadline: deadline)
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Connects to `address` before `deadline`: `.failed(errno:operation: "connect")` when refused or
    /// unreachable, `.timedOut`, or `.closed` when the socket was shut down meanwhile.
    package func connect(to address: SocketAddress, deadline: ContinuousClock.Instant?) throws(SocketFailure) {
        let number = try fd.current(afterBytes: 0)
        let status = address.withSockaddr { Glibc.connect(number, $0, $1) }
        guard status != 0 else { return }
        guard errno == EINPROGRESS || errno == EINTR else { throw .failed(errno: errno, operation: "connect") }
        try fd.wait(for: Int16(POLLOUT), deadline: deadline)
        guard !fd.isShutDown else { throw .closed(afterBytes: 0) }
        var pending: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(try fd.current(afterBytes: 0), SOL_SOCKET, SO_ERROR, &pending, &length) == 0 else {
            throw .failed(errno: errno, operation: "getsockopt")
        }
        guard pending == 0 else { throw .failed(errno: pending, operation: "connect") }
    }

    /// Writes every byte before `deadline`.
    package func writeAll(_ bytes: [UInt8], deadline: ContinuousClock.Instant?) throws(SocketFailure) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { send(UnsafeRawBufferPointer(rebasing: $0[written...])) }
            switch result {
            case .transferred(let count): written += count
            case .wouldBlock: try fd.wait(for: Int16(POLLOUT), deadline: deadline, afterBytes: written)
            case .endOfStream, .failed(EPIPE), .failed(ECONNRESET), .failed(EBADF): throw .closed(afterBytes: written)
            case .failed(let code): throw .failed(errno: code, operation: "send")
            }
        }
    }

    /// Reads exactly `count` bytes before `deadline`, growing the buffer as data arrives (a declared size is never
    /// allocated up front).
    package func readExactly(_ count: Int, deadline: ContinuousClock.Instant?) throws(SocketFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, 64 * 1024))
        var chunk = [UInt8](repeating: 0, count: min(max(count, 1), 64 * 1024))
        while bytes.count < count {
            let wanted = min(chunk.count, count - bytes.count)
            let result = chunk.withUnsafeMutableBytes { receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted])) }
            switch result {
            case .transferred(let received): bytes.append(contentsOf: chunk[0..<received])
            case .wouldBlock: try fd.wait(for: Int16(POLLIN), deadline: deadline, afterBytes: bytes.count)
            case .endOfStream, .failed(ECONNRESET), .failed(EBADF): throw .closed(afterBytes: bytes.count)
            case .failed(let code): throw .failed(errno: code, operation: "recv")
            }
        }
        return bytes
    }

    /// One `recv` into `buffer`, without blocking.
    package func receive(into buffer: UnsafeMutableRawBufferPointer) -> Transfer {
        guard let number = try? fd.current(afterBytes: 0) else { return .failed(EBADF) }
        return Transfer(Glibc.recv(number, buffer.baseAddress, buffer.count, 0), endOfStream: true)
    }

    /// One `send` of `buffer` (`MSG_NOSIGNAL`), without blocking.
    package func send(_ buffer: UnsafeRawBufferPointer) -> Transfer {
        guard let number = try? fd.current(afterBytes: 0) else { return .failed(EBADF) }
        return Transfer(Glibc.send(number, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)), endOfStream: false)
    }

    /// The descriptor for `poll` (-1 once closed). Only the owner may use it, and not after ``close()``.
    package var descriptor: Int32 { fd.number }

    /// Shuts both directions down, waking any blocked call; safe from any thread, idempotent.
    package func shutdown() { fd.shutdown() }

    /// Shuts the write half down (the peer reads EOF); reading goes on.
    package func shutdownWrite() { fd.shutdownWrite() }

    /// Releases the descriptor (the owner's call); idempotent.
    package func close() { fd.close() }

    /// True as soon as ``shutdown()`` or ``close()`` was called.
    package var isShutDown: Bool { fd.isShutDown }
}

/// What one non-blocking `recv` or `send` did.
package enum Transfer: Equatable, Sendable {
    /// This many bytes (more than zero) moved.
    case transferred(Int)
    /// The peer ended its side (`recv` returned 0).
    case endOfStream
    /// Nothing moved now (`EAGAIN`, or a signal): poll and try again.
    case wouldBlock
    case failed(Int32)

    init(_ result: Int, endOfStream isEnd: Bool) {
        if result > 0 {
            self = .transferred(result)
        } else if result == 0 {
            self = isEnd ? .endOfStream : .wouldBlock
        } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
            self = .wouldBlock
        } else {
            self = .failed(errno)
        }
    }
}
