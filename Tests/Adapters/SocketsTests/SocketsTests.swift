import Foundation
import Glibc
@testable import Sockets
import Testing

/// The socket layer's contract on loopback only: listening, connecting (refused, timed out), deadlines, EOF,
/// shutdown from another thread, and writes to a closed peer without SIGPIPE.
@Suite("Sockets")
struct SocketsTests {
    @Test func listeningOnPortZeroReportsTheBoundPort() throws {
        let listener = try Loopback.listen()
        defer { listener.close() }
        #expect(listener.port > 0 && listener.port <= 65535)
        let client = try TCPSocket.connect(to: Loopback.address(listener.port), timeout: .seconds(5))
        defer { client.close() }
        #expect(try listener.awaitConnection(timeout: .seconds(5)))
        let accepted = try #require(try listener.accept())
        accepted.close()
        #expect(try listener.accept() == nil, "accept never blocks")
        #expect(try listener.awaitConnection(timeout: .milliseconds(50)) == false)
    }

    @Test func aTakenPortFailsWithTheSystemsWords() throws {
        let listener = try Loopback.listen()
        defer { listener.close() }
        #expect(throws: SocketFailure.failed(errno: EADDRINUSE, operation: "bind")) {
            try Loopback.listen(port: listener.port)
        }
        #expect(SocketFailure.failed(errno: EADDRINUSE, operation: "bind").reason == "Address already in use")
        #expect(SocketFailure.failed(errno: EADDRINUSE, operation: "bind").detail == "bind: Address already in use")
    }

    @Test func resolutionKeepsNumericHostsAndPorts() throws {
        let addresses = try SocketAddress.resolve(host: "127.0.0.1", port: 9092)
        #expect(addresses.map(\.host) == ["127.0.0.1"] && addresses.map(\.port) == [9092])
        #expect(try SocketAddress.resolve(host: "::1", port: 1).first?.host == "::1")
        #expect(try SocketAddress.resolve(host: nil, port: 0, ipv4Only: true, passive: true).map(\.host) == ["0.0.0.0"])
        #expect(SocketAddress.ipv4("127.0.0.1", port: 9093)?.port == 9093)
        #expect(SocketAddress.ipv4("not-an-ip", port: 1) == nil)
    }

    @Test func aPortNobodyListensOnIsRefused() throws {
        let reserved = try ReservedPort()
        defer { reserved.close() }
        #expect(throws: SocketFailure.failed(errno: ECONNREFUSED, operation: "connect")) {
            try TCPSocket.connect(to: Loopback.address(reserved.port), timeout: .seconds(5))
        }
    }

    /// A listener that never accepts, with a backlog of 0: once its accept queue is full, Linux drops further
    /// SYNs, so the next connect gets no answer at all (all on loopback).
    @Test func aConnectWithoutAnswerTimesOut() throws {
        let listener = try TCPListener.listen(on: [Loopback.address(0)], backlog: 0)
        defer { listener.close() }
        var queued: [TCPSocket] = []
        defer { for socket in queued { socket.close() } }
        var outcome: SocketFailure?
        var elapsed = Duration.zero
        for _ in 0..<8 where outcome == nil {
            let start = ContinuousClock.now
            do {
                queued.append(try TCPSocket.connect(to: Loopback.address(listener.port), timeout: .milliseconds(300)))
            } catch {
                outcome = error
                elapsed = ContinuousClock.now - start
            }
        }
        #expect(outcome == .timedOut)
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(3), "\(elapsed)")
    }

    @Test func aSilentPeerMakesReadsTimeOut() throws {
        let pair = try Pair()
        defer { pair.close() }
        let start = ContinuousClock.now
        #expect(throws: SocketFailure.timedOut) { try pair.client.readExactly(4, deadline: .now + .milliseconds(200)) }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(3), "\(elapsed)")
    }

    @Test func endOfStreamSaysHowMuchArrived() throws {
        let pair = try Pair()
        defer { pair.close() }
        try pair.server.writeAll([1, 2, 3, 4, 5, 6], deadline: .now + .seconds(5))
        pair.server.shutdownWrite()
        #expect(try pair.client.readExactly(4, deadline: .now + .seconds(5)) == [1, 2, 3, 4])
        #expect(throws: SocketFailure.closed(afterBytes: 2)) { try pair.client.readExactly(4, deadline: .now + .seconds(5)) }
        #expect(throws: SocketFailure.closed(afterBytes: 0)) { try pair.client.readExactly(1, deadline: nil) }
    }

    @Test func shutdownFromAnotherThreadWakesABlockedRead() throws {
        let pair = try Pair()
        defer { pair.close() }
        let client = pair.client
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(100)) { client.shutdown() }
        #expect(throws: SocketFailure.closed(afterBytes: 0)) { try client.readExactly(4, deadline: nil) }
        #expect(client.isShutDown)
        client.close()
        #expect(client.descriptor == -1)
        #expect(throws: SocketFailure.closed(afterBytes: 0)) { try client.writeAll([1], deadline: nil) }
    }

    /// SIGPIPE is blocked on this thread while it writes, so a raised one stays pending where `sigpending` sees
    /// it (blocked signals are kept even when ignored); a raw `write` first shows the check would catch one.
    @Test func writingToAClosedPeerRaisesNoSIGPIPE() throws {
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &pipeOnly, &previous)
        defer {
            _ = Signals.consumePendingSIGPIPE()
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }

        let control = try Pair()
        defer { control.close() }
        control.server.shutdown()
        control.server.close()
        var lastErrno: Int32 = 0
        for _ in 0..<50 where lastErrno != EPIPE {
            var byte: UInt8 = 0
            if Glibc.write(control.client.descriptor, &byte, 1) < 0 { lastErrno = errno } else { usleep(10_000) }
        }
        #expect(lastErrno == EPIPE)
        #expect(Signals.consumePendingSIGPIPE(), "a raw write to a closed peer raises SIGPIPE")

        let pair = try Pair()
        defer { pair.close() }
        pair.server.shutdown()
        pair.server.close()
        var failures: [SocketFailure] = []
        for _ in 0..<50 where failures.count < 4 {
            do {
                try pair.client.writeAll([0], deadline: .now + .seconds(5))
                usleep(10_000)
            } catch {
                failures.append(error)
            }
        }
        #expect(failures.count == 4 && failures.allSatisfy { $0 == .closed(afterBytes: 0) }, "\(failures)")
        #expect(!Signals.consumePendingSIGPIPE(), "writeAll raised SIGPIPE")
    }
}

