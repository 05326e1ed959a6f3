#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// One forwarded connection: connects to the target, then copies bytes both ways until both directions ended.
///
/// Contract: runs on its own thread (``run()``), which owns and finally closes both descriptors. A failed connect
/// to the target closes the client. When one side reaches EOF, the other side's write half is shut down
/// (`SHUT_WR`) once the bytes already read were delivered, so request/response protocols that half-close work.
/// A read or write error on either side closes both. ``interrupt()`` (any thread) shuts both sockets down, which
/// wakes the thread; descriptors are only shut down or closed under the same lock, so a closed number is never
/// touched again. The thread sleeps in `poll` without a timeout: no busy loop.
final class Relay: Sendable {
    static let bufferSize = 64 * 1024
    static let connectTimeoutMs: Int32 = 10_000

    let target: Endpoint
    private let sockets: Mutex<(client: Int32, upstream: Int32, interrupted: Bool)>

    init(client: Int32, target: Endpoint) {
        self.target = target
        sockets = Mutex((client, -1, false))
    }

    /// Wakes the relay thread and makes it close both sockets. Idempotent.
    func interrupt() {
        sockets.withLock { state in
            state.interrupted = true
            for fd in [state.client, state.upstream] where fd >= 0 { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    /// The thread body: connect, copy, close.
    func run() {
        let client = sockets.withLock { $0.client }
        if let upstream = connectUpstream() { copy(client: client, upstream: upstream) }
        sockets.withLock { state in
            for fd in [state.client, state.upstream] where fd >= 0 { _ = close(fd) }
            state.client = -1
            state.upstream = -1
        }
    }

    private var isInterrupted: Bool { sockets.withLock { $0.interrupted } }

    /// The connected upstream socket, or nil (target unreachable or interrupted).
    private func connectUpstream() -> Int32? {
        guard case .success(let addresses) = SocketCalls.resolve(target, passive: false) else { return nil }
        for address in addresses {
            guard case .success(let attempt) = SocketCalls.startConnect(to: address) else { continue }
            let registered = sockets.withLock { state in
                if state.interrupted { return false }
                state.upstream = attempt.fd
                return true
            }
            guard registered else {
                _ = close(attempt.fd)
                return nil
            }
            if attempt.connected || awaitConnect(attempt.fd) { return attempt.fd }
            sockets.withLock { state in
                _ = close(state.upstream)
                state.upstream = -1
            }
            if isInterrupted { return nil }
        }
        return nil
    }

    private func awaitConnect(_ fd: Int32) -> Bool {
        var request = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let ready = poll(&request, 1, Self.connectTimeoutMs)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0 && !isInterrupted && SocketCalls.pendingError(fd) == 0
        }
    }

    private func copy(client: Int32, upstream: Int32) {
        let buffers = UnsafeMutableRawPointer.allocate(byteCount: 2 * Self.bufferSize, alignment: 16)
        defer { buffers.deallocate() }
        var toUpstream = Pipe(source: client, destination: upstream, buffer: buffers)
        var toClient = Pipe(source: upstream, destination: client, buffer: buffers + Self.bufferSize)
        var requests = [pollfd(fd: -1, events: 0, revents: 0), pollfd(fd: -1, events: 0, revents: 0)]
        while !(toUpstream.isDone && toClient.isDone) && !isInterrupted {
            let clientEvents = (toUpstream.wantsRead ? POLLIN : 0) | (toClient.wantsWrite ? POLLOUT : 0)
            let upstreamEvents = (toClient.wantsRead ? POLLIN : 0) | (toUpstream.wantsWrite ? POLLOUT : 0)
            // A socket we want nothing from is left out, so a hang-up on it cannot make poll return at once.
            requests[0] = pollfd(fd: clientEvents == 0 ? -1 : client, events: Int16(clientEvents), revents: 0)
            requests[1] = pollfd(fd: upstreamEvents == 0 ? -1 : upstream, events: Int16(upstreamEvents), revents: 0)
            let ready = poll(&requests, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            let (clientReady, upstreamReady) = (requests[0].revents, requests[1].revents)
            if (clientReady | upstreamReady) & Int16(POLLNVAL) != 0 { return }
            let inbound = Int16(POLLIN | POLLHUP | POLLERR)
            let outbound = Int16(POLLOUT | POLLHUP | POLLERR)
            guard toUpstream.step(readable: clientReady & inbound != 0, writable: upstreamReady & outbound != 0),
                toClient.step(readable: upstreamReady & inbound != 0, writable: clientReady & outbound != 0)
            else { return }
        }
    }
}

/// One direction of a relay: reads `source` into a fixed buffer, writes it to `destination`, and shuts the
/// destination's write half down after the source's EOF once the buffer is empty.
struct Pipe {
    let source: Int32
    let destination: Int32
    let buffer: UnsafeMutableRawPointer
    private var start = 0
    private var end = 0
    private var sourceEnded = false
    private var destinationShut = false

    init(source: Int32, destination: Int32, buffer: UnsafeMutableRawPointer) {
        self.source = source
        self.destination = destination
        self.buffer = buffer
    }

    var wantsRead: Bool { !sourceEnded && start == end }
    var wantsWrite: Bool { start < end }
    var isDone: Bool { destinationShut }

    /// Makes what progress the readiness allows; false on an error that must end the whole connection.
    mutating func step(readable: Bool, writable: Bool) -> Bool {
        if readable && wantsRead {
            let count = recv(source, buffer, Relay.bufferSize, 0)
            if count > 0 {
                (start, end) = (0, count)
            } else if count == 0 {
                sourceEnded = true
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return false
            }
        }
        // Write at once after a read (the destination is usually writable), or when poll said so.
        if wantsWrite && (writable || readable) {
            let count = send(destination, buffer + start, end - start, Int32(MSG_NOSIGNAL))
            if count > 0 {
                start += count
                if start == end { (start, end) = (0, 0) }
            } else if count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return false
            }
        }
        if sourceEnded && !wantsWrite && !destinationShut {
            _ = shutdown(destination, Int32(SHUT_WR))
            destinationShut = true
        }
        return true
    }
}
