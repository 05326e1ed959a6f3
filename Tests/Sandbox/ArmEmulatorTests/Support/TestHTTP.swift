import ArmEmulator
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A response as the test client read it.
struct TestResponse {
    var status: Int
    /// Lowercased names.
    var headers: [String: String]
    var body: [UInt8]

    var json: JSON? { body.isEmpty ? nil : try? JSON.parse(body) }
    var errorCode: String? { json?["error"]?["code"]?.stringValue }
    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

struct ConnectionDropped: Error {}

/// One keep-alive HTTP/1.1 connection over a plain socket (no URLSession, so drops and keep-alive are visible).
final class TestConnection {
    private let fd: Int32
    private let port: Int
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        self.port = port
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw ConnectionDropped()
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends one request and reads its response; throws ``ConnectionDropped`` when the server closes without one.
    func send(_ method: String, _ target: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> TestResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "PUT" || method == "POST" || method == "PATCH" { head += "Content-Length: \(body.count)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + body
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw ConnectionDropped()
        }
        return try readResponse(headOnly: method == "HEAD")
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
        guard n > 0 else { throw ConnectionDropped() }
        buffer += chunk[0..<n]
    }

    private func readResponse(headOnly: Bool) throws -> TestResponse {
        var end: Int?
        while end == nil {
            end = buffer.indices.dropLast(3).first { buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10 }
            if end == nil { try fill() }
        }
        let lines = String(decoding: buffer[0..<end!], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = headOnly ? 0 : Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < end! + 4 + length { try fill() }
        let body = Array(buffer[(end! + 4)..<(end! + 4 + length)])
        buffer.removeFirst(end! + 4 + length)
        return TestResponse(status: status, headers: headers, body: body)
    }
}

/// A client of one emulator: each call on a fresh connection, ARM defaults (token, api-version per namespace).
struct ArmClient {
    let port: Int
    var token: String? = "arm-emulator-token"

    static func apiVersion(for path: String) -> String {
        let lower = path.lowercased()
        if lower.contains("microsoft.compute") { return "2026-03-01" }
        if lower.contains("/providers/microsoft.network") { return "2025-07-01" }
        return "2025-04-01"
    }

    /// `path` may carry its own query; `api-version` is added unless `apiVersion` is "" or the path has one.
    func send(_ method: String, _ path: String, _ body: JSON? = nil, apiVersion: String? = nil, headers: [String: String] = [:])
        throws -> TestResponse
    {
        var target = path
        let version = apiVersion ?? Self.apiVersion(for: path)
        if !version.isEmpty && !path.contains("api-version=") {
            target += (path.contains("?") ? "&" : "?") + "api-version=\(version)"
        }
        var all = headers
        if let token { all["Authorization"] = "Bearer \(token)" }
        if body != nil { all["Content-Type"] = "application/json" }
        return try TestConnection(port: port).send(method, target, headers: all, body: body?.bytes ?? [])
    }

    /// Sends to an absolute URL the emulator returned (operation and nextLink URLs).
    func follow(_ url: String) throws -> TestResponse {
        let target = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        var headers: [String: String] = [:]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return try TestConnection(port: port).send("GET", target, headers: headers)
    }

    /// Polls an LRO's `Azure-AsyncOperation` URL until it is terminal; returns the statuses seen.
    @discardableResult
    func wait(_ response: TestResponse) throws -> [String] {
        guard let url = response.header("azure-asyncoperation") else { return [] }
        var seen: [String] = []
        for _ in 0..<50 {
            let status = try follow(url).json?["status"]?.stringValue ?? "?"
            seen.append(status)
            if status != "InProgress" { return seen }
        }
        return seen
    }
}
