import Foundation
import ProviderAPI

/// Turns an ssh client's exit into a ``RemoteError``. ssh exits 255 for its own failures (with `LogLevel=ERROR`
/// it prints only the reason) and otherwise with the remote command's status. A remote command that itself
/// exits 255 is told apart by its stderr not looking like an ssh failure.
///
/// Only stderr is looked at, never stdout, so file contents cannot reach an error message.
enum SSHFailureClassifier {
    static let tailLines = 20
    static let maxLineLength = 400

    /// nil when the command succeeded.
    static func classify(exitCode: Int32, signalled: Bool, stderr: [UInt8], host: String) -> RemoteError? {
        let lines = self.lines(removingClientNoise(stderr))
        if signalled { return .other(host: host, detail: "the ssh client was killed by signal \(exitCode)") }
        if exitCode == 0 { return nil }
        if exitCode == 255, let error = sshFailure(lines, host: host) { return error }
        return .commandFailed(host: host, exitCode: exitCode, stderrTail: tail(lines))
    }

    /// ssh's own failure, or nil when stderr does not look like one.
    static func sshFailure(_ lines: [String], host: String) -> RemoteError? {
        func matching(_ needles: [String]) -> [String] {
            lines.filter { line in needles.contains { line.contains($0) } }
        }
        func detail(_ needles: [String]) -> String {
            let found = matching(needles)
            return (found.isEmpty ? Array(lines.suffix(1)) : Array(found.suffix(3))).joined(separator: "; ")
        }

        let hostKey = ["Host key verification failed", "REMOTE HOST IDENTIFICATION HAS CHANGED", "has changed and you have requested strict checking"]
        if !matching(hostKey).isEmpty {
            let unknown = ["host key is known for"]
            if !matching(unknown).isEmpty && matching(["IDENTIFICATION HAS CHANGED", "has changed and you"]).isEmpty {
                return .hostKeyUnknown(host: host, detail: detail(unknown + ["Host key verification failed"]))
            }
            return .hostKeyMismatch(host: host, detail: detail(["Offending", "Host key for", "Host key verification failed"]))
        }
        let auth = ["Permission denied (", "Too many authentication failures", "No more authentication methods"]
        if !matching(auth).isEmpty { return .authenticationFailed(host: host, detail: detail(auth)) }
        let network = [
            "Could not resolve hostname", "Name or service not known", "Connection refused", "No route to host",
            "Connection timed out", "Network is unreachable", "Operation timed out", "connect to host",
            "kex_exchange_identification", "banner exchange", "Connection closed by", "Connection reset by",
            "stdio forwarding failed", "open failed", "Timeout, server", "not responding", "Broken pipe",
            "Host is down", "Address not available",
        ]
        if !matching(network).isEmpty { return .unreachable(host: host, detail: detail(network)) }
        let client = ["ControlSocket", "ControlPath", "mux_client", "control socket", "Bad configuration option", "ssh: ", "Warning:", "Load key"]
        if !matching(client).isEmpty { return .other(host: host, detail: "ssh failed: " + detail(client)) }
        return nil
    }

    /// Non-empty lines of stderr, carriage returns removed, each cut to a bounded length.
    static func lines(_ stderr: [UInt8]) -> [String] {
        String(decoding: stderr, as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .map { $0.count > maxLineLength ? String($0.prefix(maxLineLength)) + "…" : $0 }
    }

    /// stderr without the client's own notice that another process won the race to become the master
    /// (`ControlSocket ... already exists, disabling multiplexing`): the command ran fine, just unshared.
    static func removingClientNoise(_ stderr: [UInt8]) -> [UInt8] {
        let notice = "already exists, disabling multiplexing"
        guard String(decoding: stderr, as: UTF8.self).contains(notice) else { return stderr }
        let lines = stderr.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let kept = lines.filter { line in
            !(line.starts(with: Array("ControlSocket ".utf8)) && String(decoding: line, as: UTF8.self).contains(notice))
        }
        return Array(kept.joined(separator: [UInt8(ascii: "\n")]))
    }

    static func tail(_ lines: [String]) -> String {
        lines.suffix(tailLines).joined(separator: "\n")
    }
}
