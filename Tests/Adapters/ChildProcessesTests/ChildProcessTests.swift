import ChildProcesses
import Foundation
import Testing

/// `ChildProcess` against real children (`/bin/sh`): what the ssh and az adapters rely on. Deadlines are generous
/// except where a test is about the deadline: in the parallel CI run other suites hold the cooperative pool, and a
/// child there once took 40 s to be collected.
@Suite("ChildProcess: swift-subprocess with deadlines, bounds and cancellation")
struct ChildProcessTests {
    let environment = ["PATH": "/usr/bin:/bin"]

    func shell(_ script: String, stdin: [UInt8]? = nil, timeout: Duration = .seconds(120), maxStdout: Int = 1 << 20, maxStderr: Int = 64 * 1024)
        -> ChildProcess
    {
        ChildProcess(
            executable: "/bin/sh", arguments: ["-c", script], environment: environment, stdin: stdin, timeout: timeout,
            maxStdout: maxStdout, maxStderr: maxStderr)
    }

    @Test func collectsStdoutStderrAndTheExitCode() async throws {
        let output = try await shell("printf out; printf err >&2; exit 3").run()
        #expect(output == ChildProcess.Output(exitCode: 3, signalled: false, stdout: Array("out".utf8), stderr: Array("err".utf8)))
    }

    @Test func stdinBytesReachTheChildAndArgumentsAreNotReparsed() async throws {
        let output = try await ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "cat; printf '%s' \"$1\"", "sh", "a b; $(x)"], environment: environment,
            stdin: Array("input\n".utf8), timeout: .seconds(120), maxStdout: 1024
        ).run()
        #expect(String(decoding: output.stdout, as: UTF8.self) == "input\na b; $(x)")
    }

    @Test func aChildThatDoesNotReadItsStdinDoesNotKillThisProcess() async throws {
        let output = try await shell("exit 0", stdin: [UInt8](repeating: 0x61, count: 1 << 20)).run()
        #expect(output.exitCode == 0)
    }

    @Test func theEnvironmentIsExactlyTheOneGiven() async throws {
        let output = try await ChildProcess(
            executable: "/usr/bin/env", arguments: [], environment: ["ONLY": "this"], timeout: .seconds(120), maxStdout: 1024
        ).run()
        #expect(String(decoding: output.stdout, as: UTF8.self) == "ONLY=this\n")
    }

    @Test func theWorkingDirectoryIsSet() async throws {
        var process = shell("pwd")
        process.workingDirectory = "/tmp"
        #expect(String(decoding: try await process.run().stdout, as: UTF8.self) == "/tmp\n")
    }

    @Test func aSignalledChildIsReportedAsSuch() async throws {
        let output = try await shell("kill -9 $$").run()
        #expect(output.signalled && output.exitCode == 9)
    }

    /// A file the child writes its pid (or a grandchild's) to; the checks below look at processes, not at the
    /// clock, so a loaded machine cannot fail them.
    func pidFile() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString).pid").path }

    func readPID(_ path: String) throws -> pid_t { try #require(writtenPID(path)) }

    /// The pid once the child has written it (the file can exist, empty, before `echo` writes): for polling, which
    /// must not record an issue while it waits.
    func writtenPID(_ path: String) -> pid_t? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    /// Whether `pid` still runs (a zombie counts as gone: swift-subprocess reaps its own child).
    func alive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !stat.contains(") Z ")
    }

    @Test func theResultIsTakenAtExitEvenWhenAGrandchildHoldsStderr() async throws {
        let file = pidFile()
        // The grandchild keeps the stderr pipe open, as a ProxyCommand under a backgrounded ssh master does.
        let output = try await shell("sleep 300 >/dev/null & echo $! > \(file); printf done; printf note >&2").run()
        let grandchild = try readPID(file)
        defer { kill(grandchild, SIGKILL) }
        #expect(output.stdout == Array("done".utf8) && output.stderr == Array("note".utf8))
        #expect(alive(grandchild), "the call returned while the grandchild still holds stderr")
    }

    @Test func theDeadlineStopsTheChild() async throws {
        let file = pidFile()
        await #expect(throws: ChildProcess.Failure.timedOut) {
            try await shell("echo $$ > \(file); exec sleep 300", timeout: .milliseconds(300)).run()
        }
        #expect(!alive(try readPID(file)))
    }

    @Test func aChildIgnoringSIGTERMIsKilledAfterTheGracePeriod() async throws {
        let file = pidFile()
        await #expect(throws: ChildProcess.Failure.timedOut) {
            try await shell("trap '' TERM; echo $$ > \(file); while :; do sleep 1; done", timeout: .milliseconds(300)).run()
        }
        #expect(!alive(try readPID(file)))
    }

    @Test func cancellationStopsTheChild() async throws {
        let file = pidFile()
        let task = Task { try await shell("echo $$ > \(file); exec sleep 300").run() }
        while writtenPID(file) == nil { try await Task.sleep(for: .milliseconds(20)) }
        task.cancel()
        await #expect(throws: ChildProcess.Failure.cancelled) { try await task.value }
        #expect(!alive(try readPID(file)))
    }

    @Test func stdoutOverTheBoundIsAnError() async throws {
        await #expect(throws: ChildProcess.Failure.outputTooLarge) {
            try await shell("head -c 100000 /dev/zero", maxStdout: 1000).run()
        }
    }

    @Test func onlyTheTailOfStderrIsKept() async throws {
        let output = try await shell("head -c 200000 /dev/zero >&2; printf END >&2", maxStderr: 100).run()
        #expect(output.stderr.count == 100 && output.stderr.suffix(3) == Array("END".utf8))
    }

    @Test func aMissingExecutableIsALaunchFailure() async throws {
        await #expect {
            try await ChildProcess(executable: "/nonexistent/tool", arguments: [], environment: [:], timeout: .seconds(120), maxStdout: 10).run()
        } throws: { error in
            guard case .launchFailed(let reason) = error as? ChildProcess.Failure else { return false }
            return reason.contains("/nonexistent/tool")
        }
    }

    @Test func findLooksUpThePath() {
        #expect(ChildProcess.find("sh", environment: environment) == "/usr/bin/sh")
        #expect(ChildProcess.find("/bin/sh", environment: [:]) == "/bin/sh")
        #expect(ChildProcess.find("no-such-tool-here", environment: environment) == nil)
        #expect(ChildProcess.find("tmp", environment: ["PATH": "/"]) == nil)
    }
}

extension ChildProcessTests {
    /// A long-lived reconciler runs thousands of children: none of them may leave a descriptor behind. Other
    /// suites open descriptors concurrently, so the bound is loose (300 runs leaking would add 600 or more) and the
    /// stdin files, ours alone, are checked exactly.
    @Test func manyRunsLeaveNoDescriptorBehind() async throws {
        // Listing /proc/self/fd races with other suites opening and closing descriptors: a failed listing is retried.
        func descriptors() throws -> [String] {
            for attempt in 1... {
                do {
                    return try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").map {
                        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? ""
                    }
                } catch where attempt < 5 {
                    continue
                }
            }
            return []
        }
        _ = try await shell("printf warm").run()
        let before = try descriptors().count
        for index in 0..<300 {
            _ = try await shell(index % 3 == 0 ? "cat >/dev/null; printf x >&2" : "printf x", stdin: index % 3 == 0 ? [1, 2, 3] : nil).run()
        }
        _ = try? await shell("sleep 5", stdin: [1], timeout: .milliseconds(50)).run()
        let after = try descriptors()
        #expect(after.count < before + 100)
        #expect(!after.contains { $0.contains("child-stdin-") })
    }
}
