import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide bookkeeping of test datacenters: unique names, the set still running (stopped at exit), the
/// one-time sweep of datacenters left by dead test processes, and whether this machine can run them at all.
enum TestDatacenterRegistry {
    private struct State {
        var counter = 0
        var running: Set<String> = []
        var hookInstalled = false
        var swept = false
    }

    private static let state = Mutex(State())

    /// `t` + pid + counter in base 36: unique among live processes, at most 10 characters (interface names
    /// derived from it must fit Linux's 15).
    static func nextName() -> String {
        let counter = state.withLock { state in
            state.counter += 1
            return state.counter
        }
        return "t" + String(getpid(), radix: 36) + String(counter, radix: 36)
    }

    static func register(_ name: String) {
        let install = state.withLock { state in
            state.running.insert(name)
            defer { state.hookInstalled = true }
            return !state.hookInstalled
        }
        if install { atexit { TestDatacenterRegistry.stopAllAtExit() } }
    }

    static func unregister(_ name: String) {
        _ = state.withLock { $0.running.remove(name) }
    }

    private static func stopAllAtExit() {
        let names = state.withLock { state in
            defer { state.running = [] }
            return state.running
        }
        for name in names.sorted() {
            FileHandle.standardError.write(Data("TestDatacenter: \(name) was not stopped by its test; stopping it at exit\n".utf8))
            TestDatacenterScript.runBlocking(["down", name])
        }
    }

    /// Removes datacenters whose owner process is gone (a test run that was killed), once per process.
    static func collectStaleOnce() {
        let first = state.withLock { state in
            defer { state.swept = true }
            return !state.swept
        }
        if first { TestDatacenterScript.runBlocking(["gc"]) }
    }

    static let unavailableReason: String? = {
        var reasons: [String] = []
        if geteuid() != 0 { reasons.append("not running as root (network and mount namespaces need it)") }
        let tools = ["/usr/sbin/sshd", "/usr/bin/ssh", "/usr/bin/ssh-keygen", "/usr/sbin/ip", "/usr/bin/unshare", "/bin/bash"]
        let missing = tools.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        if !missing.isEmpty { reasons.append("missing \(missing.joined(separator: ", ")) (apt-get install openssh-client openssh-server iproute2 util-linux)") }
        if !FileManager.default.fileExists(atPath: TestDatacenterScript.path) { reasons.append("missing \(TestDatacenterScript.path)") }
        guard !reasons.isEmpty else { return nil }
        let reason = reasons.joined(separator: "; ")
        let banner = String(repeating: "!", count: 78)
        FileHandle.standardError.write(Data("""
            \(banner)
            WARNING: tests against real SSH hosts (TestDatacenter) did NOT run: \(reason).
            They run in CI, as root. Run `swift test` as root to run them here.
            \(banner)

            """.utf8))
        return reason
    }()
}
