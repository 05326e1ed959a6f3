public import ProviderAPI
import Synchronization

/// A fake fleet of hosts holding files in memory, for unit tests of decision logic only (the real transport
/// is tested against real sshd hosts). Records every call; per-host failures can be injected.
public final class InMemoryRemoteHost: RemoteHost, Sendable {
    public struct Write: Sendable, Hashable {
        public var host: String
        public var path: String
        public var backupSuffix: String
    }

    private struct State {
        var files: [String: [String: [UInt8]]] = [:]
        var failures: [String: RemoteError] = [:]
        var reads = 0
        var writes: [Write] = []
    }

    private let state = Mutex(State())

    public init() {}

    public func put(_ contents: String, at path: String, on host: String) {
        state.withLock { $0.files[host, default: [:]][path] = Array(contents.utf8) }
    }

    public func file(_ path: String, on host: String) -> String? {
        state.withLock { $0.files[host]?[path].map { String(decoding: $0, as: UTF8.self) } }
    }

    public func fail(_ host: String, with error: RemoteError?) { state.withLock { $0.failures[host] = error } }
    public var writes: [Write] { state.withLock { $0.writes } }
    public var readCount: Int { state.withLock { $0.reads } }

    public func readFile(_ path: String, on target: SSHTarget) async throws -> [UInt8]? {
        try state.withLock { s in
            s.reads += 1
            if let error = s.failures[target.host] { throw error }
            return s.files[target.host]?[path]
        }
    }

    public func writeFile(_ path: String, contents: [UInt8], on target: SSHTarget, backupSuffix: String) async throws -> String? {
        try state.withLock { s in
            if let error = s.failures[target.host] { throw error }
            s.writes.append(Write(host: target.host, path: path, backupSuffix: backupSuffix))
            let previous = s.files[target.host]?[path]
            if let previous { s.files[target.host]![path + backupSuffix] = previous }
            s.files[target.host, default: [:]][path] = contents
            return previous == nil ? nil : path + backupSuffix
        }
    }

    public func run(_ argv: [String], on target: SSHTarget, timeout: Duration) async throws -> CommandResult {
        try state.withLock { s in
            if let error = s.failures[target.host] { throw error }
            return CommandResult(exitCode: 0)
        }
    }
}
