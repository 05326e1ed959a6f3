/// How to reach one VM over SSH. Values come from the cluster manifest; nothing here is pasted into a shell.
public struct SSHTarget: Sendable, Hashable, CustomStringConvertible {
    public enum HostKeyPolicy: String, Sendable, Hashable {
        /// Only keys already in `knownHostsFile` (`StrictHostKeyChecking=yes`). The default.
        case strict
        /// Record an unknown host on first contact (`accept-new`); a changed key still fails.
        case acceptNew
    }

    public var host: String
    public var port: Int
    public var user: String
    public var identityFile: String?
    /// `[user@]host[:port]` of a bastion (OpenSSH ProxyJump).
    public var jumpHost: String?
    public var knownHostsFile: String?
    public var hostKeyPolicy: HostKeyPolicy
    public var connectTimeoutSeconds: Int

    public init(
        host: String, port: Int = 22, user: String, identityFile: String? = nil, jumpHost: String? = nil,
        knownHostsFile: String? = nil, hostKeyPolicy: HostKeyPolicy = .strict, connectTimeoutSeconds: Int = 10
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.identityFile = identityFile
        self.jumpHost = jumpHost
        self.knownHostsFile = knownHostsFile
        self.hostKeyPolicy = hostKeyPolicy
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    public var description: String { "\(user)@\(host):\(port)" + (jumpHost.map { " via \($0)" } ?? "") }
}

/// What a remote command returned.
public struct CommandResult: Sendable, Hashable {
    public var exitCode: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]

    public init(exitCode: Int32, stdout: [UInt8] = [], stderr: [UInt8] = []) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Why a remote operation failed, classified so the plan can explain it and callers know whether retrying helps.
public enum RemoteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No TCP connection (refused, no route, DNS) to the host or its jump host.
    case unreachable(host: String, detail: String)
    /// The server refused every key offered.
    case authenticationFailed(host: String, detail: String)
    /// The host presented a key different from the one in known_hosts. Never bypassed.
    case hostKeyMismatch(host: String, detail: String)
    /// The host is not in known_hosts and the policy is strict.
    case hostKeyUnknown(host: String, detail: String)
    /// The connection or the command did not finish in time.
    case timeout(host: String, seconds: Double)
    /// The command ran and exited non-zero.
    case commandFailed(host: String, exitCode: Int32, stderrTail: String)
    /// Anything else (the ssh client itself failed to start, a protocol error, ...).
    case other(host: String, detail: String)

    public var host: String {
        switch self {
        case .unreachable(let h, _), .authenticationFailed(let h, _), .hostKeyMismatch(let h, _), .hostKeyUnknown(let h, _),
            .timeout(let h, _), .commandFailed(let h, _, _), .other(let h, _):
            h
        }
    }

    /// Transient failures (unreachable, timeout) may succeed later; the others need a person.
    public var isRetryable: Bool {
        switch self {
        case .unreachable, .timeout: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let h, let d): "cannot reach \(h): \(d)"
        case .authenticationFailed(let h, let d): "authentication to \(h) failed: \(d)"
        case .hostKeyMismatch(let h, let d): "host key of \(h) does not match known_hosts (possible man-in-the-middle; not bypassed): \(d)"
        case .hostKeyUnknown(let h, let d): "host key of \(h) is not in known_hosts and hostKeyPolicy is strict: \(d)"
        case .timeout(let h, let s): "\(h) did not answer within \(s) s"
        case .commandFailed(let h, let code, let tail): "command on \(h) exited \(code): \(tail)"
        case .other(let h, let d): "\(h): \(d)"
        }
    }
}

/// Files and commands on a broker VM. The production implementation drives the system OpenSSH client; a local
/// one stands in for SSH in the sandbox.
///
/// Contract:
/// - `readFile` never mutates anything. A missing file is `nil`, not an error.
/// - `writeFile` is atomic on the host: a temp file in the same directory, fsync, rename; the previous file is
///   kept as `<path><backupSuffix>` and its mode and owner are carried over. Writing identical content again
///   is harmless (idempotent apart from a new backup).
/// - `run` takes an argv array; every element reaches the remote program as one argument, whatever it contains.
/// - All three honour task cancellation and throw `RemoteError`.
public protocol RemoteHost: Sendable {
    func readFile(_ path: String, on target: SSHTarget) async throws -> [UInt8]?
    /// Returns the backup's path, or nil when there was no previous file.
    func writeFile(_ path: String, contents: [UInt8], on target: SSHTarget, backupSuffix: String) async throws -> String?
    func run(_ argv: [String], on target: SSHTarget, timeout: Duration) async throws -> CommandResult
}
