import Glibc
import Synchronization
@testable import TCPForwarding

/// A loopback TCP server for the tests: one thread per connection runs `handler`, then the connection is closed.
///
/// ``stop()`` shuts every socket down, waits for every thread and closes every descriptor, so a test can count
/// descriptors afterwards.
final class TestServer: Sendable {
    let host: String
    let port: Int
    private let fd: Int32
    private let threads = WorkerGroup()
    private let connections = Mutex<Set<Int32>>([])
    private let stopping = Atomic<Bool>(false)

    init(host: String, handler: @escaping @Sendable (TestSocket) throws -> Void) throws {
        self.host = host
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        self.fd = fd
        var address = Loopback.address(host, 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound && listen(fd, 256) == 0 else {
            Glibc.close(fd)
            throw TestFailure("test server cannot listen on \(host)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        threads.spawn(name: "test server \(host)") { [self] in acceptLoop(handler) }
    }

    private func acceptLoop(_ handler: @escaping @Sendable (TestSocket) throws -> Void) {
        while !stopping.load(ordering: .acquiring) {
            let client = accept(fd, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            connections.withLock { _ = $0.insert(client) }
            threads.spawn(name: "test connection") { [self] in
                let socket = TestSocket(fd: client)
                try? handler(socket)
                connections.withLock { open in
                    open.remove(client)
                    socket.close()
                }
            }
        }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        shutdown(fd, Int32(SHUT_RDWR))
        connections.withLock { open in
            for client in open { shutdown(client, Int32(SHUT_RDWR)) }
        }
        threads.waitIdle()
        Glibc.close(fd)
    }

    /// Echoes everything until EOF, then half-closes (optionally greeting with `tag` first).
    static func echo(tag: String? = nil) -> @Sendable (TestSocket) throws -> Void {
        { socket in
            if let tag { try socket.send(tag) }
            while true {
                let chunk = try socket.read(upTo: 64 * 1024)
                if chunk.isEmpty { break }
                try socket.send(chunk)
            }
            socket.shutdownWrite()
        }
    }
}

/// A value one thread sets and another awaits.
final class Handoff<Value: Sendable>: Sendable {
    private let latch = Latch()
    private let value = Mutex<Value?>(nil)

    func put(_ newValue: Value) {
        value.withLock { $0 = newValue }
        latch.open()
    }

    func take() -> Value? {
        latch.wait()
        return value.withLock { $0 }
    }
}
