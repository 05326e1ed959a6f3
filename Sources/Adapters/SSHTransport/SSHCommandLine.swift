import Foundation
import ProviderAPI

/// Builds the argument arrays given to the system `ssh` client. Pure: no I/O, so every option is unit-tested.
///
/// Options are emitted before the caller's `extraOptions`, and ssh keeps the first value it sees for an option,
/// so extra options can add settings but never weaken these (host key checking, batch mode, identities).
struct SSHCommandLine: Sendable {
    /// Absolute path of the ssh client.
    var sshPath: String
    var configFile: String?
    var extraOptions: [String]
    var controlPersistSeconds: Int

    /// `ssh ... -- host 'remote command'` for one operation on `target`, multiplexed through `controlDirectory`.
    func arguments(for target: SSHTarget, controlDirectory: String, remoteCommand: String) throws(RemoteError) -> [String] {
        try TargetValidation.check(target)
        var args = try commonOptions(for: target)
        args += ["-T", "-o", "ClearAllForwardings=yes", "-o", "PermitLocalCommand=no"]
        args += multiplexing(controlPath: controlDirectory + "/" + Self.controlName(for: target))
        args += extra()
        if let jump = target.jumpHost {
            args += ["-o", "ProxyCommand=" + (try proxyCommand(jump: try JumpHost(parsing: jump, for: target.host), target: target, controlDirectory: controlDirectory))]
        }
        args += ["-p", String(target.port), "-l", target.user, "--", target.host, remoteCommand]
        return args
    }

    /// `ssh -O exit` for one control socket (the host name is required by ssh but unused with an explicit path).
    func exitArguments(controlPath: String) -> [String] {
        ["-F", "/dev/null", "-o", "LogLevel=QUIET", "-o", "ControlPath=" + controlPath, "-O", "exit", "control-socket"]
    }

    /// Options shared by the connection to the target and the one to its jump host.
    private func commonOptions(for target: SSHTarget) throws(RemoteError) -> [String] {
        var args: [String] = []
        if let configFile { args += ["-F", configFile] }
        args += ["-o", "BatchMode=yes"]
        args += ["-o", "StrictHostKeyChecking=" + (target.hostKeyPolicy == .acceptNew ? "accept-new" : "yes")]
        if let file = target.knownHostsFile {
            args += ["-o", "UserKnownHostsFile=\"" + (try TargetValidation.sshPath(file, "knownHostsFile", host: target.host)) + "\""]
        }
        args += ["-o", "ConnectTimeout=\(max(1, target.connectTimeoutSeconds))"]
        args += ["-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]
        if let identity = target.identityFile {
            args += ["-i", try TargetValidation.sshPath(identity, "identityFile", host: target.host), "-o", "IdentitiesOnly=yes"]
        }
        args += ["-o", "LogLevel=ERROR", "-o", "ForwardAgent=no", "-o", "ForwardX11=no"]
        return args
    }

    private func multiplexing(controlPath: String) -> [String] {
        ["-o", "ControlMaster=auto", "-o", "ControlPath=" + controlPath, "-o", "ControlPersist=\(max(1, controlPersistSeconds))"]
    }

    private func extra() -> [String] { extraOptions.flatMap { ["-o", $0] } }

    /// The jump leg, as a ProxyCommand running this same client with the same options (OpenSSH's `-J` would
    /// start the jump leg with none of `-i`, `UserKnownHostsFile`, `BatchMode`, `StrictHostKeyChecking`). The
    /// jump connection is itself multiplexed, so every broker behind one bastion shares one connection to it.
    /// ssh runs a ProxyCommand through `$SHELL -c` (so does `-J`); every word here is shell-quoted, and `%`
    /// is doubled except in ssh's own `%h`/`%p` tokens.
    func proxyCommand(jump: JumpHost, target: SSHTarget, controlDirectory: String) throws(RemoteError) -> String {
        var jumpTarget = target
        jumpTarget.host = jump.host
        jumpTarget.port = jump.port ?? 22
        jumpTarget.jumpHost = nil
        jumpTarget.user = jump.user ?? ""  // empty: ssh's default user (ssh_config or the local user), as with -J
        var words = [sshPath] + (try commonOptions(for: jumpTarget))
        words += multiplexing(controlPath: controlDirectory + "/" + Self.controlName(for: jumpTarget))
        words += extra()
        if let port = jump.port { words += ["-p", String(port)] }
        if let user = jump.user { words += ["-l", user] }
        let quoted = words.map { OpenSSHRemoteHost.shellQuote($0).replacingOccurrences(of: "%", with: "%%") }
        return (quoted + ["-W", "'[%h]:%p'", "--", OpenSSHRemoteHost.shellQuote(jump.host)]).joined(separator: " ")
    }

    /// A short, stable socket name per distinct connection (every field that changes how ssh connects or
    /// authenticates), so two targets that differ only in key, jump host or known_hosts never share a master.
    static func controlName(for target: SSHTarget) -> String {
        let fields: [String] = [
            target.host, String(target.port), target.user, target.identityFile ?? "", target.jumpHost ?? "",
            target.knownHostsFile ?? "", target.hostKeyPolicy.rawValue, String(target.connectTimeoutSeconds),
        ]
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in fields.joined(separator: "\u{0}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
