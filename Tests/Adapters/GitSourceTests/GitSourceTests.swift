import Foundation
import GitSource
import Testing
import TestSupport

extension GitBed {
    func source(_ ref: GitSourceSpec.Ref, path: String = "", verification: GitSourceSpec.Verification? = nil, timeout: Duration = .seconds(30)) throws -> GitSource {
        try GitSource(
            spec: GitSourceSpec(url: url, ref: ref, path: path, timeout: timeout, verification: verification),
            workDirectory: root + "/checkout", environment: ["PATH": "/usr/bin:/bin", "HOME": root])
    }
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

    @Test("GPG-signed commits: a key from the public-keys file passes; an unsigned head and one signed by another key are refused")
    func gpgSignatures() async throws {
        let bed = try GitBed()
        let trusted = try bed.gpgKey("tester@example.com")
        let stranger = try bed.gpgKey("stranger@example.com")
        let keys = try bed.gpgPublicKeys([trusted])
        let good = try bed.commit(["m/a.yaml": "good\n"], gpgKey: trusted)
        let source = try bed.source(.branch("main"), path: "m", verification: .gpg(publicKeys: keys))
        #expect(try await source.fetch().revision.sha == good)

        let unsigned = try bed.commit(["m/a.yaml": "unsigned\n"])
        await #expect(throws: GitSourceError.unsigned(GitRevision(refName: "main", sha: unsigned))) { try await source.fetch() }

        try bed.commit(["m/a.yaml": "forged\n"], gpgKey: stranger)
        do {
            _ = try await source.fetch()
            Issue.record("a signature by a key not in the file must be refused (the signer's own keyring trusts it)")
        } catch {
            guard case .untrusted(_, let detail) = error else { Issue.record("expected untrusted, got \(error)"); return }
            #expect(detail.contains("NO_PUBKEY"), "\(detail)")
        }
    }
}
