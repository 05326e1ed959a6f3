/// The cluster as one answer sees it: every node's record, which of them are up, and "now".
///
/// Pure: all of Metadata, DescribeCluster and DescribeQuorum are functions of a snapshot (and the receiving
/// node's config), so tests can build snapshots by hand.
public struct ClusterSnapshot: Sendable {
    public let takenAtMs: Int64
    public let nowMs: Int64
    public let records: [Int32: BrokerRecord]
    /// Ids whose process is up (state starting, fenced or running; heartbeat fresh; pid present).
    public let alive: Set<Int32>

    public init(takenAtMs: Int64, nowMs: Int64, records: [BrokerRecord], alive: Set<Int32>) {
        self.takenAtMs = takenAtMs
        self.nowMs = nowMs
        self.records = Dictionary(records.map { ($0.nodeId, $0) }, uniquingKeysWith: { first, _ in first })
        self.alive = alive
    }

    private init(takenAtMs: Int64, nowMs: Int64, records: [Int32: BrokerRecord], alive: Set<Int32>) {
        self.takenAtMs = takenAtMs
        self.nowMs = nowMs
        self.records = records
        self.alive = alive
    }

    /// The same records and liveness, with time-dependent answers (ISR, catch-up) evaluated at `now`.
    public func at(_ now: Int64) -> ClusterSnapshot {
        ClusterSnapshot(takenAtMs: takenAtMs, nowMs: now, records: records, alive: alive)
    }

    public func isAlive(_ id: Int32) -> Bool { alive.contains(id) }

    /// Registered and unfenced: what KRaft lists in Metadata.
    public func isRunning(_ id: Int32) -> Bool { isAlive(id) && records[id]?.state == .running }

    public func isFenced(_ id: Int32) -> Bool { isAlive(id) && records[id]?.state == .fenced }

    public func isInSync(_ id: Int32) -> Bool { isRunning(id) && (records[id]?.isInSync(at: nowMs) ?? false) }

    /// Running brokers registered on `listener`, sorted by id, with that listener's endpoint.
    public func runningBrokers(on listener: String) -> [(id: Int32, endpoint: BrokerRecord.Endpoint, rack: String?)] {
        records.keys.sorted().compactMap { id in
            guard isRunning(id), let record = records[id], record.isBroker, let endpoint = record.endpoint(listener)
            else { return nil }
            return (id, endpoint, record.rack)
        }
    }

    /// Fenced (registered, alive) brokers on `listener`, for DescribeCluster v2 `IncludeFencedBrokers`.
    public func fencedBrokers(on listener: String) -> [(id: Int32, endpoint: BrokerRecord.Endpoint, rack: String?)] {
        records.keys.sorted().compactMap { id in
            guard isFenced(id), let record = records[id], record.isBroker, let endpoint = record.endpoint(listener)
            else { return nil }
            return (id, endpoint, record.rack)
        }
    }

    /// A random running broker id, or -1: KRaft brokers fill Metadata/DescribeCluster `ControllerId` this way.
    public func randomRunningBrokerId() -> Int32 {
        records.keys.filter { isRunning($0) && records[$0]?.isBroker == true }.randomElement() ?? -1
    }

    /// The ids partitions are assigned over: `simulator.broker.ids` if given, else the voters (combined nodes
    /// unless their record says controller-only) plus every broker that ever registered in this directory.
    public func assignmentBrokerIds(configured: [Int32]?, voters: [Int32]) -> [Int32] {
        if let configured, !configured.isEmpty { return Array(Set(configured)).sorted() }
        var ids = Set(voters.filter { records[$0]?.isBroker ?? true })
        for (id, record) in records where record.isBroker { ids.insert(id) }
        return ids.sorted()
    }

    /// The event time that only moves forward: per node, its unfence/catch-up time while up, its last sighting
    /// while down; the maximum over `ids`. Leader epochs are derived from it so they never go backwards.
    public func lastEventMs(_ ids: [Int32]) -> Int64 {
        var latest: Int64 = 0
        for id in ids {
            guard let record = records[id] else { continue }
            if isAlive(id) {
                latest = max(latest, record.startedAtMs, record.unfencedAtMs ?? 0)
                if let join = record.isrJoinAtMs, join <= nowMs { latest = max(latest, join) }
            } else {
                latest = max(latest, record.lastSeenAtMs)
            }
        }
        return latest
    }

    /// An INT32 epoch (seconds since 2023-11-14) from ``lastEventMs(_:)``.
    public func epoch(_ ids: [Int32]) -> Int32 {
        let seconds = (lastEventMs(ids) - 1_700_000_000_000) / 1000
        return Int32(clamping: max(0, seconds))
    }
}
