public import Foundation
public import ProviderAPI
public import ReconcileModel
import Synchronization
import Timers

/// `StateStore` on etcd v3 (through `EtcdClient`), shared by every process that points at the same prefix: the CI
/// runner's dry-run, an operator's CLI and each `reconcile serve` replica.
///
/// Keys, under `prefix` (default `/kafka-private-link-reconciler`):
/// - `<prefix>/<cluster>/lock`: the lock, `LockInfo` JSON, attached to the holder's lease;
/// - `<prefix>/<cluster>/inventory`: the inventory JSON (the same document as `inventory.json`);
/// - `<prefix>/<cluster>/journal/<time-ns>-<random>`: one `JournalEntry` each, read back in creation order.
///
/// Locking and fencing (`../shared/reference/etcd.md` §D.3, §D.5):
/// - `lock` grants a lease of `leaseTTL` and creates the lock key with it only if absent (one transaction; the
///   loser reads the holder in the same round trip). The fencing token is the key's `create_revision`.
/// - A keepalive is sent every TTL/3. The lock counts as held until the last acknowledged keepalive's *send*
///   time + TTL - `safetyMargin` (the monotonic clock): etcd cannot expire the lease before that, so this process
///   stops acting before etcd could give the lock to another. A keepalive answered without a TTL (the lease is
///   gone) ends it at once.
/// - Every inventory and journal write for a cluster whose lock this store holds is a transaction comparing the
///   lock key's `create_revision` with the token: a process whose lock was lost (frozen past its lease, forced
///   away) has its writes refused (`lockLost`), not merely warned about. `confirm` re-checks the same before a
///   disruptive step.
/// - `unlock` revokes the lease (the key goes with it). A holder that dies leaves the key until its lease runs
///   out: the next process waits at most the TTL, and `isHolderAlive` is always true (the key only exists while
///   its holder keeps its lease alive).
public final class EtcdStateStore: StateStore {
    public let client: EtcdClient
    public let prefix: String
    public let leaseTTL: Duration
    public let safetyMargin: Duration
    let hostName: String
    let processID: Int32
    let now: @Sendable () -> Date

    private struct Held {
        var lock: LockInfo
        var key: String
        var lease: Int
        var token: Int
        /// Until when the lock may be acted on (monotonic); nil once it is known lost.
        var validUntil: ContinuousClock.Instant?
        var lostReason: String?
        var keepalive: Task<Void, Never>?
    }
    /// Locks this store holds, by lock id.
    private let held = Mutex<[String: Held]>([:])
    /// This process's replica announcements: their keys, leases and keepalives, by replica id.
    private struct Announcements {
        var done: [String: (key: String, lease: Int, keepalive: Task<Void, Never>)] = [:]
        /// Ids being announced right now.
        var pending: Set<String> = []
    }
    private let announced = Mutex(Announcements())

    public init(
        client: EtcdClient,
        prefix: String = "/kafka-private-link-reconciler",
        leaseTTL: Duration = .seconds(15),
        safetyMargin: Duration? = nil,
        hostName: String = ProcessInfo.processInfo.hostName,
        processID: Int32 = ProcessInfo.processInfo.processIdentifier,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.client = client
        var p = prefix
        while p.hasSuffix("/") { p.removeLast() }
        self.prefix = p
        self.leaseTTL = max(leaseTTL, .seconds(2))
        self.safetyMargin = safetyMargin ?? self.leaseTTL / 5
        self.hostName = hostName
        self.processID = processID
        self.now = now
    }

    deinit {
        for h in held.withLock({ Array($0.values) }) { h.keepalive?.cancel() }
        for a in announced.withLock({ Array($0.done.values) }) { a.keepalive.cancel() }
    }

    public var isShared: Bool { true }

    var replicasPrefix: String { "\(prefix)/_replicas/" }

    /// `<prefix>/_replicas/<id>`, on a lease of its own kept alive every TTL/3 like a lock's: it disappears within
    /// the TTL of the replica's death.
    public func replicas(announcing id: String) async throws -> [String] {
        do {
            return try await announce(id)
        } catch {
            throw failure(error, replicasPrefix)
        }
    }

