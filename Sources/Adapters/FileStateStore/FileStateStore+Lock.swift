#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
public import ProviderAPI

/// `<cluster>/lock.json`: who runs an apply (or import, or unlock) on the cluster right now.
///
/// - Acquire is exclusive: the new lock is written and fsync'd to a 0600 temp file opened
///   `O_CREAT|O_EXCL`, then published with `link(2)`, which fails if `lock.json` exists. Two processes can
///   never both get it, and nobody ever reads a half-written lock.
/// - If a lock exists and its holder ran on this host and `kill(pid, 0)` fails with ESRCH, it is taken over:
///   under an exclusive `flock` on the cluster directory the lock is re-read, and only if it still carries
///   the same id is a fresh lock renamed over it (so `lock.json` never disappears during a take-over and two
///   take-overs cannot both succeed). A holder on another host is never taken over.
/// - The lock id is a random UUID; `startedAt` is whole seconds, so the returned `LockInfo` equals the one
///   read back from the file.
extension FileStateStore {
    public func lock(cluster: String, operation: String) async throws -> LockInfo {
        let paths = try paths(for: cluster)
        let info = LockInfo(
            id: UUID().uuidString,
            cluster: cluster,
            host: hostName,
            pid: processID,
            operation: operation,
            startedAt: Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        )
        let bytes = try encodeLock(info, path: paths.lock)
        try prepareDirectory(paths)
        // Each round either creates the lock, meets a live holder, or finds the lock changed under it (released
        // or taken over by someone else) and looks again. Three rounds are plenty for that to settle.
        var lastSeen: LockInfo?
        for _ in 0..<3 {
            if try POSIXFiles.createExclusive(bytes, directory: paths.directory, name: Self.lockFile) { return info }
            guard let holder = try readLock(paths.lock) else { continue }
            lastSeen = holder
            if holderIsAlive(holder) { throw StateStoreError.locked(holder) }
            if try takeOver(stale: holder, with: bytes, paths: paths) { return info }
        }
        if let current = try readLock(paths.lock) ?? lastSeen { throw StateStoreError.locked(current) }
        throw StateStoreError.io(path: paths.lock, reason: "lock kept changing while acquiring it; try again")
    }

    /// Throws `lockLost` unless `lock.json` still carries `lock`'s id.
    public func confirm(_ lock: LockInfo) async throws {
        let paths = try paths(for: lock.cluster)
        let current = try readLock(paths.lock)
        guard let current, current.id == lock.id else {
            throw StateStoreError.lockLost(
                cluster: lock.cluster, reason: current.map { "the lock is now \($0.id), held by \($0.operation) (pid \($0.pid) on \($0.host))" } ?? "the lock was removed")
        }
    }

    /// Releases `lock` if `lock.json` still carries its id; otherwise (already released, or forced away and
    /// taken by someone else) does nothing.
    public func unlock(_ lock: LockInfo) async throws {
        let paths = try paths(for: lock.cluster)
        guard POSIXFiles.isDirectory(paths.directory) else { return }
        try POSIXFiles.withDirectoryLock(paths.directory) {
            guard let current = try readLock(paths.lock), current.id == lock.id else { return }
            try POSIXFiles.remove(paths.lock, directory: paths.directory)
        }
    }

    /// Removes the lock only when its id is `id`: `.notLocked` when there is none, `.lockIDMismatch` when it
    /// has another id. A corrupt lock is reported (`.corrupt`), never removed.
    public func forceUnlock(cluster: String, id: String) async throws {
        let paths = try paths(for: cluster)
        guard POSIXFiles.isDirectory(paths.directory) else { throw StateStoreError.notLocked(cluster: cluster) }
        try POSIXFiles.withDirectoryLock(paths.directory) {
            guard let current = try readLock(paths.lock) else { throw StateStoreError.notLocked(cluster: cluster) }
            guard current.id == id else {
                throw StateStoreError.lockIDMismatch(cluster: cluster, expected: current.id, given: id)
            }
            try POSIXFiles.remove(paths.lock, directory: paths.directory)
        }
    }

    public func currentLock(cluster: String) async throws -> LockInfo? {
        try readLock(paths(for: cluster).lock)
    }

    /// True for holders on other hosts (they cannot be checked), for this store's own pid, and for pids
    /// `kill(pid, 0)` finds (including EPERM: alive but someone else's). False only on ESRCH.
    public func isHolderAlive(_ lock: LockInfo) async -> Bool {
        holderIsAlive(lock)
    }

    func holderIsAlive(_ lock: LockInfo) -> Bool {
        guard lock.host == hostName else { return true }
        // pid 0 and negative pids would address process groups; never treat such a lock as provably stale.
        guard lock.pid > 0, lock.pid != processID else { return true }
        if kill(lock.pid, 0) == 0 { return true }
        return errno != ESRCH
    }

    // MARK: Helpers

    func readLock(_ path: String) throws -> LockInfo? {
        guard let bytes = try POSIXFiles.contents(of: path) else { return nil }
        do {
            return try StateCoding.decoder().decode(LockInfo.self, from: Data(bytes))
        } catch {
            throw StateStoreError.corrupt(
                path: path,
                reason: "\(StateCoding.describe(error)); it was not removed — inspect it and delete it by hand "
                    + "if no reconcile is running"
            )
        }
    }

    func encodeLock(_ info: LockInfo, path: String) throws -> [UInt8] {
        do {
            return Array(try StateCoding.prettyEncoder().encode(info)) + [UInt8(ascii: "\n")]
        } catch {
            throw StateStoreError.io(path: path, reason: "encode: \(StateCoding.describe(error))")
        }
    }

    /// Replaces the lock `stale` with `bytes` if, under the directory flock, `lock.json` still carries
    /// `stale.id`. `false` when the lock is gone or changed meanwhile (the caller looks again).
    func takeOver(stale: LockInfo, with bytes: [UInt8], paths: ClusterPaths) throws -> Bool {
        try POSIXFiles.withDirectoryLock(paths.directory) {
            guard let again = try readLock(paths.lock), again.id == stale.id, !holderIsAlive(again) else {
                return false
            }
            try POSIXFiles.atomicReplace(bytes, directory: paths.directory, name: Self.lockFile)
            return true
        }
    }
}
