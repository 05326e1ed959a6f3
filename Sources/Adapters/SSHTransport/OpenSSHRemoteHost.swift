public import ProviderAPI
import Foundation
import ChildProcesses
import Synchronization

/// ``RemoteHost`` over the system OpenSSH client (`ssh`), run with argument arrays (no local shell).
///
/// - Every connection is non-interactive (`BatchMode=yes`) and checks host keys against `knownHostsFile`
///   (`StrictHostKeyChecking=yes`, or `accept-new` for ``SSHTarget/HostKeyPolicy/acceptNew``; never `no`).
/// - Connections are multiplexed (`ControlMaster=auto`, `ControlPersist`) through sockets in a private 0700
///   directory of this instance, so a pass over many brokers costs one handshake per host. Call
///   ``shutdown()`` when done: it closes the masters and removes the directory.
/// - A jump host is reached with the same options as the target (see ``SSHCommandLine``), itself multiplexed.
/// - Remote commands are fixed `sh` scripts with every argument single-quoted into one word
///   (``shellQuote(_:)``); ``run(_:on:timeout:)`` executes its argv exactly.
/// - Every call has a deadline (the `run` argument; `fileTimeout` for reads and writes) that starts once a
///   slot is held; at most `maxConcurrentHosts` hosts are worked on at once. On timeout or task
///   cancellation the client gets SIGTERM, then SIGKILL. Cancellation throws `CancellationError`.
/// - Errors are ``RemoteError``s built from ssh's exit status and stderr only; file contents never appear
///   in them, and nothing is logged.
/// - `run` throws ``RemoteError/commandFailed(host:exitCode:stderrTail:)`` when the command exits non-zero,
///   so a returned ``CommandResult`` always has exit code 0.
///
/// The remote login shell must be a POSIX shell (sh, dash, bash, ksh, zsh); relative paths are relative to
/// the remote user's home directory.
public final class OpenSSHRemoteHost: RemoteHost {
    public let sshPath: String
    public let configFile: String?
    public let extraOptions: [String]
    public let maxConcurrentHosts: Int
    public let fileTimeout: Duration
    public let maxFileBytes: Int
    public let maxOutputBytes: Int

    let limiter: HostLimiter
    let control: ControlDirectory
    let commandLine: SSHCommandLine
    private let resolvedSSH = Mutex<String?>(nil)

    /// - Parameters:
    ///   - sshPath: the client; a bare name is looked up in `PATH`.
    ///   - configFile: `ssh -F`; nil keeps `~/.ssh/config` and `/etc/ssh/ssh_config`.
    ///   - extraOptions: `Key=Value` options passed as `-o`, after the fixed ones (which therefore win).
    ///   - maxConcurrentHosts: hosts worked on at once; `maxSessionsPerHost` bounds operations on one host.
    ///   - fileTimeout: deadline of each `readFile` and `writeFile`.
    ///   - maxFileBytes: largest file read or written; `maxOutputBytes`: largest stdout of `run`.
    ///   - controlPersistSeconds: how long an idle master connection stays open.
    public init(
        sshPath: String = "ssh", configFile: String? = nil, extraOptions: [String] = [], maxConcurrentHosts: Int = 16,
        maxSessionsPerHost: Int = 4, fileTimeout: Duration = .seconds(30), maxFileBytes: Int = 16 << 20,
        maxOutputBytes: Int = 16 << 20, controlPersistSeconds: Int = 60
    ) {
        self.sshPath = sshPath
        self.configFile = configFile
        self.extraOptions = extraOptions
        self.maxConcurrentHosts = max(1, maxConcurrentHosts)
        self.fileTimeout = fileTimeout
        self.maxFileBytes = maxFileBytes
        self.maxOutputBytes = maxOutputBytes
        self.limiter = HostLimiter(maxHosts: maxConcurrentHosts, maxPerHost: maxSessionsPerHost)
        self.control = ControlDirectory()
        self.commandLine = SSHCommandLine(
            sshPath: sshPath, configFile: configFile, extraOptions: extraOptions, controlPersistSeconds: controlPersistSeconds)
    }

    deinit {
        control.removeSynchronously()
    }

    /// `'…'` with every `'` written as `'\''`: one word for any POSIX shell, whatever the string contains.
    public static func shellQuote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    public func readFile(_ path: String, on target: SSHTarget) async throws -> [UInt8]? {
        try Self.checkPath(path, on: target)
        let command = RemoteScript.command(RemoteScript.read, [path, String(maxFileBytes)])
        let output = try await execute(command, on: target, stdin: nil, timeout: fileTimeout, maxStdout: maxFileBytes)
        if !output.signalled {
            switch output.exitCode {
            case RemoteScript.missingStatus:
                return nil
            case RemoteScript.tooLargeStatus:
                let size = SSHFailureClassifier.lines(output.stderr).last ?? "?"
                throw RemoteError.other(host: target.host, detail: "\(path) is \(size) bytes, more than the limit of \(maxFileBytes) bytes")
            default:
                break
            }
        }
        if let error = SSHFailureClassifier.classify(exitCode: output.exitCode, signalled: output.signalled, stderr: output.stderr, host: target.host) {
            throw error
        }
        return output.stdout
    }