    private func announce(_ id: String) async throws(EtcdError) -> [String] {
        // One announcement per id, even when passes ask concurrently: the first caller claims it, the others only
        // list (two would leave a second lease keeping the key alive after a withdraw).
        let claimed = announced.withLock { a -> Bool in
            guard a.done[id] == nil, !a.pending.contains(id) else { return false }
            a.pending.insert(id)
            return true
        }
        if claimed {
            defer { announced.withLock { _ = $0.pending.remove(id) } }
            let ttl = Int(leaseTTL.components.seconds)
            let lease = try await client.grantLease(ttl: ttl)
            let key = replicasPrefix + id
            try await client.put(key, Array(hostName.utf8), lease: lease)
            let period = leaseTTL / 3, client = self.client, host = Array(hostName.utf8)
            let keepalive = Task(priority: .high) { () async -> Void in
                var current = lease
                while !Task.isCancelled {
                    do { try await Timers.sleep(for: period) } catch { return }
                    if (try? await client.keepAlive(lease: current)) == 0, let fresh = try? await client.grantLease(ttl: ttl) {
                        // Expired (a long pause): announced again under a new lease.
                        current = fresh
                        try? await client.put(key, host, lease: fresh)
                    }
                }
            }
            announced.withLock { $0.done[id] = (key, lease, keepalive) }
        }
        let keys = try await client.range(replicasPrefix, prefix: true, keysOnly: true).kvs.map(\.key)
        return keys.map { String($0.dropFirst(replicasPrefix.count)) }.sorted()
    }

    public func withdraw(replica id: String) async {
        guard let a = announced.withLock({ $0.done.removeValue(forKey: id) }) else { return }
        a.keepalive.cancel()
        try? await client.revokeLease(a.lease)
    }

    // MARK: Keys

    func clusterKey(_ cluster: String) throws -> String {
        guard Self.isValidClusterName(cluster) else {
            throw StateStoreError.io(path: "\(prefix)/\(cluster)", reason: "invalid cluster name \"\(cluster)\" (allowed: letters, digits, '.', '_', '-')")
        }
        return "\(prefix)/\(cluster)"
    }
    func lockKey(_ cluster: String) throws -> String { try clusterKey(cluster) + "/lock" }
    func inventoryKey(_ cluster: String) throws -> String { try clusterKey(cluster) + "/inventory" }
    func journalPrefix(_ cluster: String) throws -> String { try clusterKey(cluster) + "/journal/" }

    /// The files' rule (`StateCoding.isValidClusterName`), except that names starting with `_` are the store's own
    /// (`_replicas`), never a cluster's.
    static func isValidClusterName(_ name: String) -> Bool { StateCoding.isValidClusterName(name) && !name.hasPrefix("_") }

    /// What a caller sees of an etcd failure.
    func failure(_ error: EtcdError, _ what: String) -> StateStoreError {
        switch error {
        case .unavailable, .cancelled: .unavailable("\(what): \(error)")
        default: .io(path: what, reason: error.description)
        }
    }

    // MARK: Lock

