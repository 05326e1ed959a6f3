public import ChildProcesses
public import Foundation

/// Where `reconcile serve` gets its manifests: a git repository at a ref, through the system `git` (so https and ssh
/// URLs work with the user's credential helpers, `~/.ssh` and agent), as Flux's GitRepository does.
public struct GitSourceSpec: Sendable, Hashable {
    /// What to follow. Flux's precedence when several are given: `commit` > `tag` > `branch`.
    public enum Ref: Sendable, Hashable {
        case branch(String)
        case tag(String)
        /// A fixed commit; with a branch, it is fetched through that branch (which must contain it).
        case commit(String, branch: String?)

        /// Flux's order: a commit wins over a tag, a tag over a branch; nothing given is branch `main`.
        public static func from(branch: String?, tag: String?, commit: String?) -> Ref {
            if let commit { return .commit(commit.lowercased(), branch: branch) }
            if let tag { return .tag(tag) }
            return .branch(branch ?? "main")
        }
    }

    /// How the head commit's signature is checked before anything from it is applied.
    public enum Verification: Sendable, Hashable {
        /// SSH signatures (`gpg.format=ssh`), trusted when their key is in this allowed-signers file.
        case ssh(allowedSigners: String)
        /// OpenPGP signatures, trusted when made by one of the ASCII-armoured public keys in this file (as Flux's
        /// `verify.secretRef` holds them): the keys are imported into a keyring of their own for each check, so
        /// nothing else the machine's user trusts counts.
        case gpg(publicKeys: String)
    }

    public var url: String
    /// `url` with its user information (a token in `https://user:token@host`) hidden, for logs.
    public static func shownURL(_ url: String) -> String { GitSource.shown([url]) }
    public var ref: Ref
    /// The manifests' directory inside the repository (`""`: its root).
    public var path: String
    /// For each git command (Flux's default: 60 s).
    public var timeout: Duration
    public var verification: Verification?

    public init(url: String, ref: Ref, path: String = "", timeout: Duration = .seconds(60), verification: Verification? = nil) {
        self.url = url
        self.ref = ref
        self.path = path
        self.timeout = timeout
        self.verification = verification
    }
}

/// A fetched revision, named as Flux names it: `main@sha1:<40 hex>` (a branch or tag), `sha1:<40 hex>` (a commit).
public struct GitRevision: Sendable, Hashable, CustomStringConvertible {
    public var refName: String?
    public var sha: String

    public init(refName: String?, sha: String) {
        self.refName = refName
        self.sha = sha
    }

    public var description: String { refName.map { "\($0)@sha1:\(sha)" } ?? "sha1:\(sha)" }
}

/// What went wrong, in words a person can act on (the git command and the tail of what it said).
public enum GitSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    case gitMissing
    case failed(command: String, detail: String)
    case timedOut(command: String, after: Duration)
    case refNotFound(String)
    case unsigned(GitRevision)
    case untrusted(GitRevision, detail: String)
    case pathMissing(String, GitRevision)

    public var description: String {
        switch self {
        case .gitMissing: "git is not installed (apt-get install -y git)"
        case .failed(let command, let detail): "`\(command)` failed: \(detail)"
        case .timedOut(let command, let after): "`\(command)` did not finish within \(after)"
        case .refNotFound(let ref): "\(ref) was not found in the repository"
        case .unsigned(let revision): "\(revision) is not signed; it is not applied (verification is required)"
        case .untrusted(let revision, let detail): "\(revision) is signed by a key that is not trusted; it is not applied (\(detail))"
        case .pathMissing(let path, let revision): "`\(path)` does not exist in \(revision)"
        }
    }
}

/// The checkout of one revision: its manifests' directory.
public struct GitCheckout: Sendable, Hashable {
    public var revision: GitRevision
    public var manifestsDirectory: String
}

/// Fetches a `GitSourceSpec` into `workDirectory` (a clone of its own) with the system `git`.
///
/// Contract: `remoteRevision()` only asks the remote (`git ls-remote`), the cheap check for a new revision before
/// fetching; `fetch()` fetches shallowly (depth 1; a commit ref fetches that commit), verifies the head's signature
/// when asked (an unsigned or untrusted head throws, and the checkout is left as it was), then checks the revision out
/// (detached, forced, untracked files removed) and returns its manifests' directory. Every command runs with the
/// spec's timeout, no terminal prompt (`GIT_TERMINAL_PROMPT=0`), and the caller's HOME, PATH, SSH agent and proxy
/// settings, so credential helpers and `~/.ssh` work as for the user.
public struct GitSource: Sendable {
    public let spec: GitSourceSpec
    public let workDirectory: String
    let git: String
    let environment: [String: String]

