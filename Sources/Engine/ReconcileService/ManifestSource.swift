public import Foundation
public import GitSource
public import Manifests
public import ReconcileModel

/// The manifests as a source has them now: a revision name and what loading them gave.
public struct SourceSnapshot: Sendable {
    /// `main@sha1:<sha>` for git, `dir@fnv1a:<digest of the files>` for a directory.
    public var revision: String
    /// Nil when the source could not be read at all (`error` says why).
    public var load: ManifestLoad?
    public var error: String?

    public init(revision: String, load: ManifestLoad?, error: String? = nil) {
        self.revision = revision
        self.load = load
        self.error = error
    }
}

/// Where `reconcile serve` reads its manifests.
///
/// Contract: `snapshot()` never throws (a source that cannot be read says so in `error`); it is called on every
/// source poll, so it must be cheap when nothing changed (a git source asks the remote with `ls-remote` and fetches
/// only a new revision; a directory source hashes its YAML files).
public protocol ManifestSource: Sendable {
    func snapshot() async -> SourceSnapshot
}

/// A local directory, watched: every poll reads its YAML files and digests them; only a changed digest is parsed.
public actor DirectorySource: ManifestSource {
    public let directory: String
    private var last: SourceSnapshot?

    public init(directory: String) { self.directory = directory }

    public func snapshot() async -> SourceSnapshot {
        let files = ManifestLoader.read(directory: directory)
        let revision = "dir@fnv1a:\(files.digest)"
        if let last, last.revision == revision { return last }
        let snapshot = SourceSnapshot(revision: revision, load: ManifestLoader.load(files))
        last = snapshot
        return snapshot
    }
}

/// A git repository (`GitSource`): the remote's head is checked with `ls-remote` on every poll; a new revision is
/// fetched, verified (when asked) and loaded; an unchanged one is served from the last load.
public actor GitManifestSource: ManifestSource {
    let source: GitSource
    private var last: (sha: String, snapshot: SourceSnapshot)?

    public init(source: GitSource) { self.source = source }

    public func snapshot() async -> SourceSnapshot {
        do {
            let remote = try await source.remoteRevision()
            if let last, last.sha == remote.sha { return last.snapshot }
            let checkout = try await source.fetch()
            let snapshot = SourceSnapshot(revision: checkout.revision.description, load: ManifestLoader.load(directory: checkout.manifestsDirectory))
            last = (checkout.revision.sha, snapshot)
            return snapshot
        } catch {
            return SourceSnapshot(revision: last?.snapshot.revision ?? "unknown", load: nil, error: "\(error)")
        }
    }
}