    public func lock(cluster: String, operation: String) async throws -> LockInfo {
        let key = try lockKey(cluster)
        let ttlSeconds = Int(leaseTTL.components.seconds)
        var info = LockInfo(
            id: UUID().uuidString, cluster: cluster, host: hostName, pid: processID, operation: operation,
            startedAt: Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down)))
        let sent = ContinuousClock.now
        let lease: Int
        let result: EtcdClient.TxnResult
        do {
            lease = try await client.grantLease(ttl: ttlSeconds)
            result = try await client.txn(
                if: [.createRevision(key, equals: 0)], then: [.put(key, try Self.encode(info), lease: lease), .get(key)], else: [.get(key)])
        } catch let error as EtcdError {
            throw failure(error, key)
        }
        let current = result.ranges.first?.first
        // A retried transaction whose first attempt took the lock finds our own id there: that is a success too.
        let ours = current.flatMap { try? Self.decodeLock($0) }.map { $0.id == info.id } ?? false
        guard result.succeeded || ours, let current else {
            try? await client.revokeLease(lease)
            if let current, let holder = try? Self.decodeLock(current) { throw StateStoreError.locked(holder) }
            throw StateStoreError.io(path: key, reason: "the lock is taken but cannot be read")
        }
        info.fencingToken = current.createRevision
        let h = Held(lock: info, key: key, lease: lease, token: current.createRevision, validUntil: sent + leaseTTL - safetyMargin)
        held.withLock { $0[info.id] = h }
        let task = Task(priority: .high) { [weak self] () async -> Void in await self?.keepAlive(lockID: info.id, lease: lease) }
        held.withLock { $0[info.id]?.keepalive = task }
        return info
    }

    /// Renews the lease every TTL/3 until the lock is released or lost; moves `validUntil` with each
    /// acknowledged keepalive's send time.
    private func keepAlive(lockID: String, lease: Int) async {
        let ttlSeconds = Int(leaseTTL.components.seconds)
        while !Task.isCancelled {
            do { try await Timers.sleep(for: leaseTTL / 3) } catch { return }
            let sent = ContinuousClock.now
            do {
                let granted = try await client.keepAlive(lease: lease)
                if granted <= 0 {
                    markLost(lockID, "its lease expired in etcd")
                    return
                }
                held.withLock { h in
                    guard h[lockID]?.lostReason == nil else { return }
                    h[lockID]?.validUntil = sent + .seconds(min(granted, ttlSeconds)) - safetyMargin
                }
            } catch {
                // Keep trying: the lock stays usable until validUntil; confirm and the fenced writes refuse after.
                if case .cancelled = error { return }
            }
        }
    }

    /// Marks a lock lost for good: its keepalives stop and its lease is revoked (best effort), so a lock whose
    /// deadline passed during an outage is not kept alive by keepalives that succeed again once etcd is back.
    private func markLost(_ lockID: String, _ reason: String) {
        let lost = held.withLock { h -> Held? in
            guard var entry = h[lockID], entry.lostReason == nil else { return nil }
            entry.validUntil = nil
            entry.lostReason = reason
            h[lockID] = entry
            return entry
        }
        guard let lost else { return }
        lost.keepalive?.cancel()
        let client = self.client
        Task { try? await client.revokeLease(lost.lease) }
    }

    public func unlock(_ lock: LockInfo) async throws {
        guard let h = held.withLock({ $0.removeValue(forKey: lock.id) }) else { return }
        h.keepalive?.cancel()
        do {
            try await client.revokeLease(h.lease)
        } catch {
            // The lease runs out by itself within the TTL; the lock is not ours to act on anyway.
        }
    }

    public func forceUnlock(cluster: String, id: String) async throws {
        let key = try lockKey(cluster)
        do {
            guard let current = try await client.range(key).kvs.first else { throw StateStoreError.notLocked(cluster: cluster) }
            let info = try Self.decodeLock(current)
            guard info.id == id else { throw StateStoreError.lockIDMismatch(cluster: cluster, expected: info.id, given: id) }
            let result = try await client.txn(if: [.modRevision(key, equals: current.modRevision)], then: [.delete(key)])
            if !result.succeeded { throw StateStoreError.io(path: key, reason: "the lock changed while removing it; look again") }
            if current.lease != 0 { try? await client.revokeLease(current.lease) }
        } catch let error as EtcdError {
            throw failure(error, key)
        }
    }

    public func currentLock(cluster: String) async throws -> LockInfo? {
        let key = try lockKey(cluster)
        do {
            guard let kv = try await client.range(key).kvs.first else { return nil }
            return try Self.decodeLock(kv)
        } catch let error as EtcdError {
            throw failure(error, key)
        }
    }

    /// The lock key exists only while its holder keeps the lease alive.
    public func isHolderAlive(_ lock: LockInfo) async -> Bool { true }

    public func confirm(_ lock: LockInfo) async throws {
        let h = try usable(lock.cluster, lockID: lock.id)
        do {
            let current = try await client.range(h.key).kvs.first
            guard current?.createRevision == h.token else {
                markLost(lock.id, "the lock key is gone or was taken again")
                throw StateStoreError.lockLost(cluster: lock.cluster, reason: "the lock key is gone or was taken again")
            }
        } catch let error as EtcdError {
            throw failure(error, h.key)
        }
        _ = try usable(lock.cluster, lockID: lock.id)
    }

    /// The held lock, if it may still be acted on; throws `lockLost` otherwise.
    private func usable(_ cluster: String, lockID: String) throws -> Held {
        guard let h = held.withLock({ $0[lockID] }) else {
            throw StateStoreError.lockLost(cluster: cluster, reason: "this process does not hold that lock")
        }
        if let reason = h.lostReason { throw StateStoreError.lockLost(cluster: cluster, reason: reason) }
        guard let until = h.validUntil, ContinuousClock.now < until else {
            markLost(lockID, "no keepalive was acknowledged within the lease (TTL \(leaseTTL) less a margin of \(safetyMargin))")
            throw StateStoreError.lockLost(cluster: cluster, reason: held.withLock { $0[lockID]?.lostReason } ?? "lease ran out")
        }
        return h
    }

    /// The comparisons that fence a write for `cluster`: the lock key still carries this store's token, when
    /// this store holds the cluster's lock; none otherwise (a write outside any lock, as `state migrate` does).
    private func fence(_ cluster: String) throws -> (compare: [EtcdClient.Compare], lockID: String?) {
        guard let h = held.withLock({ $0.values.first { $0.lock.cluster == cluster } }) else { return ([], nil) }
        let usable = try usable(cluster, lockID: h.lock.id)
        return ([.createRevision(usable.key, equals: usable.token)], usable.lock.id)
    }

    private func fencedPut(_ key: String, _ value: [UInt8], cluster: String) async throws {
        let (compare, lockID) = try fence(cluster)
        do {
            if compare.isEmpty {
                try await client.put(key, value)
                return
            }
            let result = try await client.txn(if: compare, then: [.put(key, value)])
            if !result.succeeded {
                if let lockID { markLost(lockID, "etcd refused a write fenced by its token") }
                throw StateStoreError.lockLost(cluster: cluster, reason: "etcd refused a write fenced by its token (the lock key is gone or was taken again)")
            }
        } catch let error as EtcdError {
            throw failure(error, key)
        }
    }

    // MARK: Inventory and journal

    public func inventory(cluster: String) async throws -> Inventory {
        let key = try inventoryKey(cluster)
        let kv: EtcdClient.KeyValue?
        do {
            kv = try await client.range(key).kvs.first
        } catch {
            throw failure(error, key)
        }
        guard let kv else { return Inventory(cluster: cluster) }
        return try StateCoding.inventory(from: kv.value, cluster: cluster, path: key)
    }

    public func saveInventory(_ inventory: Inventory) async throws {
        let key = try inventoryKey(inventory.cluster)
        try await fencedPut(key, try Self.encode(inventory), cluster: inventory.cluster)
    }

    public func append(_ entry: JournalEntry, cluster: String) async throws {
        let nanoseconds = UInt64(max(0, entry.time.timeIntervalSince1970) * 1_000_000_000)
        let key = try journalPrefix(cluster) + String(format: "%020llu-%08x", nanoseconds, UInt32.random(in: 0...UInt32.max))
        try await fencedPut(key, try Self.encode(entry), cluster: cluster)
    }

    public func journal(cluster: String) async throws -> [JournalEntry] {
        let prefix = try journalPrefix(cluster)
        do {
            let decoder = StateCoding.decoder()
            return try await client.range(prefix, prefix: true, byCreation: true).kvs.map { kv in
                do {
                    return try decoder.decode(JournalEntry.self, from: Data(kv.value))
                } catch {
                    throw StateStoreError.corrupt(path: kv.key, reason: StateCoding.describe(error))
                }
            }
        } catch let error as EtcdError {
            throw failure(error, prefix)
        }
    }

    public func clusters() async throws -> [String] {
        let keys: [String]
        do {
            keys = try await client.range(prefix + "/", prefix: true, keysOnly: true).kvs.map(\.key)
        } catch {
            throw failure(error, prefix)
        }
        var names = Set<String>()
        for key in keys {
            guard let name = key.dropFirst(prefix.count + 1).split(separator: "/", maxSplits: 1).first.map(String.init) else { continue }
            if Self.isValidClusterName(name) { names.insert(name) }
        }
        return names.sorted()
    }

    // MARK: Coding

    /// Compact, sorted JSON: `StateCoding.lineEncoder`, as the journal file's lines.
    static func encode(_ value: some Encodable) throws -> [UInt8] { Array(try StateCoding.lineEncoder().encode(value)) }

    static func decodeLock(_ kv: EtcdClient.KeyValue) throws -> LockInfo {
        do {
            var info = try StateCoding.decoder().decode(LockInfo.self, from: Data(kv.value))
            info.fencingToken = kv.createRevision
            return info
        } catch {
            throw StateStoreError.corrupt(path: kv.key, reason: StateCoding.describe(error))
        }
    }
}