    public init(spec: GitSourceSpec, workDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(GitSourceError) {
        guard let git = ChildProcess.find("git", environment: environment) else { throw .gitMissing }
        self.spec = spec
        self.workDirectory = workDirectory
        self.git = git
        var env: [String: String] = ["GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_CONFIG_NOSYSTEM": "1"]
        for key in ["HOME", "PATH", "SSH_AUTH_SOCK", "GIT_SSH_COMMAND", "GIT_SSH", "http_proxy", "https_proxy", "no_proxy",
                    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "GIT_ASKPASS", "SSL_CERT_FILE", "GIT_SSL_CAINFO"] {
            if let value = environment[key] { env[key] = value }
        }
        self.environment = env
    }

    /// The revision the remote has now for the spec's ref (a commit ref is its own answer).
    public func remoteRevision() async throws(GitSourceError) -> GitRevision {
        switch spec.ref {
        case .commit(let sha, let branch):
            return GitRevision(refName: branch, sha: sha)
        case .branch(let name):
            return GitRevision(refName: name, sha: try await lsRemote("refs/heads/\(name)", label: "branch \(name)"))
        case .tag(let name):
            return GitRevision(refName: name, sha: try await lsRemote("refs/tags/\(name)", label: "tag \(name)"))
        }
    }

    /// Fetches, verifies and checks out the spec's ref.
    public func fetch() async throws(GitSourceError) -> GitCheckout {
        try await prepare()
        let revision: GitRevision
        switch spec.ref {
        case .branch(let name):
            try await run(["fetch", "--depth", "1", "--no-tags", "origin", "+refs/heads/\(name):refs/remotes/origin/\(name)"], notFound: "branch \(name)")
            revision = GitRevision(refName: name, sha: try await revParse("refs/remotes/origin/\(name)^{commit}"))
        case .tag(let name):
            try await run(["fetch", "--depth", "1", "--no-tags", "origin", "+refs/tags/\(name):refs/tags/\(name)"], notFound: "tag \(name)")
            revision = GitRevision(refName: name, sha: try await revParse("refs/tags/\(name)^{commit}"))
        case .commit(let sha, let branch):
            try await run(["fetch", "--no-tags", "origin", sha], notFound: "commit \(sha)")
            let resolved = try await revParse("\(sha)^{commit}")
            if let branch {
                try await run(["fetch", "--no-tags", "origin", "+refs/heads/\(branch):refs/remotes/origin/\(branch)"], notFound: "branch \(branch)")
                do {
                    _ = try await run(["merge-base", "--is-ancestor", resolved, "refs/remotes/origin/\(branch)"])
                } catch {
                    throw .refNotFound("commit \(sha) on branch \(branch)")
                }
            }
            revision = GitRevision(refName: branch, sha: resolved)
        }
        if let verification = spec.verification { try await verify(revision, verification) }
        try await run(["checkout", "-q", "--detach", "--force", revision.sha])
        try await run(["clean", "-q", "-f", "-d", "-x"])
        let directory = spec.path.isEmpty ? workDirectory : workDirectory + "/" + spec.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .pathMissing(spec.path, revision)
        }
        return GitCheckout(revision: revision, manifestsDirectory: directory)
    }

    // MARK: - Steps

    private func prepare() async throws(GitSourceError) {
        if !FileManager.default.fileExists(atPath: workDirectory + "/.git") {
            do { try FileManager.default.createDirectory(atPath: workDirectory, withIntermediateDirectories: true) } catch {
                throw .failed(command: "mkdir \(workDirectory)", detail: "\(error)")
            }
            try await run(["init", "-q"])
            try await run(["remote", "add", "origin", spec.url])
        } else {
            try await run(["remote", "set-url", "origin", spec.url])
        }
    }

