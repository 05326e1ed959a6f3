import Glibc
import Synchronization

/// A blocking TCP client socket for the tests, with 30 s send/receive timeouts so a broken forwarder fails a test
/// instead of hanging it (the timeouts are safety nets, not assertions).
final class TestSocket: @unchecked Sendable {
    private(set) var fd: Int32

    init(fd: Int32) { self.fd = fd }

    /// Connects to `host:port`; throws the `errno` text (e.g. "Connection refused").
    static func connect(_ host: String, _ port: Int) throws -> TestSocket {
        var address = Loopback.address(host, port)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw TestFailure("connect \(host):\(port): \(reason)")
        }
        return TestSocket(fd: fd)
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw TestFailure("send: \(String(cString: strerror(errno)))") }
            sent += count
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Up to `limit` bytes until EOF (throws on error or timeout).
    func readToEnd(limit: Int = 64 << 20) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count <= limit {
            let chunk = try read(upTo: 64 * 1024)
            if chunk.isEmpty { return bytes }
            bytes += chunk
        }
        throw TestFailure("more than \(limit) bytes")
    }

    /// Exactly `count` bytes; throws on EOF before them.
    func read(exactly count: Int) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let chunk = try read(upTo: min(64 * 1024, count - bytes.count))
            guard !chunk.isEmpty else { throw TestFailure("EOF after \(bytes.count) of \(count) bytes") }
            bytes += chunk
        }
        return bytes
    }

    /// One `recv`: empty at EOF.
    func read(upTo count: Int) throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, count, 0) }
            if received >= 0 { return Array(buffer[0..<received]) }
            if errno == EINTR { continue }
            throw TestFailure("recv: \(String(cString: strerror(errno)))")
        }
    }

    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}

/// A test failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) { self.description = description }
}

/// Loopback addresses for the tests: test number `n` uses only 127.77.n.x, so its sockets can be counted apart from
/// every other test running in parallel.
enum Loopback {
    static func host(_ test: UInt8, _ last: UInt8) -> String { "127.77.\(test).\(last)" }

    static func address(_ host: String, _ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        _ = inet_pton(AF_INET, host, &address.sin_addr)
        return address
    }

    /// Ports handed out so far (never twice), starting below the kernel's ephemeral range (32768-60999): a port
    /// the kernel picked for `bind(…, 0)` could be picked again, right after it is released, by any other test's
    /// wildcard listener, which would then hold it on this address too.
    private static let nextPort = Mutex(20_000 + Int.random(in: 0..<4_000))

    /// A port free on `host` right now, outside the ephemeral range, not handed out before by this process.
    static func freePort(_ host: String) -> Int {
        while true {
            let port = nextPort.withLock { port in
                defer { port = port >= 32_000 ? 10_000 : port + 1 }
                return port
            }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = address(host, port)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            Glibc.close(fd)
            if bound == 0 { return port }
        }
    }
}

/// Deterministic test data and a checksum (FNV-1a, 64 bits).
enum TestData {
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
