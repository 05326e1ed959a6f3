public import Foundation

/// Runs one of the repository's Python scripts with the project venv's interpreter (`.build-venv`, made by
/// `scripts/setup.sh`; `KAFKA_SIM_PYTHON` overrides it).
///
/// Contract: throws (never skips) when the interpreter is missing, naming the fix. Standard output and error are
/// read concurrently, so neither pipe can fill up and block the script.
public enum PythonScript {
    /// The exit status and output of one run.
    public struct Run: Sendable, CustomStringConvertible {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String
    }

    /// The venv's python.
    public static func python() throws -> String {
        let path = ProcessInfo.processInfo.environment["KAFKA_SIM_PYTHON"] ?? Repo.root.appendingPathComponent(".build-venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw Missing(description: "no Python venv at \(path): run scripts/setup.sh (it installs jsonschema and the cloud SDKs into .build-venv)")
        }
        return path
    }

    /// Runs `executable` with `arguments`, reading stdout here and stderr on another thread.
    public static func execute(_ executable: String, _ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let (out, err) = (Pipe(), Pipe())
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stderr = Collected()
        let reader = Thread {
            stderr.finish(err.fileHandleForReading.readDataToEndOfFile())
        }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr.wait(), as: UTF8.self))
    }
}

/// Bytes one thread produces and another awaits.
final class Collected: @unchecked Sendable {
    private let condition = NSCondition()
    private var data: Data?

    func finish(_ value: Data) {
        condition.lock()
        data = value
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> Data {
        condition.lock()
        defer { condition.unlock() }
        while data == nil { condition.wait() }
        return data ?? Data()
    }
}
