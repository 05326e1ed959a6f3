#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import ProviderAPI
import ReconcileModel
import Testing

/// A fresh directory under the system temp dir, removed after `body` (even when it throws).
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    var template = Array(FileManager.default.temporaryDirectory.appendingPathComponent("fss-test-XXXXXX").path.utf8CString)
    let path = try template.withUnsafeMutableBufferPointer { buffer -> String in
        guard let result = mkdtemp(buffer.baseAddress!) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: result)
    }
    let url = URL(fileURLWithPath: path, isDirectory: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Permission bits (`st_mode & 0o777`) of `path`.
func permissions(_ path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}

/// Every path below `url`, relative, sorted (hidden files included).
func listing(_ url: URL) throws -> [String] {
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    let enumerator = FileManager.default.enumerator(atPath: url.path)
    var result: [String] = []
    while let next = enumerator?.nextObject() as? String { result.append(next) }
    return result.sorted()
}

func writeFile(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(
        atPath: (path as NSString).deletingLastPathComponent,
        withIntermediateDirectories: true
    )
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

func readFile(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

func appendRaw(_ text: String, to path: String) throws {
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(text.utf8))
}

/// The pid of a process that has exited and been reaped, so `kill(pid, 0)` fails with ESRCH.
func deadProcessID() throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/true")
    try process.run()
    process.waitUntilExit()
    return process.processIdentifier
}

let fixedDate = Date(timeIntervalSince1970: 1_750_000_000)

func address(_ name: String, type: String = "kafka.brokerConfig", cluster: String = "c1") -> ResourceAddress {
    ResourceAddress(cluster: cluster, type: type, name: name)
}

func entry(
    _ action: Action,
    _ name: String = "1",
    status: JournalEntry.Status = .succeeded,
    fingerprint: String? = nil,
    run: String = "run-1",
    second: Double = 0
) -> JournalEntry {
    JournalEntry(
        time: fixedDate.addingTimeInterval(second),
        runID: run,
        address: address(name),
        action: action,
        status: status,
        fingerprint: fingerprint
    )
}
