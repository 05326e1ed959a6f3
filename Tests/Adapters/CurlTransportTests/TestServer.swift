import Foundation
import Testing

struct TestSetupFailure: Error, CustomStringConvertible {
    let description: String
}

/// The Python test server, one process per test. Missing `python3` is a loud failure, not a skip.
final class TestServer {
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

    static func start(tls: TestCertificates? = nil) throws -> TestServer {
        let directory = try makeTemporaryDirectory()
        let script = directory.appendingPathComponent("server.py")
        try testServerScript.write(to: script, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", script.path] + (tls.map { [$0.serverCertificate, $0.serverKey] } ?? [])
        let stdout = Pipe()
        let stdin = Pipe()  // the server exits on EOF, so it never outlives this test process
        process.standardOutput = stdout
        process.standardInput = stdin
        do {
            try process.run()
        } catch {
            throw TestSetupFailure(description: "cannot launch python3 for the test HTTP server: \(error)")
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
            throw TestSetupFailure(description: """
                the python3 test HTTP server did not report a port; is python3 installed and on PATH? \
                (stdout: \(line.debugDescription))
                """)
        }
        return TestServer(port: port, process: process, stdin: stdin, directory: directory)
    }

    /// Kills the server (SIGKILL: children inherit the test runner's blocked-signal mask, so a
    /// SIGTERM could be ignored) without blocking on `waitUntilExit`; Foundation reaps it.
    func stop() {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Starts a server, runs `body`, and always stops the server.
func withServer<T>(tls: TestCertificates? = nil, _ body: (TestServer) async throws -> T) async throws -> T {
    let server = try TestServer.start(tls: tls)
    defer { server.stop() }
    return try await body(server)
}

func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("CurlTransportTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs a tool found on PATH and fails loudly on a non-zero exit.
func runTool(_ arguments: [String], in directory: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestSetupFailure(description: "\(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
    }
}

/// A private CA and a server certificate for `secure.test`, generated with the openssl CLI.
struct TestCertificates {
    let directory: URL
    var caCertificate: String { directory.appendingPathComponent("ca.pem").path }
    var serverCertificate: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }

    static func generate() throws -> TestCertificates {
        let dir = try makeTemporaryDirectory()
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try runTool(
            ["openssl", "req", "-x509"] + ec + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=CurlTransport Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            in: dir
        )
        try runTool(["openssl", "req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=secure.test"], in: dir)
        try """
            subjectAltName=DNS:secure.test
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth
            """.write(to: dir.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
        try runTool(
            [
                "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf",
            ],
            in: dir
        )
        return TestCertificates(directory: dir)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
