import Glibc
import Synchronization

/// How a socket operation failed.
enum SocketFailure: Error, Equatable {
    case timedOut
    /// EOF or reset; `afterBytes` says how much of the awaited data had arrived.
    case closed(afterBytes: Int)
    case failed(errno: Int32, operation: String)

    var detail: String {
        switch self {
        case .timedOut: "timed out"
        case .closed: "connection closed"
        case .failed(let code, let operation): "\(operation): \(String(cString: strerror(code)))"
        }
    }

    /// What a failed connect means, in the words of a person checking why a broker cannot be reached.
    func connectDetail(timeout: Duration) -> String {
        switch self {
        case .timedOut: "connect timed out after \(timeout) (no answer at all: the host is down or a firewall drops the packets)"
        case .failed(ECONNREFUSED, _): "connection refused (nothing listens there)"
        case .failed(EHOSTUNREACH, _): "host unreachable"
        case .failed(ENETUNREACH, _): "network unreachable"
        case .failed, .closed: detail
        }
    }
}

/// A non-blocking IPv4 TCP socket driven with `poll` deadlines.
///
/// The blocking methods are meant for a connection's own serial queue, never the Swift cooperative pool.
/// `shutdown()` may be called from any thread to wake a blocked `poll` (task cancellation); the descriptor is only
/// closed by `close()`, under the same lock, so it is never used after it was closed or reused.
final class PosixSocket: Sendable {
    /// The descriptor (-1 once closed), and whether it was shut down (it then only awaits `close()`).
    private let state: Mutex<(fd: Int32, isShutDown: Bool)>

    private init(fd: Int32) { state = Mutex((fd, false)) }

    /// Connects to `address:port` within `timeout`.
    static func connect(address: String, port: Int, timeout: Duration) throws(SocketFailure) -> PosixSocket {
        let deadline = ContinuousClock.now + timeout
        let target: in_addr
        do { target = try IPv4.parse(address) } catch { throw .failed(errno: EINVAL, operation: error.detail) }
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .failed(errno: errno, operation: "socket") }
        let socket = PosixSocket(fd: fd)
        do throws(SocketFailure) {
            guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
                throw SocketFailure.failed(errno: errno, operation: "fcntl")
            }
            var noDelay: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            socketAddress.sin_addr = target
            let status = withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if status != 0 {
                guard errno == EINPROGRESS else { throw SocketFailure.failed(errno: errno, operation: "connect") }
                try socket.wait(for: Int16(POLLOUT), deadline: deadline)
                var pending: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length) == 0 else {
                    throw SocketFailure.failed(errno: errno, operation: "getsockopt")
                }
                guard pending == 0 else { throw SocketFailure.failed(errno: pending, operation: "connect") }
            }
            return socket
        } catch {
            socket.close()
            throw error
        }
    }

    /// Writes every byte before `deadline`.
    func writeAll(_ bytes: [UInt8], deadline: ContinuousClock.Instant) throws(SocketFailure) {
        var written = 0
        while written < bytes.count {
            let fd = try currentDescriptor(afterBytes: written)
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress! + written, buffer.count - written, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                written += count
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                try wait(for: Int16(POLLOUT), deadline: deadline)
            } else if count < 0 && (errno == EPIPE || errno == ECONNRESET) {
                throw .closed(afterBytes: written)
            } else {
                throw .failed(errno: errno, operation: "send")
            }
        }
    }

    /// Reads exactly `count` bytes before `deadline`, growing the buffer as data arrives (a declared size is never
    /// allocated up front).
    func readExactly(_ count: Int, deadline: ContinuousClock.Instant) throws(SocketFailure) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, 64 * 1024))
        var chunk = [UInt8](repeating: 0, count: min(max(count, 1), 64 * 1024))
        while bytes.count < count {
            let fd = try currentDescriptor(afterBytes: bytes.count)
            let wanted = min(chunk.count, count - bytes.count)
            let received = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress!, wanted, 0) }
            if received > 0 {
                bytes.append(contentsOf: chunk[0..<received])
            } else if received == 0 {
                throw .closed(afterBytes: bytes.count)
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try wait(for: Int16(POLLIN), deadline: deadline)
            } else if errno == ECONNRESET {
                throw .closed(afterBytes: bytes.count)
            } else {
                throw .failed(errno: errno, operation: "recv")
            }
        }
        return bytes
    }

    /// Wakes any blocked operation; safe from any thread.
    func shutdown() {
        state.withLock { state in
            if state.fd >= 0 && !state.isShutDown { _ = Glibc.shutdown(state.fd, Int32(SHUT_RDWR)) }
            state.isShutDown = true
        }
    }

    func close() {
        state.withLock { state in
            if state.fd >= 0 { _ = Glibc.close(state.fd) }
            state.fd = -1
            state.isShutDown = true
        }
    }

    /// True as soon as `shutdown()` or `close()` was called.
    var isClosed: Bool { state.withLock { $0.isShutDown } }

    private func currentDescriptor(afterBytes: Int) throws(SocketFailure) -> Int32 {
        let fd = state.withLock { $0.fd }
        guard fd >= 0 else { throw .closed(afterBytes: afterBytes) }
        return fd
    }

    /// Polls until `events` (or an error/hang-up, which the next call reports) or `deadline`.
    private func wait(for events: Int16, deadline: ContinuousClock.Instant) throws(SocketFailure) {
        while true {
            let fd = try currentDescriptor(afterBytes: 0)
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw .timedOut }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var request = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&request, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .failed(errno: errno, operation: "poll") }
        }
    }
}
