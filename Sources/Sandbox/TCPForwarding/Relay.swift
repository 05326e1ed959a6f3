#if canImport(Glibc)
    import Glibc
#endif
import Sockets
import Synchronization

/// One forwarded connection: connects to the target, then copies bytes both ways until both directions ended.
///
/// Contract: runs on its own thread (``run()``), which owns and finally closes both sockets. A failed connect
/// to the target closes the client. When one side reaches EOF, the other side's write half is shut down
/// (`SHUT_WR`) once the bytes already read were delivered, so request/response protocols that half-close work.
/// A read or write error on either side closes both. ``interrupt()`` (any thread) shuts both sockets down, which
/// wakes the thread; only the thread closes them (see ``TCPSocket``), so a closed number is never touched again.
/// The thread sleeps in `poll` without a timeout: no busy loop.
final class Relay: Sendable {
    static let bufferSize = 64 * 1024
    static let connectTimeout = Duration.seconds(10)

    let target: Endpoint
    private let client: TCPSocket
    private let state: Mutex<(upstream: TCPSocket?, interrupted: Bool)>

    init(client: TCPSocket, target: Endpoint) {
        self.target = target
        self.client = client
        state = Mutex((nil, false))
    }

    /// Wakes the relay thread and makes it close both sockets. Idempotent.
    func interrupt() {
        state.withLock { state in
            state.interrupted = true
            client.shutdown()
            state.upstream?.shutdown()
        }
    }

    /// The thread body: connect, copy, close.
    func run() {
        if let upstream = connectUpstream() { copy(client: client, upstream: upstream) }
        state.withLock { state in
            client.close()
            state.upstream?.close()
            state.upstream = nil
        }
    }

    private var isInterrupted: Bool { state.withLock { $0.interrupted } }

    /// The connected upstream socket, or nil (target unreachable or interrupted).
    private func connectUpstream() -> TCPSocket? {
        guard let addresses = try? SocketAddress.resolve(host: target.host, port: target.port) else { return nil }
        for address in addresses {
            guard let attempt = try? TCPSocket(for: address) else { continue }
            let registered = state.withLock { state in
                if state.interrupted { return false }
                state.upstream = attempt
                return true
            }
            guard registered else {
                attempt.close()
                return nil
            }
            if (try? attempt.connect(to: address, deadline: .now + Self.connectTimeout)) != nil { return attempt }
            state.withLock { state in
                attempt.close()
                state.upstream = nil
            }
            if isInterrupted { return nil }
        }
        return nil
    }

    private func copy(client: TCPSocket, upstream: TCPSocket) {
        let buffers = UnsafeMutableRawPointer.allocate(byteCount: 2 * Self.bufferSize, alignment: 16)
        defer { buffers.deallocate() }
        var toUpstream = Pipe(source: client, destination: upstream, buffer: buffers)
        var toClient = Pipe(source: upstream, destination: client, buffer: buffers + Self.bufferSize)
        // Both stay open until run() closes them after this returns.
        let (clientFD, upstreamFD) = (client.descriptor, upstream.descriptor)
        var requests = [pollfd(fd: -1, events: 0, revents: 0), pollfd(fd: -1, events: 0, revents: 0)]
        while !(toUpstream.isDone && toClient.isDone) && !isInterrupted {
            let clientEvents = (toUpstream.wantsRead ? POLLIN : 0) | (toClient.wantsWrite ? POLLOUT : 0)
            let upstreamEvents = (toClient.wantsRead ? POLLIN : 0) | (toUpstream.wantsWrite ? POLLOUT : 0)
            // A socket we want nothing from is left out, so a hang-up on it cannot make poll return at once.
            requests[0] = pollfd(fd: clientEvents == 0 ? -1 : clientFD, events: Int16(clientEvents), revents: 0)
            requests[1] = pollfd(fd: upstreamEvents == 0 ? -1 : upstreamFD, events: Int16(upstreamEvents), revents: 0)
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
    let source: TCPSocket
    let destination: TCPSocket
    let buffer: UnsafeMutableRawPointer
    private var start = 0
    private var end = 0
    private var sourceEnded = false
    private var destinationShut = false

    init(source: TCPSocket, destination: TCPSocket, buffer: UnsafeMutableRawPointer) {
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
            switch source.receive(into: UnsafeMutableRawBufferPointer(start: buffer, count: Relay.bufferSize)) {
            case .transferred(let count): (start, end) = (0, count)
            case .endOfStream: sourceEnded = true
            case .wouldBlock: break
            case .failed: return false
            }
        }
        // Write at once after a read (the destination is usually writable), or when poll said so.
        if wantsWrite && (writable || readable) {
            switch destination.send(UnsafeRawBufferPointer(start: buffer + start, count: end - start)) {
            case .transferred(let count):
                start += count
                if start == end { (start, end) = (0, 0) }
            case .wouldBlock, .endOfStream: break
            case .failed: return false
            }
        }
        if sourceEnded && !wantsWrite && !destinationShut {
            destination.shutdownWrite()
            destinationShut = true
        }
        return true
    }
}
