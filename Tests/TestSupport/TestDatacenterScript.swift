import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs `scripts/testdc.sh` (and a few read-only tools) with argument arrays, off the cooperative pool.
enum TestDatacenterScript {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var path: String { Repo.root.appendingPathComponent("scripts/testdc.sh").path }

    /// The script's environment: the owner pid lets `testdc.sh gc` tell live datacenters from stale ones.
    private static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TESTDC_OWNER_PID"] = String(getpid())
        return environment
    }

    static func run(_ arguments: [String]) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: runSync(arguments)) }
            thread.start()
        }
    }

    /// For `stop()` in a `defer` and the exit hook: the teardown's own output goes to our stderr.
    static func runBlocking(_ arguments: [String]) {
        let result = runSync(arguments)
        if result.status != 0 {
            FileHandle.standardError.write(Data("testdc.sh \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)\n".utf8))
        }
    }

    static func runSync(_ arguments: [String]) -> Result {
        execute("/bin/bash", [path] + arguments)
    }

    /// stdout of a read-only command (empty on failure).
    static func capture(_ executable: String, _ arguments: [String]) -> String {
        execute(executable, arguments).stdout
    }

    private static func execute(_ executable: String, _ arguments: [String]) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("testdc-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: output.appendingPathExtension("out"))
            try? FileManager.default.removeItem(at: output.appendingPathExtension("err"))
        }
        // Files, not pipes: nothing can block on a full pipe, and a daemon that inherited a descriptor by
        // mistake cannot keep us waiting for end-of-file.
        guard FileManager.default.createFile(atPath: output.appendingPathExtension("out").path, contents: nil),
            FileManager.default.createFile(atPath: output.appendingPathExtension("err").path, contents: nil),
            let out = try? FileHandle(forWritingTo: output.appendingPathExtension("out")),
            let err = try? FileHandle(forWritingTo: output.appendingPathExtension("err"))
        else { return Result(status: -1, stdout: "", stderr: "cannot create output files") }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Result(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)")
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        let stdout = (try? String(contentsOf: output.appendingPathExtension("out"), encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: output.appendingPathExtension("err"), encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
