public import Foundation
public import ReconcileModel

/// Who holds a cluster's lock, as recorded in the lock itself.
public struct LockInfo: Sendable, Hashable, Codable {
    public var id: String
    public var cluster: String
    public var host: String
    public var pid: Int32
    public var operation: String
    public var startedAt: Date
    /// The fencing token of a lock held in a shared store (etcd: the lock key's `create_revision`, which grows with
    /// every acquisition); nil for the local files, where the lock's id is enough.
    public var fencingToken: Int?

    public init(id: String, cluster: String, host: String, pid: Int32, operation: String, startedAt: Date, fencingToken: Int? = nil) {
        self.fencingToken = fencingToken
        self.id = id
        self.cluster = cluster
        self.host = host
        self.pid = pid
        self.operation = operation
        self.startedAt = startedAt
    }
}

/// One executed step, appended to the cluster's journal as it happens.
public struct JournalEntry: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case started
        case succeeded
        case failed
        case skipped
    }

    public var time: Date
    /// Identifies the apply that wrote the entry.
    public var runID: String
    public var address: ResourceAddress
    public var action: Action
    public var status: Status
    /// Fingerprint of the desired properties the step applied (for broker configs: the config it received).
    public var fingerprint: String?
    public var detail: String?
    /// The revision of the manifests the step came from (`main@sha1:...`), when the pass knew one (`reconcile serve`).
    public var revision: String?

    public init(
        time: Date,
        runID: String,
        address: ResourceAddress,
        action: Action,
        status: Status,
        fingerprint: String? = nil,
        detail: String? = nil,
        revision: String? = nil
    ) {
        self.revision = revision
        self.time = time
        self.runID = runID
        self.address = address
        self.action = action
        self.status = status
        self.fingerprint = fingerprint
        self.detail = detail
    }
}

public enum StateStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another live process holds the lock.
    case locked(LockInfo)
    /// `unlock` was given an id that is not the current lock's.
    case lockIDMismatch(cluster: String, expected: String, given: String)
    case notLocked(cluster: String)
    /// A state file exists but cannot be read; it is left untouched.
    case corrupt(path: String, reason: String)
    case io(path: String, reason: String)
    /// This process no longer holds the cluster's lock (its lease ran out, or it was forced away): the write was
    /// refused and nothing more may be done for the cluster under that lock.
    case lockLost(cluster: String, reason: String)
    /// The shared store cannot be reached or refused the call.
    case unavailable(String)

    public var description: String {
        switch self {
        case .locked(let info):
            "cluster \(info.cluster) is locked by \(info.operation) (pid \(info.pid) on \(info.host), since "
                + "\(info.startedAt.formatted(.iso8601)), lock id \(info.id)); if that process is gone, run "
                + "`reconcile state unlock \(info.cluster) \(info.id)`"
        case .lockIDMismatch(let cluster, let expected, let given):
            "cannot unlock \(cluster): lock id is \(expected), not \(given)"
        case .notLocked(let cluster): "cluster \(cluster) is not locked"
        case .corrupt(let path, let reason): "cannot read \(path): \(reason)"
        case .io(let path, let reason): "cannot write \(path): \(reason)"
        case .lockLost(let cluster, let reason): "lost the lock of cluster \(cluster): \(reason); no further step is taken for it"
        case .unavailable(let reason): "state store unavailable: \(reason)"
        }
    }
}

/// Durable state per cluster: lock, inventory and journal (the embedded default keeps them under `state/`).
///
/// Contract: every write is atomic (a reader sees the old or the new file, never a mix); the journal is
/// append-only and each `append` is durable when it returns. Nothing here is called under `--dry-run` except
/// the read methods. While this process holds a cluster's lock, its inventory and journal writes for that
/// cluster are fenced: a store shared between processes refuses them (`lockLost`) once the lock is no longer
/// this process's.
public protocol StateStore: Sendable {
    /// Takes the cluster's lock or throws `StateStoreError.locked` naming the holder. A lock whose holder
    /// process is gone (same host, pid not running) is taken over.
    func lock(cluster: String, operation: String) async throws -> LockInfo
    /// Releases a lock this process holds. Idempotent.
    func unlock(_ lock: LockInfo) async throws
    /// Removes the lock only if its id is `id` (the `reconcile state unlock` path).
    func forceUnlock(cluster: String, id: String) async throws
    /// The current lock, if any.
    func currentLock(cluster: String) async throws -> LockInfo?
    /// Whether the lock's holder still runs (always true for holders on other hosts).
    func isHolderAlive(_ lock: LockInfo) async -> Bool
    /// Throws `StateStoreError.lockLost` unless this process still holds `lock`; called right before every
    /// disruptive step (a broker restart, a cloud mutation). A shared store also refuses it once the lock's lease
    /// may have run out by the local clock, before the store could give the lock to another process.
    func confirm(_ lock: LockInfo) async throws

    /// The cluster's inventory; empty when none was written yet.
    func inventory(cluster: String) async throws -> Inventory
    func saveInventory(_ inventory: Inventory) async throws

    func append(_ entry: JournalEntry, cluster: String) async throws
    func journal(cluster: String) async throws -> [JournalEntry]

    /// Clusters that have any state.
    func clusters() async throws -> [String]

    /// Whether processes on other machines share this store (etcd), so `reconcile serve` replicas elect a leader per
    /// cluster through it; false for the local files.
    var isShared: Bool { get }
    /// Announces a live `reconcile serve` replica named `id` (until it stops or dies: a shared store ties the
    /// announcement to a lease) and returns the replicas alive now, this one included, sorted.
    func replicas(announcing id: String) async throws -> [String]
    /// Withdraws the announcement (a replica shutting down). Idempotent.
    func withdraw(replica id: String) async
}

extension StateStore {
    /// A store on one machine has one replica: this one.
    public var isShared: Bool { false }
    public func replicas(announcing id: String) async throws -> [String] { [id] }
    public func withdraw(replica id: String) async {}
}
