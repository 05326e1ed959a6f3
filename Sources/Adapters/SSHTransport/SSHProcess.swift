import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one ssh client process: argument array only (no local shell), optional stdin bytes, bounded output,
/// a deadline and cancellation (SIGTERM, then SIGKILL after half a second: a multiplexing client only
/// notices SIGTERM once its master next talks to it).
///
/// All I/O happens on one dedicated thread with `poll`, never on the cooperative pool. Stdin is a socket pair
/// written with `MSG_NOSIGNAL`, so a client that exits early cannot kill this process with SIGPIPE. The result
/// is taken when the client exits, not at end-of-file: a ProxyCommand started by a backgrounded control
/// master inherits stderr and would keep it open for the master's lifetime.
struct SSHProcess: Sendable {
    struct Output: Sendable {
        var exitCode: Int32
        /// True when the client died of a signal (`exitCode` is then the signal number).
        var signalled: Bool
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    enum Failure: Error, Equatable {
        case timedOut
        case cancelled
        case outputTooLarge
        case launchFailed(String)
    }

    var executable: String
    var arguments: [String]
    var environment: [String: String]
    var stdin: [UInt8]?
    var timeout: Duration
    var maxStdout: Int
    /// Only the last `maxStderr` bytes are kept.
    var maxStderr = 64 * 1024

    func run() async throws -> Output {
        let flag = CancelFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Output, any Error>) in
                let thread = Thread { continuation.resume(with: Result { try self.runBlocking(flag) }) }
                thread.name = "SSHTransport.ssh"
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }

    private func runBlocking(_ flag: CancelFlag) throws -> Output {
        if flag.isCancelled { throw Failure.cancelled }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        var input: Int32 = -1
        var childInput: FileHandle?
        if stdin != nil {
            var pair: [Int32] = [-1, -1]
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
                throw Failure.launchFailed("socketpair: \(String(cString: strerror(errno)))")
            }
            input = pair[0]
            childInput = FileHandle(fileDescriptor: pair[1], closeOnDealloc: true)
            process.standardInput = childInput
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let exited = Atomic<Bool>(false)
        process.terminationHandler = { _ in exited.store(true, ordering: .releasing) }
        do {
            try process.run()
        } catch {
            if input >= 0 { close(input) }
            throw Failure.launchFailed("cannot start \(executable): \(error.localizedDescription)")
        }
        try? childInput?.close()
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()

        var io = PollLoop(
            stdout: out.fileHandleForReading.fileDescriptor, stderr: err.fileHandleForReading.fileDescriptor,
            stdin: input, pending: stdin ?? [], maxStdout: maxStdout, maxStderr: maxStderr)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var failure: Failure?
        var terminatedAt: ContinuousClock.Instant?
        var killed = false
        let pid = process.processIdentifier
        while true {
            let done = exited.load(ordering: .acquiring)
            io.step(waitMilliseconds: done ? 0 : 20)
            if done {
                io.drain()
                break
            }
            if failure == nil {
                if flag.isCancelled {
                    failure = .cancelled
                } else if io.stdoutOverflow {
                    failure = .outputTooLarge
                } else if clock.now >= deadline {
                    failure = .timedOut
                }
            }
            if failure != nil {
                if terminatedAt == nil {
                    kill(pid, SIGTERM)
                    terminatedAt = clock.now
                } else if !killed, let at = terminatedAt, clock.now - at > .milliseconds(500) {
                    kill(pid, SIGKILL)
                    killed = true
                }
            }
        }
        io.finish()
        try? out.fileHandleForReading.close()
        try? err.fileHandleForReading.close()
        process.waitUntilExit()
        if let failure { throw failure }
        if io.stdoutOverflow { throw Failure.outputTooLarge }
        return Output(
            exitCode: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: io.stdoutBytes, stderr: io.stderrTail)
    }
}

/// Set from the cancellation handler, read by the I/O thread.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .releasing) }
    var isCancelled: Bool { flag.load(ordering: .acquiring) }
}
