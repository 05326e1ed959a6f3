import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately tiny Kafka client for byte-level checks: hand-built request frames over a blocking socket.
/// It shares no code with the simulator's codec (and none with the project's KafkaProtocol module).
enum RawClient {
    /// A request frame: size, header v1 (or v2 with an empty tag buffer when `flexible`), body.
    static func request(
        apiKey: Int16, version: Int16, correlationId: Int32, clientId: String = "sim-test", flexible: Bool,
        body: [UInt8]
    ) -> [UInt8] {
        var payload =
            be16(apiKey) + be16(version) + be32(correlationId) + be16(Int16(clientId.utf8.count)) + Array(clientId.utf8)
        if flexible { payload.append(0) }
        payload += body
        return be32(Int32(payload.count)) + payload
    }

    static func be16(_ value: Int16) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
    static func be32(_ value: Int32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    /// "host:port" to a connected socket (5 s send/receive timeouts), or nil.
    static func connect(_ address: String) -> Int32? {
        guard let colon = address.lastIndex(of: ":"), let port = UInt16(address[address.index(after: colon)...]) else {
            return nil
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = in_port_t(port.bigEndian)
        inet_pton(AF_INET, String(address[..<colon]), &target.sin_addr)
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            close(fd)
            return nil
        }
        return fd
    }

    static func canConnect(_ address: String) -> Bool {
        guard let fd = connect(address) else { return false }
        close(fd)
        return true
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL))
            }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }

    /// Exactly `count` bytes, or nil on EOF, reset or timeout.
    static func receive(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + filled, count - filled, 0) }
            guard n > 0 else { return nil }
            filled += n
        }
        return buffer
    }

    /// One response frame's payload (correlation id onwards), or nil when the broker closed the connection.
    static func receiveFrame(_ fd: Int32) -> [UInt8]? {
        guard let size = receive(fd, 4) else { return nil }
        let length = size.reduce(0) { $0 << 8 | Int($1) }
        guard length >= 0, length < 16 << 20 else { return nil }
        return receive(fd, length)
    }

    /// Sends `frame` on a fresh connection and returns the response payload (nil: connection closed).
    static func exchange(_ address: String, _ frame: [UInt8]) throws -> [UInt8]? {
        guard let fd = connect(address) else { throw SimTestError("cannot connect to \(address)") }
        defer { close(fd) }
        guard send(fd, frame) else { return nil }
        return receiveFrame(fd)
    }

    /// True when the broker closes the connection (EOF) instead of answering.
    static func isClosedAfter(_ address: String, _ bytes: [UInt8]) throws -> Bool {
        guard let fd = connect(address) else { throw SimTestError("cannot connect to \(address)") }
        defer { close(fd) }
        _ = send(fd, bytes)
        return receive(fd, 1) == nil
    }

    /// ApiVersions v0 (the version every broker answers): the response payload.
    static func apiVersionsV0(_ address: String) throws -> [UInt8]? {
        try exchange(address, request(apiKey: 18, version: 0, correlationId: 1, flexible: false, body: []))
    }
}

extension SimCluster {
    /// Every node running and in every ISR, per the nodes' own records (a precondition check, not an assertion).
    func allInSync() -> Bool {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        return ids.allSatisfy { id in
            let record = record(id)
            guard record["state"] as? String == "running", let join = (record["isrJoinAtMs"] as? NSNumber)?.int64Value
            else { return false }
            return join <= now
        }
    }
}

extension RawClient {
    static func fullyReplicated(_ cluster: SimCluster, via address: String) -> Bool {
        cluster.allInSync() && canConnect(address)
    }
}

/// Hex for byte assertions: "0023 00000001" style input, spaces ignored.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter(\.isHexDigit))
    return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
