import Glibc
import Synchronization

/// One socket descriptor: shut down from any thread, closed once by its owner.
///
/// The number is read under the lock for every call and is -1 once closed, so a closed (and perhaps reused)
/// number is not used by later calls. A call already in a system call when another thread closes the descriptor
/// could still touch a reused number: that is why only the owner closes, once no call of its own is in progress,
/// while other threads only shut down (which wakes blocked calls).
final class Descriptor: Sendable {
    /// The descriptor (-1 once closed), and whether it was shut down (both directions).
    private let state: Mutex<(fd: Int32, isShutDown: Bool)>

    init(_ fd: Int32) { state = Mutex((fd, false)) }

    /// A descriptor nobody closed is closed here, so none outlives its object.
    deinit { close() }

    /// A new TCP socket of `family`: close-on-exec and non-blocking from the start.
    static func tcp(family: Int32) throws(SocketFailure) -> Descriptor {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = Glibc.socket(family, type, 0)
        guard fd >= 0 else { throw .failed(errno: errno, operation: "socket") }
        return Descriptor(fd)
    }

    /// The number, or -1 once closed.
    var number: Int32 { state.withLock { $0.fd } }

    /// The number, or `.closed(afterBytes:)` once closed.
    func current(afterBytes: Int) throws(SocketFailure) -> Int32 {
        let fd = number
        guard fd >= 0 else { throw .closed(afterBytes: afterBytes) }
        return fd
    }

    /// True as soon as ``shutdown()`` or ``close()`` was called.
    var isShutDown: Bool { state.withLock { $0.isShutDown } }

    /// Shuts both directions down, waking any call blocked on the socket; safe from any thread, idempotent.
    func shutdown() {
        state.withLock { state in
            if state.fd >= 0 && !state.isShutDown { _ = Glibc.shutdown(state.fd, Int32(SHUT_RDWR)) }
            state.isShutDown = true
        }
    }

    /// Shuts the write half down: the peer reads EOF, reading goes on.
    func shutdownWrite() {
        state.withLock { state in
            if state.fd >= 0 { _ = Glibc.shutdown(state.fd, Int32(SHUT_WR)) }
        }
    }

    /// Releases the descriptor; idempotent. For the owner, once none of its calls is in progress.
    func close() {
        state.withLock { state in
            if state.fd >= 0 { _ = Glibc.close(state.fd) }
            state.fd = -1
            state.isShutDown = true
        }
    }

    /// Sets an integer socket option to 1 (failures ignored: every option set here is an optimisation or a
    /// default the caller can live without).
    func enable(_ level: Int32, _ option: Int32) {
        guard let fd = try? current(afterBytes: 0) else { return }
        var one: Int32 = 1
        _ = setsockopt(fd, level, option, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Polls until `events` (or an error or hang-up, which the next call reports), until `deadline`
    /// (`.timedOut`; nil: no deadline), retrying after signals.
    func wait(for events: Int16, deadline: ContinuousClock.Instant?, afterBytes: Int = 0) throws(SocketFailure) {
        while true {
            let fd = try current(afterBytes: afterBytes)
            var milliseconds: Int32 = -1
            if let deadline {
                let remaining = deadline - ContinuousClock.now
                guard remaining > .zero else { throw .timedOut }
                let (seconds, attoseconds) = remaining.components
                milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            }
            var request = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&request, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .failed(errno: errno, operation: "poll") }
        }
    }
}
