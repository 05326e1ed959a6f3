import CurlTransport
import Foundation
import ProviderAPI
import Testing

struct SetupFailure: Error, CustomStringConvertible {
    let description: String
}

/// One scripted reply of the Python server (see `scriptedServerScript`).
struct Reply: Encodable {
    var status: Int = 200
    var headers: [[String]] = []
    var body: String = ""
    var requireHeader: [String]?
    var echo: Bool?
    var delayMs: Int?

    /// A 400 answer repeating what the request carried (see `scriptedServerScript`).
    static let echo = Reply(echo: true)

    static func json(_ body: String, status: Int = 200, headers: [[String]] = []) -> Reply {
        Reply(status: status, headers: [["Content-Type", "application/json"]] + headers, body: body)
    }

    /// A metadata-server answer: `Metadata-Flavor: Google` on the reply, and required on the request.
    static func metadata(_ body: String, status: Int = 200) -> Reply {
        Reply(
            status: status, headers: [["Content-Type", "application/json"], ["Metadata-Flavor", "Google"]], body: body,
            requireHeader: ["Metadata-Flavor", "Google"])
    }
}

/// A request as the server saw it.
struct Recorded: Decodable {
    let method: String
    let path: String
    let query: [String: String]
    let headers: [[String]]
    let body: String
    let form: [String: String]

    func header(_ name: String) -> String? {
        headers.first { $0.first?.lowercased() == name.lowercased() }?.last
    }
}

/// The Python scripted server, one process per test. A missing `python3` is a loud failure.
final class ScriptedServer {
    let port: Int
    private let process: Process
    private let stdin: Pipe
    private let directory: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var hostAndPort: String { "127.0.0.1:\(port)" }

    private init(port: Int, process: Process, stdin: Pipe, directory: URL) {
        self.port = port
        self.process = process
        self.stdin = stdin
        self.directory = directory
    }

    static func start(_ routes: [String: [Reply]]) throws -> ScriptedServer {
        let directory = try temporaryDirectory()
        let script = directory.appendingPathComponent("server.py")
        let config = directory.appendingPathComponent("routes.json")
        try scriptedServerScript.write(to: script, atomically: true, encoding: .utf8)
        try JSONEncoder().encode(["routes": routes]).write(to: config)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script.path, config.path]
        let stdout = Pipe()
        let stdin = Pipe()  // the server exits on EOF, so it never outlives the test process
        process.standardOutput = stdout
        process.standardInput = stdin
        do {
            try process.run()
        } catch {
            throw SetupFailure(description: "cannot launch python3 for the scripted HTTP server: \(error)")
        }
        var output = Data()
        while !output.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output.append(chunk)
        }
        let line = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let server = ScriptedServer(port: Int(line) ?? 0, process: process, stdin: stdin, directory: directory)
        guard server.port > 0 else {
            server.stop()
            throw SetupFailure(
                description: "the scripted python3 server did not report a port (stdout: \(line.debugDescription))")
        }
        return server
    }

    /// Every request the server has seen, in arrival order.
    func recorded() async throws -> [Recorded] {
        let response = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(baseURL)/__requests"))
        return try JSONDecoder().decode([Recorded].self, from: Data(response.body))
    }

    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Starts a server with `routes`, runs `body`, and always stops the server. The start (which blocks until Python
/// reports its port) runs on its own thread, not the cooperative pool.
func withServer<T>(_ routes: [String: [Reply]], _ body: (ScriptedServer) async throws -> T) async throws -> T {
    let server = try await withCheckedThrowingContinuation {
        (continuation: CheckedContinuation<ScriptedServer, any Error>) in
        Thread.detachNewThread {
            continuation.resume(with: Result { try ScriptedServer.start(routes) })
        }
    }
    defer { server.stop() }
    return try await body(server)
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("GcpAuthTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A loopback `host:port` on which nothing listens (the port was bound, then released).
func closedLoopbackPort() throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SetupFailure(description: "socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw SetupFailure(description: "bind() failed") }
    return "127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
}

/// The error `operation` throws, or nil.
func caught<T>(_ operation: () async throws -> T) async -> (any Error)? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}
