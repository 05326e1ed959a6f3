import Foundation
import ProviderAPI
@testable import SSHTransport
import Testing

@Suite("SSHTransport: failure classification and the host limiter (no network)")
struct ClassifierAndLimiterTests {
    func classify(_ stderr: String, exit: Int32 = 255) -> RemoteError? {
        SSHFailureClassifier.classify(exitCode: exit, signalled: false, stderr: Array(stderr.utf8), host: "h")
    }

    @Test func sshFailuresByTheirMessages() {
        let mismatch = """
            @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r
            @    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r
            @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r
            IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r
            Offending ED25519 key in /kh:1\r
            Host key for 10.0.0.1 has changed and you have requested strict checking.\r
            Host key verification failed.\r

            """
        guard case .hostKeyMismatch(_, let detail)? = classify(mismatch) else {
            Issue.record("mismatch")
            return
        }
        #expect(detail.contains("Offending ED25519 key in /kh:1"))
        guard case .hostKeyUnknown? = classify("No ED25519 host key is known for 10.0.0.1 and you have requested strict checking.\r\nHost key verification failed.\r\n") else {
            Issue.record("unknown")
            return
        }
        guard case .authenticationFailed? = classify("kafka@10.0.0.1: Permission denied (publickey).\r\n") else {
            Issue.record("auth")
            return
        }
        for unreachable in [
            "ssh: connect to host 10.0.0.1 port 22: Connection refused\r\n",
            "ssh: connect to host 10.0.0.1 port 22: No route to host\r\n",
            "ssh: Could not resolve hostname broker-9: Name or service not known\r\n",
            "ssh: connect to host 10.0.0.1 port 22: Connection timed out\r\n",
            "ssh: connect to host 10.0.0.1 port 22: Network is unreachable\r\n",
            "channel 0: open failed: connect failed: No route to host\r\nstdio forwarding failed\r\nkex_exchange_identification: Connection closed by remote host\r\n",
            "Timeout, server 10.0.0.1 not responding.\r\n",
        ] {
            guard case .unreachable? = classify(unreachable) else {
                Issue.record("not unreachable: \(unreachable)")
                continue
            }
        }
    }

    @Test func remoteExitStatusesAreCommandFailures() {
        #expect(classify("", exit: 0) == nil)
        #expect(classify("cat: x: Permission denied\n", exit: 1) == .commandFailed(host: "h", exitCode: 1, stderrTail: "cat: x: Permission denied"))
        // 255 from the command itself, with nothing that looks like ssh.
        #expect(classify("custom failure\n") == .commandFailed(host: "h", exitCode: 255, stderrTail: "custom failure"))
        // ssh-looking text with another status is still the command's.
        #expect(classify("Connection refused\n", exit: 7) == .commandFailed(host: "h", exitCode: 7, stderrTail: "Connection refused"))
        let long = (1...50).map { "l\($0)" }.joined(separator: "\n")
        guard case .commandFailed(_, _, let tail)? = classify(long, exit: 2) else {
            Issue.record("tail")
            return
        }
        #expect(tail == (31...50).map { "l\($0)" }.joined(separator: "\n"))
        #expect(SSHFailureClassifier.classify(exitCode: 9, signalled: true, stderr: [], host: "h") == .other(host: "h", detail: "the ssh client was killed by signal 9"))
    }

    @Test func lostMasterRaceIsNotAFailure() {
        let stderr = Array("ControlSocket /tmp/kpl-ssh-x/0123 already exists, disabling multiplexing\nreal warning\n".utf8)
        #expect(SSHFailureClassifier.removingClientNoise(stderr) == Array("real warning\n".utf8))
        #expect(SSHFailureClassifier.removingClientNoise(Array("plain\n".utf8)) == Array("plain\n".utf8))
        #expect(classify("ControlSocket /tmp/x/1 already exists, disabling multiplexing\nboom\n", exit: 3) == .commandFailed(host: "h", exitCode: 3, stderrTail: "boom"))
    }

    @Test func limiterBoundsHostsAndSessionsPerHost() async throws {
        let limiter = HostLimiter(maxHosts: 2, maxPerHost: 2)
        let peak = PeakCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                let host = "h\(index % 4)"
                group.addTask {
                    try await limiter.withSlot(for: host) {
                        let snapshot = await limiter.snapshot
                        peak.record(hosts: snapshot.count, perHost: snapshot.values.max() ?? 0)
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.hosts == 2)
        #expect(peak.perHost <= 2)
        #expect(await limiter.snapshot.isEmpty)
    }

    @Test func waitingForASlotIsCancellable() async throws {
        let limiter = HostLimiter(maxHosts: 1, maxPerHost: 1)
        try await limiter.acquire("busy")
        let waiting = Task { try await limiter.withSlot(for: "other") { 1 } }
        try await Task.sleep(for: .milliseconds(100))
        waiting.cancel()
        #expect(await thrownError { _ = try await waiting.value } is CancellationError)
        await limiter.release("busy")
        #expect(try await limiter.withSlot(for: "other") { 2 } == 2)
        #expect(await limiter.snapshot.isEmpty)
    }
}

/// The largest values seen, from many tasks.
final class PeakCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var maxHosts = 0
    private var maxPerHost = 0

    func record(hosts: Int, perHost: Int) {
        lock.withLock {
            maxHosts = max(maxHosts, hosts)
            maxPerHost = max(maxPerHost, perHost)
        }
    }

    var hosts: Int { lock.withLock { maxHosts } }
    var perHost: Int { lock.withLock { maxPerHost } }
}
