import Foundation
import Testing
import TestSupport

/// Runs the built binary as an unprivileged user when the tests run as root (root may read anything, so a
/// "permission denied" needs another user), directly otherwise.
private func runUnprivileged(_ arguments: [String]) throws -> Binary.Result {
    guard geteuid() == 0 else { return try Binary.run(arguments) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
    process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", Binary.url.path] + arguments
    process.currentDirectoryURL = URL(fileURLWithPath: "/")
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Small outputs only (a few diagnostics): reading one pipe to its end before the other cannot stall.
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Binary.Result(
        status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
        err: String(decoding: errData, as: UTF8.self))
}

@Suite("validate on manifests that are unreadable or hostile")
struct ManifestInputTests {
    /// A world-readable scratch directory holding a valid cluster manifest.
    private func scratch() throws -> URL {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir.path)
        try FileManager.default.copyItem(
            at: Repo.root.appendingPathComponent("manifests/examples/azure-private-link/cluster.yaml"),
            to: dir.appendingPathComponent("cluster.yaml"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent("cluster.yaml").path)
        return dir
    }

    @Test("A manifest and a directory it may not read are errors naming them and the reason; exit 1")
    func permissionDenied() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let secret = dir.appendingPathComponent("secret.yaml")
        try "a: 1\n".write(to: secret, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: secret.path)
        let locked = dir.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked.path)

        let r = try runUnprivileged(["validate", "--manifests", dir.path])
        #expect(r.status == 1, "\(r.out)\(r.err)")
        #expect(r.err.contains("\(locked.path):1:1: error: cannot list directory: Permission denied"), "\(r.err)")
        #expect(r.err.contains("\(secret.path):1:1: error: cannot read file: Permission denied"), "\(r.err)")
        #expect(r.err.contains("2 errors in"), "\(r.err)")
    }

    @Test("Control characters and huge values from a manifest reach the terminal escaped and shortened")
    func hostileValues() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let huge = String(repeating: "A", count: 3 << 20)
        let file = dir.appendingPathComponent("cluster.yaml")
        try """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata: {name: "\\e]0;pwned\\a\\e[2J\\x9b"}
            spec:
              kafkaVersion: "3.7.1"
              clusterId: \(huge)
              logDirs: /data
              brokers: [{nodeId: 1, name: a, address: 10.0.0.4}]
              ssh: {user: kafka}

            """.write(to: file, atomically: false, encoding: .utf8)

        for format in ["text", "github"] {
            let r = try Binary.run(["validate", "--manifests", dir.path, "--format", format])
            let output = r.out + r.err
            #expect(r.status == 1)
            #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(format): raw control character")
            #expect(!output.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) }, "\(format): raw DEL or C1")
            #expect(output.contains(#"`\u{1B}]0;pwned\u{07}\u{1B}[2J\u{9B}` is not a valid name"#), "\(format): \(output)")
            #expect(output.contains("…` (3145728 characters) is not a KRaft cluster id"), "\(format)")
            #expect(output.utf8.count < 2000, "\(format): \(output.utf8.count) bytes")
        }
    }
}
