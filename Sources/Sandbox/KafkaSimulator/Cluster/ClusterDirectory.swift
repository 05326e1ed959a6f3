import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The shared state directory of one simulated cluster (`simulator.cluster.dir`): one `broker-<id>.json` per node,
/// each written only by its own process. Separate processes in separate network namespaces share it through /tmp.
///
/// Reads are cached for ``refreshMs`` so a burst of requests costs one directory scan; every answer is computed
/// from a snapshot no older than that, so clients connected to any broker see restarts of the others.
public final class ClusterDirectory: Sendable {
    public let path: String
    public let staleMs: Int64
    public let refreshMs: Int64
    private let cache = Mutex<ClusterSnapshot?>(nil)
    private let localHostName = SimulatorConfig.hostName

    public init(path: String, staleMs: Int64, refreshMs: Int64 = 100) {
        self.path = path
        self.staleMs = staleMs
        self.refreshMs = refreshMs
    }

    /// Creates the directory and any missing parents with mode 0777, so brokers running as different users
    /// (root in tests, `kafka` on the VMs) can share it and its parent.
    public func create() throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o777) == 0 {
                chmod(current, 0o777)
            } else if errno != EEXIST {
                throw ConfigError("cannot create cluster directory \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    public func recordPath(_ nodeId: Int32) -> String { "\(path)/broker-\(nodeId).json" }

    /// Replaces this node's file atomically (temporary file in the same directory, then rename).
    public func write(_ record: BrokerRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(record)
        let temporary = "\(path)/.broker-\(record.nodeId).json.\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ConfigError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        let written = data.withUnsafeBytes { buffer in Glibc.write(fd, buffer.baseAddress, buffer.count) }
        fchmod(fd, 0o644)
        close(fd)
        guard written == data.count else {
            unlink(temporary)
            throw ConfigError("cannot write \(temporary): short write")
        }
        guard rename(temporary, recordPath(record.nodeId)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ConfigError("cannot replace \(recordPath(record.nodeId)): \(reason)")
        }
        cache.withLock { $0 = nil }
    }

    public func read(_ nodeId: Int32) -> BrokerRecord? {
        guard let data = FileManager.default.contents(atPath: recordPath(nodeId)) else { return nil }
        return try? JSONDecoder().decode(BrokerRecord.self, from: data)
    }

    /// Every node's record (unparseable or foreign files are skipped).
    public func readAll() -> [BrokerRecord] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
        return names.compactMap { name -> BrokerRecord? in
            guard name.hasPrefix("broker-"), name.hasSuffix(".json"),
                let id = Int32(name.dropFirst("broker-".count).dropLast(".json".count))
            else { return nil }
            guard let record = read(id), record.nodeId == id else { return nil }
            return record
        }
    }

    /// The current view, re-read when the cached one is older than ``refreshMs``.
    public func snapshot(now: Int64 = WallClock.nowMs(), fresh: Bool = false) -> ClusterSnapshot {
        if !fresh, let cached = cache.withLock({ $0 }), now - cached.takenAtMs < refreshMs, now >= cached.takenAtMs {
            return cached.at(now)
        }
        let records = readAll()
        var alive: Set<Int32> = []
        for record in records where isAlive(record, now: now) { alive.insert(record.nodeId) }
        let snapshot = ClusterSnapshot(takenAtMs: now, nowMs: now, records: records, alive: alive)
        cache.withLock { $0 = snapshot }
        return snapshot
    }

    /// Up: a live state, a fresh heartbeat, and (on this host) a process with that pid.
    func isAlive(_ record: BrokerRecord, now: Int64) -> Bool {
        switch record.state {
        case .stopping, .stopped: return false
        case .starting, .fenced, .running: break
        }
        guard now - record.heartbeatAtMs <= staleMs else { return false }
        if record.hostName == localHostName && !Self.processExists(record.pid) { return false }
        return true
    }

    /// The pid names a process that has not exited (a zombie nobody reaped yet counts as gone).
    static func processExists(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 && errno == ESRCH { return false }
        guard let stat = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
            let close = stat.lastIndex(of: UInt8(ascii: ")")), close + 2 < stat.count
        else { return true }
        return stat[close + 2] != UInt8(ascii: "Z")
    }
}

/// Wall-clock milliseconds: the processes of one cluster compare each other's heartbeats, so a shared clock.
public enum WallClock {
    public static func nowMs() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public static func sleep(ms: Int64) {
        guard ms > 0 else { return }
        var request = timespec(tv_sec: Int(ms / 1000), tv_nsec: Int(ms % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