enum Loopback {
    static func address(_ port: Int) -> SocketAddress { SocketAddress.ipv4("127.0.0.1", port: port)! }

    static func listen(port: Int = 0) throws(SocketFailure) -> TCPListener {
        try TCPListener.listen(on: SocketAddress.resolve(host: "127.0.0.1", port: port, passive: true), backlog: 16)
    }
}

/// A connected client and the server side of it, on loopback.
struct Pair {
    let client: TCPSocket
    let server: TCPSocket

    init() throws {
        let listener = try Loopback.listen()
        defer { listener.close() }
        client = try TCPSocket.connect(to: Loopback.address(listener.port), timeout: .seconds(5))
        _ = try listener.awaitConnection(timeout: .seconds(5))
        server = try #require(try listener.accept())
    }

    func close() {
        client.close()
        server.close()
    }
}

/// A loopback port that is bound but not listening, so connecting to it is refused.
struct ReservedPort {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        let bound = Loopback.address(0).withSockaddr { Glibc.bind(fd, $0, $1) }
        try #require(bound == 0)
        self.fd = fd
        port = try #require(SocketAddress.local(of: fd)?.port)
    }

    func close() { _ = Glibc.close(fd) }
}

enum Signals {
    /// Whether SIGPIPE was pending for this thread (or the process); takes it off if so.
    static func consumePendingSIGPIPE() -> Bool {
        var pending = sigset_t()
        sigpending(&pending)
        guard sigismember(&pending, SIGPIPE) == 1 else { return false }
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        var zero = timespec(tv_sec: 0, tv_nsec: 0)
        _ = sigtimedwait(&pipeOnly, nil, &zero)
        return true
    }
}
