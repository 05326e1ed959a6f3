import Foundation
import Glibc
import Synchronization

/// A request as the fake broker saw it: the header fields every version shares, and the whole payload.
struct ReceivedRequest: Sendable, Equatable {
    /// 0 for the first accepted connection, 1 for the next, ...
    var connection: Int
    var apiKey: Int16
    var apiVersion: Int16
    var correlationID: Int32
    /// Header + body, without the size prefix.
    var payload: [UInt8]
}

/// What the fake broker does with a request.
enum FakeReply: Sendable {
    /// Frame `body` behind a response header (v0: correlation id; v1: + empty tag buffer).
    case body([UInt8], headerVersion: Int = 1)
    /// The same, written one byte per `send` with a pause in between, to exercise partial reads.
    case bodyByteByByte([UInt8], headerVersion: Int = 1)
    /// These exact bytes, size prefix included (or not): for malformed frames.
    case raw([UInt8])
    /// These exact bytes, then close.
    case rawThenClose([UInt8])
    /// Close the connection without answering (how brokers reject unknown versions).
    case close
    /// Never answer; keep the connection open.
    case silence
}

/// A scripted stand-in for a broker on 127.0.0.1 (ephemeral port), written directly on POSIX sockets so it shares
/// no code with the client under test. Responses are canned bytes; the script sees every request.
final class FakeBroker: Sendable {
    let port: Int
    private let listener: Int32
    private let state = Mutex<(requests: [ReceivedRequest], clients: [Int32], connections: Int)>(([], [], 0))
    private let script: @Sendable (ReceivedRequest) -> FakeReply

    init(script: @escaping @Sendable (ReceivedRequest) -> FakeReply) throws {
        self.script = script
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var reuse: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw FakeBrokerError.setup(errno) }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Every request received so far, in arrival order.
    var requests: [ReceivedRequest] { state.withLock { $0.requests } }

    var connectionCount: Int { state.withLock { $0.connections } }

    /// Stops accepting and drops every connection.
    func stop() {
        Glibc.shutdown(listener, Int32(SHUT_RDWR))
        // Under the lock: a client descriptor is removed (under the same lock) before it is closed, so this never
        // touches a number the process has since reused for another socket.
        state.withLock { state in
            for client in state.clients { Glibc.shutdown(client, Int32(SHUT_RDWR)) }
        }
    }

    deinit {
        stop()
        Glibc.close(listener)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let index = state.withLock { state in
                state.clients.append(client)
                state.connections += 1
                return state.connections - 1
            }
            Thread.detachNewThread { [self] in serve(client, connection: index) }
        }
    }

    private func serve(_ client: Int32, connection: Int) {
        defer {
            state.withLock { state in
                state.clients.removeAll { $0 == client }
                Glibc.close(client)
            }
        }
        while let payload = readFrame(client) {
            var request = ReceivedRequest(
                connection: connection, apiKey: 0, apiVersion: 0, correlationID: 0, payload: payload)
            guard payload.count >= 8 else { return }
            request.apiKey = Int16(bitPattern: UInt16(payload[0]) << 8 | UInt16(payload[1]))
            request.apiVersion = Int16(bitPattern: UInt16(payload[2]) << 8 | UInt16(payload[3]))
            request.correlationID = payload[4..<8].reduce(Int32(0)) { $0 << 8 | Int32($1) }
            state.withLock { $0.requests.append(request) }
            switch script(request) {
            case .body(let body, let headerVersion):
                guard writeAll(client, frame(body, request.correlationID, headerVersion)) else { return }
            case .bodyByteByByte(let body, let headerVersion):
                for byte in frame(body, request.correlationID, headerVersion) {
                    guard writeAll(client, [byte]) else { return }
                    usleep(200)
                }
            case .raw(let bytes):
                guard writeAll(client, bytes) else { return }
            case .rawThenClose(let bytes):
                _ = writeAll(client, bytes)
                return
            case .close:
                return
            case .silence:
                while readFrame(client) != nil {}
                return
            }
        }
    }

    private func frame(_ body: [UInt8], _ correlationID: Int32, _ headerVersion: Int) -> [UInt8] {
        let header = bigEndian(UInt32(bitPattern: correlationID)) + (headerVersion >= 1 ? [0] : [])
        return bigEndian(UInt32(header.count + body.count)) + header + body
    }

    private func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    private func readFrame(_ client: Int32) -> [UInt8]? {
        guard let prefix = readExactly(client, 4) else { return nil }
        let size = Int(prefix.reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard size < 1 << 20 else { return nil }
        return readExactly(client, size)
    }

    private func readExactly(_ client: Int32, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let received = bytes.withUnsafeMutableBytes { recv(client, $0.baseAddress! + done, count - done, 0) }
            guard received > 0 else { return nil }
            done += received
        }
        return bytes
    }

    private func writeAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var done = 0
        while done < bytes.count {
            let sent = bytes.withUnsafeBytes {
                send(client, $0.baseAddress! + done, bytes.count - done, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return false }
            done += sent
        }
        return true
    }
}

enum FakeBrokerError: Error {
    case setup(Int32)
}
