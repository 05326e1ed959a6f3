import Foundation
import Subprocess
import Timers

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One child process run to completion through swift-subprocess: an argument array (no shell), an optional
/// environment and working directory, optional stdin bytes, a deadline, bounded output and cancellation.
///
/// Contract:
/// - The result is taken when the child exits, not when its pipes reach end-of-file: a grandchild that
///   inherited stderr (ssh's ProxyCommand under a backgrounded control master) cannot hold the call open.
///   swift-subprocess cancels the pending reads once the child is reaped and hands back what was buffered.
/// - On the deadline or on task cancellation the child gets SIGTERM, then SIGKILL after `gracePeriod`, and the
///   call throws `.timedOut` or `.cancelled`, never a result.
/// - stdout is capped at `maxStdout` bytes (over it: `.outputTooLarge`, the child is stopped); of stderr only the
///   last `maxStderr` bytes are kept, however much the child writes.
/// - A launch that fails with ETXTBSY (the executable still open for writing somewhere) is retried briefly.
/// - stdin bytes are handed over as an unlinked temporary file, so a child that never reads them cannot block or
///   break anything (see `unlinkedFile(holding:)`).
public struct ChildProcess: Sendable {
    public struct Output: Sendable, Equatable {
        public var exitCode: Int32
        /// True when the child died of a signal (`exitCode` is then the signal number).
        public var signalled: Bool
        public var stdout: [UInt8]
        /// The last `maxStderr` bytes the child wrote to stderr.
        public var stderr: [UInt8]

