import Foundation
import ProviderAPI

/// Checks on every value of an ``SSHTarget`` before it reaches an ssh command line. Nothing passes through a
/// local shell except a jump host's ProxyCommand, where every word is quoted; these checks additionally keep
/// values from being read as ssh options (a host `-oProxyCommand=...`) or expanded by ssh (`%`, `${`).
enum TargetValidation {
    static func check(_ target: SSHTarget) throws(RemoteError) {
        let host = target.host
        guard isHostName(host) else { throw invalid(host, "host must be a DNS name or an IP address") }
        guard isUserName(target.user) else { throw invalid(host, "user must be letters, digits, '.', '_' or '-' and not start with '-'") }
        guard (1...65535).contains(target.port) else { throw invalid(host, "port \(target.port) is out of range") }
        if let jump = target.jumpHost { _ = try JumpHost(parsing: jump, for: host) }
        if let file = target.identityFile { _ = try sshPath(file, "identityFile", host: host) }
        if let file = target.knownHostsFile { _ = try sshPath(file, "knownHostsFile", host: host) }
    }

    /// A file path as ssh's option parser and its `%`/`${}` expansion will read it back unchanged (a leading
    /// `~/` still means the local home).
    static func sshPath(_ path: String, _ field: String, host: String) throws(RemoteError) -> String {
        guard !path.isEmpty else { throw invalid(host, "\(field) is empty") }
        let forbidden: Set<Character> = ["\"", "\\", "\n", "\r", "\u{0}"]
        guard !path.contains(where: { forbidden.contains($0) }), !path.contains("${") else {
            throw invalid(host, "\(field) contains a character ssh would not read back verbatim (quote, backslash, newline, NUL or '${')")
        }
        return path.replacingOccurrences(of: "%", with: "%%")
    }

    static func isHostName(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 253, value.first != "-" else { return false }
        return value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (isAlphanumeric(scalar) || ".-_:".unicodeScalars.contains(scalar))
        }
    }

    static func isUserName(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 64, value.first != "-" else { return false }
        return value.unicodeScalars.allSatisfy { scalar in scalar.isASCII && (isAlphanumeric(scalar) || "._-".unicodeScalars.contains(scalar)) }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    static func invalid(_ host: String, _ detail: String) -> RemoteError {
        .other(host: host, detail: "invalid SSH target: \(detail)")
    }
}

/// `[user@]host[:port]` (IPv6 as `[addr]:port`), the form of ``SSHTarget/jumpHost``.
struct JumpHost: Sendable, Hashable {
    var user: String?
    var host: String
    var port: Int?

    init(parsing text: String, for targetHost: String) throws(RemoteError) {
        var rest = Substring(text)
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw TargetValidation.invalid(targetHost, "jumpHost has an unclosed '['") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw TargetValidation.invalid(targetHost, "jumpHost has text after ']'") }
                portText = after.dropFirst()
            }
        } else if let colon = rest.firstIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw TargetValidation.invalid(targetHost, "jumpHost port must be 1-65535")
            }
            port = value
        }
        guard TargetValidation.isHostName(host) else { throw TargetValidation.invalid(targetHost, "jumpHost must be [user@]host[:port]") }
        if let user, !TargetValidation.isUserName(user) { throw TargetValidation.invalid(targetHost, "jumpHost user is not a valid user name") }
    }
}
