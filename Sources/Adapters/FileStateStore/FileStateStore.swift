#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
public import Foundation
public import ProviderAPI
public import ReconcileModel

/// `StateStore` backed by plain files: one directory per cluster under `directory` (by default `state/`).
///
/// ```
/// <directory>/                 0700, created on the first write
///   <cluster>/                 0700
///     lock.json                0600  LockInfo as pretty JSON; exists only while a run holds the lock
///     inventory.json           0600  Inventory: pretty JSON, sorted keys, ISO-8601 dates; replaced atomically
///     journal.jsonl            0600  one JournalEntry JSON object per line; append-only, fsync'd per entry
/// ```
///
/// - Cluster names must match `[A-Za-z0-9._-]+` and not be `.` or `..`; anything else throws `.io`.
/// - Reads never create anything: under `--dry-run` a missing state directory stays missing.
/// - `inventory.json` is written to `.inventory.json.tmp-<random>` (0600 at open), fsync'd, renamed over the
///   old file and the directory fsync'd, so a reader sees the old or the new inventory, never a mix. A file
///   that cannot be decoded, or has a `version` newer than `Inventory.currentVersion`, is reported as
///   `.corrupt` and left untouched.
/// - `journal.jsonl` is opened `O_APPEND`; each entry is one `write(2)` followed by `fsync` before `append`
///   returns. A last line an interrupted write left unterminated and undecodable is ignored when reading (and
///   trimmed by the next `append`); an undecodable line anywhere else is `.corrupt` with its line number.
/// - `lock.json` is created exclusively (see `lock(cluster:operation:)`); a corrupt lock is reported as
///   `.corrupt` and never deleted automatically.
///
/// The store holds no mutable state: all coordination is through the file system, so several instances (or
/// processes) can share one directory.
public final class FileStateStore: StateStore {
    /// The state root (e.g. `state/`).
    public let directory: URL
    /// Recorded as `LockInfo.host`; a lock is taken over only when its holder ran on this host.
    public let hostName: String
    /// Recorded as `LockInfo.pid`.
    public let processID: Int32
    let now: @Sendable () -> Date
    let rootPath: String

    static let lockFile = "lock.json"
    static let inventoryFile = "inventory.json"
    static let journalFile = "journal.jsonl"
    static let stateFiles = [lockFile, inventoryFile, journalFile]

    /// - Parameters:
    ///   - directory: the state root; created (0700) on the first write, never by a read.
    ///   - now: clock for `LockInfo.startedAt`.
    ///   - hostName: defaults to `gethostname(2)`.
    ///   - processID: defaults to `getpid(2)`.
    public init(
        directory: URL,
        now: @escaping @Sendable () -> Date = Date.init,
        hostName: String? = nil,
        processID: Int32? = nil
    ) {
        self.directory = directory
        self.now = now
        self.hostName = hostName ?? FileStateStore.systemHostName()
        self.processID = processID ?? getpid()
        var root = directory.standardizedFileURL.path
        while root.count > 1, root.hasSuffix("/") { root.removeLast() }
        self.rootPath = root
    }

    static func systemHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Paths

    struct ClusterPaths {
        var directory: String
        var lock: String { "\(directory)/\(FileStateStore.lockFile)" }
        var inventory: String { "\(directory)/\(FileStateStore.inventoryFile)" }
        var journal: String { "\(directory)/\(FileStateStore.journalFile)" }
    }

    /// Whether `name` is usable as a single path component (`StateCoding.isValidClusterName`).
    public static func isValidClusterName(_ name: String) -> Bool { StateCoding.isValidClusterName(name) }

    func paths(for cluster: String) throws -> ClusterPaths {
        guard Self.isValidClusterName(cluster) else {
            throw StateStoreError.io(
                path: "\(rootPath)/\(cluster)",
                reason: "invalid cluster name \"\(cluster)\" (allowed: letters, digits, '.', '_', '-'; not '.' or '..')"
            )
        }
        return ClusterPaths(directory: "\(rootPath)/\(cluster)")
    }

    /// Creates the state root and the cluster directory (0700) if needed. Only write paths call this.
    func prepareDirectory(_ paths: ClusterPaths) throws {
        try POSIXFiles.makeDirectories(paths.directory)
    }

    // MARK: Inventory

    public func inventory(cluster: String) async throws -> Inventory {
        let paths = try paths(for: cluster)
        guard let bytes = try POSIXFiles.contents(of: paths.inventory) else { return Inventory(cluster: cluster) }
        return try StateCoding.inventory(from: bytes, cluster: cluster, path: paths.inventory)
    }

    public func saveInventory(_ inventory: Inventory) async throws {
        let paths = try paths(for: inventory.cluster)
        let bytes: [UInt8]
        do {
            bytes = Array(try StateCoding.prettyEncoder().encode(inventory)) + [UInt8(ascii: "\n")]
        } catch {
            throw StateStoreError.io(path: paths.inventory, reason: "encode: \(StateCoding.describe(error))")
        }
        try prepareDirectory(paths)
        try POSIXFiles.atomicReplace(bytes, directory: paths.directory, name: Self.inventoryFile)
    }

    // MARK: Listing

    /// Subdirectories of the state root (with a valid cluster name) holding a lock, inventory or journal,
    /// sorted. A missing root is an empty list.
    public func clusters() async throws -> [String] {
        guard POSIXFiles.isDirectory(rootPath) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: rootPath)
        } catch {
            throw StateStoreError.corrupt(path: rootPath, reason: "list directory: \(error.localizedDescription)")
        }
        return names.filter { name in
            guard Self.isValidClusterName(name), POSIXFiles.isDirectory("\(rootPath)/\(name)") else { return false }
            return Self.stateFiles.contains { POSIXFiles.isRegularFile("\(rootPath)/\(name)/\($0)") }
        }
        .sorted()
    }
}
