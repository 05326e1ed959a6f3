import Foundation
import Synchronization

/// Runs a child process to completion with a time limit, collecting stdout and stderr.
///
/// Contract: the output pipes are drained on dedicated threads (never the cooperative pool), so a
/// chatty child cannot block on a full pipe; on timeout or task cancellation the child gets
/// SIGTERM, then SIGKILL one second later, and the call returns at once without waiting for
/// grandchildren that may still hold the pipes.
struct ProcessRunner {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
    }

    enum Failure: Error {
        case cannotLaunch(String)
        case timedOut
        case cancelled
    }

    /// Finds `name` in the `PATH` of `environment`, as a shell would; nil when absent.
    static func find(_ name: String, environment: [String: String]) -> URL? {
        let path = environment["PATH"] ?? ""
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
        }
        return nil
    }

    /// Launching retries briefly on ETXTBSY ("Text file busy"): the executable is still open for writing
    /// somewhere, e.g. being replaced by an upgrade, or inherited by another thread's child between fork and exec.
    static func run(
        _ executable: URL, arguments: [String], environment: [String: String], timeout: Duration
    ) async throws(Failure) -> Output {
        var attempt = 1
        while true {
            do {
                return try await runOnce(executable, arguments: arguments, environment: environment, timeout: timeout)
            } catch .cannotLaunch(let reason) where attempt < 5 && reason.contains("Text file busy") {
                attempt += 1
                try? await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }

    private static func runOnce(
        _ executable: URL, arguments: [String], environment: [String: String], timeout: Duration
    ) async throws(Failure) -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr

        let (exits, exited) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let child = ChildProcess()
        process.terminationHandler = { finished in
            child.markExited()
            exited.yield(finished.terminationStatus)
            exited.finish()
        }
        do {
            try process.run()
        } catch {
            throw .cannotLaunch("\(error)")
        }
        child.started(pid: process.processIdentifier)
        let out = Drain(stdout.fileHandleForReading)
        let err = Drain(stderr.fileHandleForReading)

        let timer = Task {
            try await Task.sleep(for: timeout)
            child.stop()
        }
        let status: Int32? = await withTaskCancellationHandler {
            var iterator = exits.makeAsyncIterator()
            return await iterator.next()
        } onCancel: {
            child.stop()
        }
        timer.cancel()
        if Task.isCancelled { throw .cancelled }
        guard let status, !child.wasStopped else { throw .timedOut }
        return Output(status: status, stdout: await out.result(), stderr: await err.result())
    }
}

/// Signals a child by pid until it is known to have exited (never afterwards: pids get reused).
private final class ChildProcess: Sendable {
    private let state = Mutex((pid: Int32(0), exited: false, stopped: false))

    var wasStopped: Bool { state.withLock { $0.stopped } }

    func started(pid: Int32) { state.withLock { $0.pid = pid } }

    /// Called by the termination handler, after Foundation has reaped the child.
    func markExited() { state.withLock { $0.exited = true } }

    /// SIGTERM now, SIGKILL in a second if still running.
    func stop() {
        guard signal(SIGTERM, markingStopped: true) else { return }
        Thread.detachNewThread { [self] in
            Thread.sleep(forTimeInterval: 1)
            _ = signal(SIGKILL, markingStopped: false)
        }
    }

    /// Signals under the lock, so never after the exit was observed. Returns whether it signalled.
    private func signal(_ number: Int32, markingStopped: Bool) -> Bool {
        state.withLock { state in
            guard !state.exited, state.pid > 0 else { return false }
            if markingStopped { state.stopped = true }
            kill(state.pid, number)
            return true
        }
    }
}

/// Reads a pipe to EOF on its own thread.
private final class Drain: Sendable {
    private let data = Mutex<(Data?, CheckedContinuation<Data, Never>?)>((nil, nil))

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            let bytes = handle.readDataToEndOfFile()
            let waiter = data.withLock { state in
                state.0 = bytes
                return state.1
            }
            waiter?.resume(returning: bytes)
        }
    }

    func result() async -> Data {
        await withCheckedContinuation { continuation in
            let ready = data.withLock { state in
                if state.0 == nil { state.1 = continuation }
                return state.0
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
