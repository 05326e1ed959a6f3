import Foundation
import GitSource
import Testing

/// A bare "origin" repository and a working clone to commit and push from, with the real `git` (and `ssh-keygen`
/// for signing keys), in a temporary directory.
final class GitBed: Sendable {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitsource-\(UUID().uuidString)").path
    var origin: String { root + "/origin.git" }
    var work: String { root + "/work" }
    var url: String { "file://" + origin }

    init() throws {
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try sh(["git", "init", "-q", "--bare", "-b", "main", origin])
        try sh(["git", "clone", "-q", origin, work])
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    @discardableResult
    func sh(_ arguments: [String], in directory: String? = nil) throws -> String {
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
            throw BedError("\(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Writes `files` (path -> text) in the working clone, commits (signed with `signingKey` when given) and pushes
    /// `branch`; returns the commit's sha.
    @discardableResult
    func commit(_ files: [String: String], message: String = "change", branch: String = "main", signingKey: String? = nil) throws -> String {
        for (path, text) in files {
            let url = URL(fileURLWithPath: work + "/" + path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try sh(["git", "add", "-A"], in: work)
        var args = ["git", "-c", "user.name=Tester", "-c", "user.email=tester@example.com"]
        if let signingKey { args += ["-c", "gpg.format=ssh", "-c", "user.signingkey=\(signingKey)", "commit", "-q", "-S", "-m", message] }
        else { args += ["commit", "-q", "-m", message] }
        try sh(args, in: work)
        try sh(["git", "push", "-q", "origin", "HEAD:refs/heads/\(branch)"], in: work)
        return try sh(["git", "rev-parse", "HEAD"], in: work)
    }

    /// A new ed25519 key pair; returns the private key's path (`.pub` beside it).
    func key(_ name: String) throws -> String {
        let path = root + "/" + name
        try sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
        return path
    }

    /// An allowed-signers file trusting `keys` for tester@example.com.
    func allowedSigners(_ keys: [String]) throws -> String {
        let path = root + "/allowed_signers"
        let lines = try keys.map { "tester@example.com namespaces=\"git\" " + (try String(contentsOfFile: $0 + ".pub", encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines) }
        try lines.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func source(_ ref: GitSourceSpec.Ref, path: String = "", verification: GitSourceSpec.Verification? = nil, timeout: Duration = .seconds(30)) throws -> GitSource {
        try GitSource(
            spec: GitSourceSpec(url: url, ref: ref, path: path, timeout: timeout, verification: verification),
            workDirectory: root + "/checkout", environment: ["PATH": "/usr/bin:/bin", "HOME": root])
    }
}

struct BedError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

@Suite("Git source: the system git against real repositories")
struct GitSourceTests {
    @Test("a branch: ls-remote sees each new commit before any fetch; fetch checks it out; files removed upstream go")
    func branch() async throws {
        let bed = try GitBed()
        let first = try bed.commit(["manifests/cluster.yaml": "a: 1\n", "manifests/old.yaml": "x\n", "README.md": "hi\n"])
        let source = try bed.source(.branch("main"), path: "manifests")
        #expect(try await source.remoteRevision() == GitRevision(refName: "main", sha: first))
        let checkout = try await source.fetch()
        #expect(checkout.revision.description == "main@sha1:\(first)")
        #expect(try String(contentsOfFile: checkout.manifestsDirectory + "/cluster.yaml", encoding: .utf8) == "a: 1\n")

        try FileManager.default.removeItem(atPath: bed.work + "/manifests/old.yaml")
        let second = try bed.commit(["manifests/cluster.yaml": "a: 2\n"])
        #expect(try await source.remoteRevision().sha == second, "the cheap check sees the new head")
        let next = try await source.fetch()
        #expect(next.revision.sha == second)
        #expect(try String(contentsOfFile: next.manifestsDirectory + "/cluster.yaml", encoding: .utf8) == "a: 2\n")
        #expect(!FileManager.default.fileExists(atPath: next.manifestsDirectory + "/old.yaml"))
        let depth = try bed.sh(["git", "rev-list", "--count", "HEAD"], in: bed.root + "/checkout")
        #expect(depth == "1", "shallow: only the head is fetched")
    }

    @Test("Flux's precedence: commit > tag > branch; an annotated tag resolves to its commit; a commit must be on its branch")
    func refs() async throws {
        #expect(GitSourceSpec.Ref.from(branch: "main", tag: "v1", commit: "ABC") == .commit("abc", branch: "main"))
        #expect(GitSourceSpec.Ref.from(branch: "main", tag: "v1", commit: nil) == .tag("v1"))
        #expect(GitSourceSpec.Ref.from(branch: nil, tag: nil, commit: nil) == .branch("main"))
        let bed = try GitBed()
        let tagged = try bed.commit(["m/a.yaml": "v: 1\n"])
        try bed.sh(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "tag", "-a", "v1", "-m", "release"], in: bed.work)
        try bed.sh(["git", "push", "-q", "origin", "v1"], in: bed.work)
        let head = try bed.commit(["m/a.yaml": "v: 2\n"])
        let tag = try await bed.source(.tag("v1"), path: "m").fetch()
        #expect(tag.revision.description == "v1@sha1:\(tagged)")
        #expect(try await bed.source(.tag("v1")).remoteRevision().sha == tagged, "the peeled commit, not the tag object")
        let pinned = try await bed.source(.commit(tagged, branch: "main"), path: "m").fetch()
        #expect(pinned.revision.sha == tagged)
        #expect(try String(contentsOfFile: pinned.manifestsDirectory + "/a.yaml", encoding: .utf8) == "v: 1\n")
        #expect(head != tagged)
        try bed.commit(["m/a.yaml": "side\n"], branch: "side")
        let sideOnly = try bed.sh(["git", "rev-parse", "HEAD"], in: bed.work)
        await #expect(throws: GitSourceError.refNotFound("commit \(sideOnly) on branch main")) {
            try await bed.source(.commit(sideOnly, branch: "main")).fetch()
        }
    }

    @Test("missing branch, tag or path, an unreachable remote: clear errors, and no credentials in them")
    func errors() async throws {
        let bed = try GitBed()
        try bed.commit(["m/a.yaml": "x\n"])
        await #expect(throws: GitSourceError.refNotFound("branch nope")) { try await bed.source(.branch("nope")).remoteRevision() }
        await #expect(throws: GitSourceError.refNotFound("branch nope")) { try await bed.source(.branch("nope")).fetch() }
        await #expect(throws: GitSourceError.refNotFound("tag v9")) { try await bed.source(.tag("v9")).fetch() }
        do {
            _ = try await bed.source(.branch("main"), path: "manifests").fetch()
            Issue.record("a missing path must fail")
        } catch {
            #expect("\(error)".hasPrefix("`manifests` does not exist in main@sha1:"), "\(error)")
        }
        let secret = try GitSource(
            spec: GitSourceSpec(url: "https://user:s3cret-token@127.0.0.1:1/repo.git", ref: .branch("main"), timeout: .seconds(20)),
            workDirectory: bed.root + "/other", environment: ["PATH": "/usr/bin:/bin", "HOME": bed.root])
        do {
            _ = try await secret.remoteRevision()
            Issue.record("a closed port must fail")
        } catch {
            #expect(!"\(error)".contains("s3cret"), "\(error)")
            #expect("\(error)".contains("git ls-remote"), "\(error)")
        }
    }

    @Test("SSH-signed commits: a trusted key passes; an unsigned head and one signed by an unknown key are refused, the checkout left as it was")
    func signatures() async throws {
        let bed = try GitBed()
        let trusted = try bed.key("trusted")
        let stranger = try bed.key("stranger")
        let signers = try bed.allowedSigners([trusted])
        let good = try bed.commit(["m/a.yaml": "good\n"], signingKey: trusted + ".pub")
        let source = try bed.source(.branch("main"), path: "m", verification: .ssh(allowedSigners: signers))
        let checkout = try await source.fetch()
        #expect(checkout.revision.sha == good)

        let unsigned = try bed.commit(["m/a.yaml": "unsigned\n"])
        await #expect(throws: GitSourceError.unsigned(GitRevision(refName: "main", sha: unsigned))) { try await source.fetch() }
        #expect(try String(contentsOfFile: checkout.manifestsDirectory + "/a.yaml", encoding: .utf8) == "good\n", "the last good checkout stays")

        try bed.commit(["m/a.yaml": "forged\n"], signingKey: stranger + ".pub")
        do {
            _ = try await source.fetch()
            Issue.record("an untrusted signature must be refused")
        } catch {
            guard case .untrusted = error else { Issue.record("expected untrusted, got \(error)"); return }
        }
        #expect(try String(contentsOfFile: checkout.manifestsDirectory + "/a.yaml", encoding: .utf8) == "good\n")
    }
}