        public init(exitCode: Int32, signalled: Bool, stdout: [UInt8], stderr: [UInt8]) {
            self.exitCode = exitCode
            self.signalled = signalled
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    public enum Failure: Error, Equatable {
        case timedOut
        case cancelled
        case outputTooLarge
        case launchFailed(String)
    }

    /// An absolute path (see `find(_:environment:)`).
    public var executable: String
    public var arguments: [String]
    /// The child's whole environment (nothing is inherited implicitly).
    public var environment: [String: String]
    public var workingDirectory: String?
    /// nil: stdin is /dev/null.
    public var stdin: [UInt8]?
    public var timeout: Duration
    public var maxStdout: Int
    public var maxStderr: Int
    /// Between SIGTERM and SIGKILL.
    public var gracePeriod: Duration

    public init(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        stdin: [UInt8]? = nil, timeout: Duration, maxStdout: Int, maxStderr: Int = 64 * 1024,
        gracePeriod: Duration = .milliseconds(500)
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.stdin = stdin
        self.timeout = timeout
        self.maxStdout = maxStdout
        self.maxStderr = maxStderr
        self.gracePeriod = gracePeriod
    }

    /// Finds `name` in the `PATH` of `environment`, as a shell would; a name with a slash is taken as a path.
    /// nil when absent or not executable.
    public static func find(_ name: String, environment: [String: String]) -> String? {
        let manager = FileManager.default
        func executable(_ path: String) -> Bool {
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && manager.isExecutableFile(atPath: path)
        }
        if name.contains("/") { return executable(name) ? name : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first(where: executable)
    }

    public func run() async throws(Failure) -> Output {
        var attempt = 1
        while true {
            do {
                return try await runOnce()
            } catch .launchFailed(let reason) where attempt < 5 && reason.contains("Text file busy") {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }

    private func runOnce() async throws(Failure) -> Output {
        if Task.isCancelled { throw .cancelled }
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: gracePeriod)]
        var keys: [Environment.Key: String] = [:]
        for (name, value) in environment {
            guard let key = Environment.Key(rawValue: name) else { continue }
            keys[key] = value
        }
        let configuration = Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(arguments), environment: .custom(keys),
            workingDirectory: workingDirectory.map { FilePath($0) }, platformOptions: options)

        // The deadline races the run; whichever ends first cancels the other. A cancelled run still returns
        // (swift-subprocess tears the child down and reaps it), so the deadline and the caller's cancellation,
        // not the run's outcome, decide what is thrown.
        enum Event: Sendable {
            case finished(Result<Output, any Error>)
            case deadline
            case timerStopped
        }
        let (outcome, timedOut) = await withTaskGroup(of: Event.self) { group in
            group.addTask { .finished(await self.collect(configuration)) }
            // Timers.sleep: a finished run cancels the deadline, and a cancelled Task.sleep would stay resident
            // until the deadline.
            group.addTask { (try? await Timers.sleep(for: self.timeout)) == nil ? .timerStopped : .deadline }
            var outcome: Result<Output, any Error>?
            var timedOut = false
            for await event in group {
                switch event {
                case .finished(let result):
                    outcome = result
                    group.cancelAll()
                case .deadline:
                    timedOut = outcome == nil
                    group.cancelAll()
                case .timerStopped: break
                }
            }
            return (outcome, timedOut)
        }
        if Task.isCancelled { throw .cancelled }
        if timedOut { throw .timedOut }
        switch outcome {
        case .success(let output): return output
        case .failure(let error as SubprocessError) where error.code == .outputLimitExceeded: throw .outputTooLarge
        case .failure(let error as SubprocessError) where error.code == .spawnFailed || error.code == .executableNotFound
            || error.code == .failedToChangeWorkingDirectory:
            throw .launchFailed("cannot start \(executable): \(Self.describe(error))")
        case .failure(let error): throw .launchFailed("\(executable): \(Self.describe(error))")
        case nil: throw .cancelled
        }
    }

    private func collect(_ configuration: Configuration) async -> Result<Output, any Error> {
        let tailLimit = maxStderr
        do {
            let result =
                if let stdin {
                    try await Subprocess.run(
                        configuration, input: .fileDescriptor(try Self.unlinkedFile(holding: stdin), closeAfterSpawningProcess: true),
                        output: .bytes(limit: maxStdout), error: .sequence
                    ) { await Self.tail(of: $0.standardError, keeping: tailLimit) }
                } else {
                    try await Subprocess.run(configuration, input: .none, output: .bytes(limit: maxStdout), error: .sequence) {
                        await Self.tail(of: $0.standardError, keeping: tailLimit)
                    }
                }
            let (code, signalled): (Int32, Bool) =
                switch result.terminationStatus {
                case .exited(let code): (code, false)
                case .signaled(let signal): (signal, true)
                }
            return .success(Output(exitCode: code, signalled: signalled, stdout: result.standardOutput, stderr: result.closureResult))
        } catch {
            return .failure(error)
        }
    }

    /// The stdin bytes in an unlinked temporary file, positioned at its start. Not `.array(_:)`: swift-subprocess
    /// 1.0.2 stops the whole process with "FileDescriptor ... was not closed" when the child exits without
    /// reading its stdin pipe (swiftlang/swift-subprocess#367, open), which ssh does whenever it fails before the
    /// remote command starts. A file
    /// never blocks and never breaks.
    private static func unlinkedFile(holding bytes: [UInt8]) throws -> FileDescriptor {
        let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(directory)/child-stdin-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure.launchFailed("cannot create a file for the child's stdin in \(directory): \(String(cString: strerror(errno)))") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let descriptor = FileDescriptor(rawValue: fd)
        do {
            _ = try descriptor.writeAll(bytes)
            _ = try descriptor.seek(offset: 0, from: .start)
        } catch {
            try? descriptor.close()
            throw Failure.launchFailed("cannot write the child's stdin: \(error)")
        }
        return descriptor
    }

    /// Reads the stream to its end (or until swift-subprocess cancels the read because the child exited),
    /// keeping the last `limit` bytes.
    private static func tail(of stream: SubprocessOutputSequence, keeping limit: Int) async -> [UInt8] {
        var kept: [UInt8] = []
        do {
            for try await buffer in stream {
                buffer.withUnsafeBytes { kept.append(contentsOf: $0) }
                if kept.count > 2 * limit { kept.removeFirst(kept.count - limit) }
            }
        } catch {
            // The read was cancelled (the child exited while a grandchild holds the pipe) or failed; what was read stays.
        }
        return kept.count > limit ? Array(kept.suffix(limit)) : kept
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? SubprocessError, let underlying = error.underlyingError {
            return String(cString: strerror(underlying.rawValue))
        }
        return "\(error)"
    }
}
