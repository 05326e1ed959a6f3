import Foundation

/// A bare "origin" repository and a working clone to commit and push from, with the real `git` (and `ssh-keygen`
/// for signing keys), in a temporary directory.
public final class GitBed: Sendable {
    public let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitsource-\(UUID().uuidString)").path
    public var origin: String { root + "/origin.git" }
    public var work: String { root + "/work" }
    public var url: String { "file://" + origin }

    public init() throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try sh(["git", "init", "-q", "--bare", "-b", "main", origin])
        try sh(["git", "clone", "-q", origin, work])
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    @discardableResult
    public func sh(_ arguments: [String], in directory: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": root, "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"]
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw TestDatacenterError("\(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `files` (path -> text) in the working clone, commits (signed with `signingKey` when given) and pushes
    /// `branch`; returns the commit's sha.
    @discardableResult
    public func commit(
        _ files: [String: String], message: String = "change", branch: String = "main", signingKey: String? = nil, gpgKey: String? = nil
    ) throws -> String {
        for (path, text) in files {
            let url = URL(fileURLWithPath: work + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try sh(["git", "add", "-A"], in: work)
        var args = ["git", "-c", "user.name=Tester", "-c", "user.email=tester@example.com"]
        if let signingKey { args += ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(signingKey)", "commit", "-q", "-S", "-m", message] }
        else if let gpgKey { args += ["-c", "gpg.format=openpgp", "-c", "user.signingkey=\(gpgKey)", "commit", "-q", "-S", "-m", message] }
        else { args += ["commit", "-q", "-m", message] }
        try sh(args, in: work)
        try sh(["git", "push", "-q", "origin", "HEAD:refs/heads/\(branch)"], in: work)
        return try sh(["git", "rev-parse", "HEAD"], in: work)
    }

    /// A new ed25519 key pair; returns the private key's path (`.pub` beside it).
    public func key(_ name: String) throws -> String {
        let path = root + "/" + name
        try sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
        return path
    }

    /// A new OpenPGP signing key (ed25519, no passphrase) in the bed's own keyring (`HOME/.gnupg`) for `email`;
    /// returns its fingerprint.
    public func gpgKey(_ email: String) throws -> String {
        try sh(["gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key", "Tester <\(email)>", "ed25519", "sign", "never"])
        let listing = try sh(["gpg", "--batch", "--with-colons", "--list-secret-keys", email])
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }) else { throw TestDatacenterError("no fingerprint for \(email)") }
        return String(line.split(separator: ":", omittingEmptySubsequences: false)[9])
    }

    /// The ASCII-armoured public keys of `fingerprints`, in a file; its path.
    public func gpgPublicKeys(_ fingerprints: [String]) throws -> String {
        let path = root + "/public-keys.asc"
        try (try sh(["gpg", "--batch", "--armor", "--export"] + fingerprints) + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// An allowed-signers file trusting `keys` for tester@example.com.
    public func allowedSigners(_ keys: [String]) throws -> String {
        let path = root + "/allowed_signers"
        let lines = try keys.map { "tester@example.com namespaces=\"git\" " + (try String(contentsOfFile: $0 + ".pub", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines) }
        try lines.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