    private func verify(_ revision: GitRevision, _ verification: GitSourceSpec.Verification) async throws(GitSourceError) {
        switch verification {
        case .ssh(let allowedSigners):
            let output = try await output(["-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=\(allowedSigners)", "verify-commit", "--raw", revision.sha])
            guard output.exitCode != 0 else { return }
            let said = String(decoding: output.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if said.isEmpty || said.contains("no signature found") { throw .unsigned(revision) }
            throw .untrusted(revision, detail: said.split(separator: "\n").last.map(String.init) ?? said)
        case .gpg(let publicKeys):
            // A keyring of its own for each check (removed after): only the file's keys count.
            let home = workDirectory + ".gnupg-" + UUID().uuidString.prefix(8)
            defer { try? FileManager.default.removeItem(atPath: home) }
            do {
                try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .failed(command: "mkdir \(home)", detail: "\(error)")
            }
            guard let gpg = ChildProcess.find("gpg", environment: environment) else {
                throw .failed(command: "gpg", detail: "gpg is not installed (Debian's gnupg package), so OpenPGP signatures cannot be checked")
            }
            var env = environment
            env["GNUPGHOME"] = home
            let imported: ChildProcess.Output
            do {
                imported = try await ChildProcess(
                    executable: gpg, arguments: ["--batch", "--quiet", "--import", publicKeys], environment: env, timeout: spec.timeout,
                    maxStdout: 1 << 20
                ).run()
            } catch {
                throw .failed(command: "gpg --import \(publicKeys)", detail: "\(error)")
            }
            guard imported.exitCode == 0 else {
                throw .failed(command: "gpg --import \(publicKeys)", detail: String(decoding: imported.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let output = try await output(["-c", "gpg.format=openpgp", "-c", "gpg.program=\(gpg)", "verify-commit", "--raw", revision.sha], environment: env)
            let said = String(decoding: output.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if output.exitCode == 0, said.contains("[GNUPG:] GOODSIG") || said.contains("[GNUPG:] VALIDSIG") { return }
            if said.isEmpty || said.contains("no signature found") { throw .unsigned(revision) }
            let lines = said.split(separator: "\n")
            let status = ["NO_PUBKEY", "BADSIG", "EXPKEYSIG", "REVKEYSIG", "ERRSIG"].lazy.compactMap { word in lines.first { $0.contains("[GNUPG:] \(word)") } }.first
            throw .untrusted(revision, detail: status.map(String.init) ?? String(said.suffix(300)))
        }
    }

    private func lsRemote(_ ref: String, label: String) async throws(GitSourceError) -> String {
        let text = try await run(["ls-remote", "--", spec.url, ref, "\(ref)^{}"])
        var found: String?
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "\t")
            guard parts.count == 2 else { continue }
            if parts[1] == "\(ref)^{}" { return String(parts[0]) }  // an annotated tag's commit
            if parts[1] == ref { found = String(parts[0]) }
        }
        guard let found else { throw .refNotFound(label) }
        return found
    }

    private func revParse(_ what: String) async throws(GitSourceError) -> String {
        try await run(["rev-parse", "--verify", "--quiet", what]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs git in the work directory; stdout as text; a non-zero exit throws (as `refNotFound(notFound)` when git
    /// says the ref does not exist and `notFound` is given).
    @discardableResult
    private func run(_ arguments: [String], notFound: String? = nil) async throws(GitSourceError) -> String {
        let result = try await output(arguments)
        guard result.exitCode == 0 else {
            let said = String(decoding: result.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if let notFound, said.contains("couldn't find remote ref") || said.contains("not our ref") || said.contains("unadvertised object") {
                throw .refNotFound(notFound)
            }
            throw .failed(command: "git " + Self.shown(arguments), detail: said.isEmpty ? "exit \(result.exitCode)" : String(said.suffix(600)))
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    private func output(_ arguments: [String], environment: [String: String]? = nil) async throws(GitSourceError) -> ChildProcess.Output {
        let cwd = FileManager.default.fileExists(atPath: workDirectory) ? workDirectory : nil
        let child = ChildProcess(
            executable: git, arguments: arguments, environment: environment ?? self.environment, workingDirectory: cwd, timeout: spec.timeout,
            maxStdout: 4 * 1024 * 1024)
        do {
            return try await child.run()
        } catch .timedOut {
            throw .timedOut(command: "git " + Self.shown(arguments), after: spec.timeout)
        } catch {
            throw .failed(command: "git " + Self.shown(arguments), detail: "\(error)")
        }
    }

    /// The command as shown in errors: a URL's user information (a token in `https://user:token@host`) is hidden.
    static func shown(_ arguments: [String]) -> String {
        arguments.map { arg in
            guard let scheme = arg.range(of: "://"), let at = arg.range(of: "@", range: scheme.upperBound..<arg.endIndex) else { return arg }
            return String(arg[..<scheme.upperBound]) + "***" + String(arg[at.lowerBound...])
        }.joined(separator: " ")
    }
}
