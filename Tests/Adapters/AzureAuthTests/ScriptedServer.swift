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
    var drop: Bool = false
    var requireHeader: [String]?

    static func json(_ body: String, status: Int = 200, headers: [[String]] = []) -> Reply {
        Reply(status: status, headers: [["Content-Type", "application/json"]] + headers, body: body)
    }

    static let dropConnection = Reply(drop: true)
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

/// The Python scripted server, one process per test. Missing `python3` is a loud failure.
final class ScriptedServer {
    let port: Int
    private let process: Process
    private let stdin: Pipe
    private let directory: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }

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
        guard let port = Int(line), port > 0 else {
            try? stdin.fileHandleForWriting.close()
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            throw SetupFailure(description: "the scripted python3 server did not report a port (stdout: \(line.debugDescription))")
        }
        return ScriptedServer(port: port, process: process, stdin: stdin, directory: directory)
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

/// Starts a server with `routes`, runs `body`, and always stops the server. The start (which
/// blocks until Python reports its port) runs on its own thread, not the cooperative pool.
func withServer<T>(_ routes: [String: [Reply]], _ body: (ScriptedServer) async throws -> T) async throws -> T {
    let server = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ScriptedServer, any Error>) in
        Thread.detachNewThread {
            continuation.resume(with: Result { try ScriptedServer.start(routes) })
        }
    }
    defer { server.stop() }
    return try await body(server)
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("AzureAuthTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `operation`, which must fail with an ``AzureCredentialError``-like error, and returns it.
func caught<T>(_ operation: () async throws -> T) async -> (any Error)? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}