    public func writeFile(_ path: String, contents: [UInt8], on target: SSHTarget, backupSuffix: String) async throws -> String? {
        try Self.checkPath(path, on: target)
        guard !backupSuffix.isEmpty, !backupSuffix.contains("/"), !backupSuffix.contains("\u{0}") else {
            throw RemoteError.other(host: target.host, detail: "the backup suffix must be non-empty and contain no '/'")
        }
        guard contents.count <= maxFileBytes else {
            throw RemoteError.other(host: target.host, detail: "refusing to write \(contents.count) bytes to \(path): the limit is \(maxFileBytes)")
        }
        let command = RemoteScript.command(RemoteScript.write, [path, backupSuffix, String(contents.count)])
        let output = try await execute(command, on: target, stdin: contents, timeout: fileTimeout, maxStdout: 64 * 1024)
        if let error = SSHFailureClassifier.classify(exitCode: output.exitCode, signalled: output.signalled, stderr: output.stderr, host: target.host) {
            throw error
        }
        let reply = String(decoding: output.stdout, as: UTF8.self)
        if reply == "new" { return nil }
        if reply.hasPrefix("backup ") { return String(reply.dropFirst("backup ".count)) }
        throw RemoteError.other(host: target.host, detail: "the remote write of \(path) gave no confirmation; it may or may not have happened")
    }

    public func run(_ argv: [String], on target: SSHTarget, timeout: Duration) async throws -> CommandResult {
        guard !argv.isEmpty else { throw RemoteError.other(host: target.host, detail: "no command to run") }
        guard !argv.contains(where: { $0.contains("\u{0}") }) else {
            throw RemoteError.other(host: target.host, detail: "a command argument contains a NUL byte")
        }
        let command = RemoteScript.command(RemoteScript.run, argv)
        let output = try await execute(command, on: target, stdin: nil, timeout: timeout, maxStdout: maxOutputBytes)
        if let error = SSHFailureClassifier.classify(exitCode: output.exitCode, signalled: output.signalled, stderr: output.stderr, host: target.host) {
            throw error
        }
        return CommandResult(exitCode: output.exitCode, stdout: output.stdout, stderr: SSHFailureClassifier.removingClientNoise(output.stderr))
    }

    /// Closes every multiplexed connection and removes the control directory. Call after the last operation;
    /// the instance stays usable (the next operation opens new connections).
    public func shutdown() async {
        await control.close(sshPath: try? executable(for: "shutdown"), environment: environment, commandLine: commandLine)
    }

    /// One ssh invocation under the host limiter and the deadline.
    private func execute(_ remoteCommand: String, on target: SSHTarget, stdin: [UInt8]?, timeout: Duration, maxStdout: Int) async throws -> ChildProcess.Output {
        try Task.checkCancellation()
        if let bad = extraOptions.first(where: { $0.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\u{0}" }) || !$0.contains("=") }) {
            throw RemoteError.other(host: target.host, detail: "extra ssh option '\(bad.prefix(40))' is not a single Key=Value line")
        }
        let directory = try control.path(for: target.host)
        var commandLine = commandLine
        commandLine.sshPath = try executable(for: target.host)
        let arguments = try commandLine.arguments(for: target, controlDirectory: directory, remoteCommand: remoteCommand)
        // SIGTERM, then SIGKILL after half a second: a multiplexing client only notices SIGTERM once its master
        // next talks to it.
        let process = ChildProcess(
            executable: commandLine.sshPath, arguments: arguments, environment: environment, stdin: stdin,
            timeout: timeout, maxStdout: maxStdout)
        return try await limiter.withSlot(for: "\(target.host):\(target.port)") {
            do {
                return try await process.run()
            } catch let failure as ChildProcess.Failure {
                switch failure {
                case .timedOut: throw RemoteError.timeout(host: target.host, seconds: Self.seconds(timeout))
                case .cancelled: throw CancellationError()
                case .outputTooLarge: throw RemoteError.other(host: target.host, detail: "the command printed more than \(maxStdout) bytes")
                case .launchFailed(let reason): throw RemoteError.other(host: target.host, detail: reason)
                }
            }
        }
    }

    private static func checkPath(_ path: String, on target: SSHTarget) throws {
        guard !path.isEmpty, !path.contains("\u{0}") else {
            throw RemoteError.other(host: target.host, detail: "the remote path must be non-empty and contain no NUL byte")
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The client's environment: ours, with `SHELL=/bin/sh` because ssh runs a ProxyCommand through `$SHELL`.
    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SHELL"] = "/bin/sh"
        return environment
    }

    /// `sshPath` resolved against `PATH` once.
    func executable(for host: String) throws -> String {
        if let known = resolvedSSH.withLock({ $0 }) { return known }
        var found: String?
        if sshPath.contains("/") {
            found = FileManager.default.isExecutableFile(atPath: sshPath) ? sshPath : nil
        } else {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            found = path.split(separator: ":").map { "\($0)/\(sshPath)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        }
        guard let found else { throw RemoteError.other(host: host, detail: "the ssh client '\(sshPath)' was not found") }
        resolvedSSH.withLock { $0 = found }
        return found
    }
}
