public import Foundation
public import ProviderAPI
public import ReconcileModel

/// `StateStore` in memory, with the real lock semantics (a live holder blocks, a dead one is taken over,
/// unlock checks the id), a history of every saved inventory, and injectable write failures.
public actor InMemoryStateStore: StateStore {
    public let host: String
    public let pid: Int32
    private let now: @Sendable () -> Date
    private var locks: [String: LockInfo] = [:]
    private var deadHolders: Set<String> = []
    private var inventories: [String: Inventory] = [:]
    private var journals: [String: [JournalEntry]] = [:]
    private var saves: [String: [Inventory]] = [:]
    private var saveFailures: [String] = []
    private var appendFailures: [String] = []
    private var nextLock = 1

    public init(
        inventories: [Inventory] = [],
        host: String = "test-host",
        pid: Int32 = 4242,
        now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_700_000_000) }
    ) {
        self.host = host
        self.pid = pid
        self.now = now
        for inventory in inventories { self.inventories[inventory.cluster] = inventory }
    }

    // MARK: - Test controls

    /// The next `saveInventory` calls throw `StateStoreError.io` (one per message).
    public func failNextSaves(_ reasons: String...) { saveFailures += reasons }
    /// The next `append` calls throw `StateStoreError.io` (one per message).
    public func failNextAppends(_ reasons: String...) { appendFailures += reasons }
    /// Marks a lock's holder as gone, so the next `lock` takes the lock over.
    public func markHolderDead(_ lockID: String) { deadHolders.insert(lockID) }
    /// Every inventory saved for the cluster, oldest first.
    public func savedInventories(cluster: String) -> [Inventory] { saves[cluster] ?? [] }
    public func saveCount(cluster: String) -> Int { saves[cluster]?.count ?? 0 }
    public var allJournals: [String: [JournalEntry]] { journals }
    public var allInventories: [String: Inventory] { inventories }

    // MARK: - Locks

    public func lock(cluster: String, operation: String) async throws -> LockInfo {
        if let held = locks[cluster], await isHolderAlive(held) { throw StateStoreError.locked(held) }
        let info = LockInfo(id: "lock-\(nextLock)", cluster: cluster, host: host, pid: pid, operation: operation,
                            startedAt: now())
        nextLock += 1
        locks[cluster] = info
        return info
    }

    public func unlock(_ lock: LockInfo) async throws {
        guard let held = locks[lock.cluster] else { return }
        guard held.id == lock.id else {
            throw StateStoreError.lockIDMismatch(cluster: lock.cluster, expected: held.id, given: lock.id)
        }
        locks.removeValue(forKey: lock.cluster)
    }

    public func forceUnlock(cluster: String, id: String) async throws {
        guard let held = locks[cluster] else { throw StateStoreError.notLocked(cluster: cluster) }
        guard held.id == id else { throw StateStoreError.lockIDMismatch(cluster: cluster, expected: held.id, given: id) }
        locks.removeValue(forKey: cluster)
    }

    public func currentLock(cluster: String) async throws -> LockInfo? { locks[cluster] }

    public func isHolderAlive(_ lock: LockInfo) async -> Bool { !deadHolders.contains(lock.id) }

    public func confirm(_ lock: LockInfo) async throws {
        guard locks[lock.cluster]?.id == lock.id else { throw StateStoreError.lockLost(cluster: lock.cluster, reason: "the lock is not this one") }
    }

    // MARK: - Inventory and journal

    public func inventory(cluster: String) async throws -> Inventory {
        inventories[cluster] ?? Inventory(cluster: cluster)
    }

    public func saveInventory(_ inventory: Inventory) async throws {
        if !saveFailures.isEmpty {
            throw StateStoreError.io(path: "memory://\(inventory.cluster)/inventory.json", reason: saveFailures.removeFirst())
        }
        inventories[inventory.cluster] = inventory
        saves[inventory.cluster, default: []].append(inventory)
    }

    public func append(_ entry: JournalEntry, cluster: String) async throws {
        if !appendFailures.isEmpty {
            throw StateStoreError.io(path: "memory://\(cluster)/journal.jsonl", reason: appendFailures.removeFirst())
        }
        journals[cluster, default: []].append(entry)
    }

    public func journal(cluster: String) async throws -> [JournalEntry] { journals[cluster] ?? [] }

    public func clusters() async throws -> [String] {
        Set(inventories.keys).union(journals.keys).union(locks.keys).sorted()
    }
}
