import Foundation
import ProviderAPI
import SSHTransport
import TestSupport
import Testing

@Suite(
    "OpenSSHRemoteHost: running commands on real sshd hosts", .serialized, .timeLimit(.minutes(3)),
    .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces (runs in CI as root)"))
struct RunTests {
    static let hostileArguments = [
        "'; rm -rf / #", "$(id)", "`id`", "a b  c", "line1\nline2", "", " ", "'", "\"", "\\", "$HOME", "${PATH}",
        "*", "~", "-n", "--", "%h %p %%", "tab\there", "ünïcödé ✓", ";", "|", "&&", ">out", "<in", "#",
        "'\"'\"'", "trailing newline\n",
    ]

    @Test func hostileArgumentsArriveVerbatim() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            for user in [dc.user, "root"] {  // /bin/sh (dash) and bash login shells
                let result = try await remote.run(["printf", "%s\\0"] + Self.hostileArguments, on: dc.target(vm, user: user), timeout: .seconds(20))
                #expect(result.exitCode == 0)
                let received = result.stdout.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
                #expect(received == Self.hostileArguments, "as \(user)")
            }
            // Nothing was created or removed by the arguments.
            #expect(VMFiles(vm).list(".") == ["config"])
            #expect(VMFiles(vm).list("config") == [])
        }
    }

    @Test func stdoutAndStderrAreSeparate() async throws {
        try await withDatacenter { dc, remote in
            let result = try await remote.run(["sh", "-c", "echo out; echo err >&2"], on: dc.target(dc.vms[0]), timeout: .seconds(20))
            #expect(result.stdout == bytes("out\n"))
            #expect(result.stderr == bytes("err\n"))
        }
    }

    @Test func nonZeroExitIsCommandFailedWithTheStderrTail() async throws {
        try await withDatacenter { dc, remote in
            let script = "i=1; while [ $i -le 50 ]; do echo \"problem $i\" >&2; i=$((i+1)); done; echo stdout-is-not-reported; exit 7"
            let error = await thrownError { _ = try await remote.run(["sh", "-c", script], on: dc.target(dc.vms[0]), timeout: .seconds(20)) }
            guard case .commandFailed(let host, let code, let tail)? = error as? RemoteError else {
                Issue.record("expected commandFailed, got \(String(describing: error))")
                return
            }
            #expect(host == dc.vms[0].ip)
            #expect(code == 7)
            let lines = tail.split(separator: "\n")
            #expect(lines.count == 20)
            #expect(lines.first == "problem 31")
            #expect(lines.last == "problem 50")
            #expect(!tail.contains("stdout-is-not-reported"))

            // A remote exit status of 255 is the command's, not an ssh failure.
            let e255 = await thrownError { _ = try await remote.run(["sh", "-c", "echo bye >&2; exit 255"], on: dc.target(dc.vms[0]), timeout: .seconds(20)) }
            #expect(e255 as? RemoteError == .commandFailed(host: dc.vms[0].ip, exitCode: 255, stderrTail: "bye"))

            let missing = await thrownError { _ = try await remote.run(["no-such-command-xyz"], on: dc.target(dc.vms[0]), timeout: .seconds(20)) }
            guard case .commandFailed(_, 127, _)? = missing as? RemoteError else {
                Issue.record("expected exit 127, got \(String(describing: missing))")
                return
            }
        }
    }

    @Test func slowCommandTimesOut() async throws {
        try await withDatacenter { dc, remote in
            let target = dc.target(dc.vms[0])
            _ = try await remote.run(["true"], on: target, timeout: .seconds(20))  // connection already up
            let error = await thrownError { _ = try await remote.run(["sleep", "30"], on: target, timeout: .seconds(1)) }
            #expect(error as? RemoteError == .timeout(host: target.host, seconds: 1))
            // The connection is still usable afterwards.
            #expect(try await remote.run(["echo", "ok"], on: target, timeout: .seconds(20)).stdout == bytes("ok\n"))
            // A timeout also covers connecting: a fresh instance, so there is no master yet.
            let fresh = OpenSSHRemoteHost()
            let cold = await thrownError { _ = try await fresh.run(["sleep", "30"], on: target, timeout: .milliseconds(1500)) }
            #expect(cold as? RemoteError == .timeout(host: target.host, seconds: 1.5))
            await shutDown(fresh)
        }
    }

    @Test func cancellationStopsTheCommand() async throws {
        try await withDatacenter { dc, remote in
            let target = dc.target(dc.vms[0])
            let task = Task { try await remote.run(["sleep", "30"], on: target, timeout: .seconds(60)) }
            try await Task.sleep(for: .milliseconds(500))
            task.cancel()
            let error = await thrownError { _ = try await task.value }
            #expect(error is CancellationError)

            let early = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await remote.run(["touch", "should-not-exist"], on: target, timeout: .seconds(20))
            }
            #expect(await thrownError { _ = try await early.value } is CancellationError)
            #expect(VMFiles(dc.vms[0]).read("should-not-exist") == nil)
        }
    }

    @Test func outputIsBounded() async throws {
        try await withDatacenter(remote: OpenSSHRemoteHost(maxOutputBytes: 10_000)) { dc, remote in
            let error = await thrownError { _ = try await remote.run(["head", "-c", "1000000", "/dev/zero"], on: dc.target(dc.vms[0]), timeout: .seconds(20)) }
            guard case .other(_, let detail)? = error as? RemoteError else {
                Issue.record("expected .other, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("10000"))
            let exact = try await remote.run(["head", "-c", "10000", "/dev/zero"], on: dc.target(dc.vms[0]), timeout: .seconds(20))
            #expect(exact.stdout.count == 10_000)
        }
    }
}
