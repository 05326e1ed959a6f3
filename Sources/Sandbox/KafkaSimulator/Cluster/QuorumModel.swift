/// The KRaft metadata quorum (`__cluster_metadata` partition 0) as DescribeQuorum reports it (kafka.md §1.7).
///
/// - Leader: the lowest-id running voter that is caught up (else the lowest-id running one, so a restarted
///   voter only takes over once it has caught up), or none (-1) while any live node runs with `lose-quorum`.
/// - Offsets grow with wall time (20 records/s) so lag shows as `leader.LogEndOffset - voter.LogEndOffset`.
/// - A restarted voter lags (its LogEndOffset and LastCaughtUpTimestamp stay where its previous incarnation
///   left them) until its `quorumCaughtUpAtMs`; a down voter keeps the values of its last sighting.
public struct QuorumModel: Sendable {
    public struct Replica: Sendable, Equatable {
        public var id: Int32
        public var logEndOffset: Int64
        public var lastFetchTimestamp: Int64
        public var lastCaughtUpTimestamp: Int64
    }

    public var leaderId: Int32
    public var leaderEpoch: Int32
    public var highWatermark: Int64
    public var voters: [Replica]
    public var observers: [Replica]
    /// Controller endpoints of the voters that have a record (DescribeQuorum v2 `Nodes`).
    public var nodes: [(id: Int32, endpoints: [BrokerRecord.Endpoint])]

    static let recordsPerSecond: Int64 = 20
    static let offsetBaseMs: Int64 = 1_700_000_000_000

    /// The log end offset a caught-up replica has at `timeMs`.
    public static func offset(at timeMs: Int64) -> Int64 {
        max(0, (timeMs - offsetBaseMs) * recordsPerSecond / 1000)
    }

    public init(voterIds: [Int32], snapshot: ClusterSnapshot) {
        let now = snapshot.nowMs
        let quorumLost = snapshot.records.values.contains {
            snapshot.isAlive($0.nodeId) && $0.misbehaviours.contains(Misbehaviour.loseQuorum.description)
        }
        let running = voterIds.sorted().filter { snapshot.isRunning($0) }
        let caughtUp = running.first { snapshot.records[$0]?.isQuorumCaughtUp(at: now) == true }
        let leader = quorumLost ? nil : caughtUp ?? running.first
        leaderId = leader ?? -1
        leaderEpoch = snapshot.epoch(voterIds)
        highWatermark = leader == nil ? -1 : Self.offset(at: now)

        func replica(_ id: Int32) -> Replica {
            guard let record = snapshot.records[id] else {
                return Replica(id: id, logEndOffset: -1, lastFetchTimestamp: -1, lastCaughtUpTimestamp: -1)
            }
            if id == leader {
                return Replica(
                    id: id, logEndOffset: Self.offset(at: now), lastFetchTimestamp: -1, lastCaughtUpTimestamp: now)
            }
            let previousCaughtUp = record.previousCaughtUp == true ? record.previousSeenAtMs : nil
            if snapshot.isAlive(id) {
                if record.isQuorumCaughtUp(at: now) {
                    return Replica(
                        id: id, logEndOffset: Self.offset(at: now), lastFetchTimestamp: now, lastCaughtUpTimestamp: now)
                }
                let frozen = record.previousSeenAtMs.map(Self.offset(at:)) ?? 0
                return Replica(
                    id: id, logEndOffset: frozen, lastFetchTimestamp: now, lastCaughtUpTimestamp: previousCaughtUp ?? -1
                )
            }
            // Down: what the leader last saw of it.
            let seen = record.lastSeenAtMs
            let wasCaughtUp = record.quorumCaughtUpAtMs.map { $0 <= seen } ?? false
            return Replica(
                id: id,
                logEndOffset: wasCaughtUp ? Self.offset(at: seen) : record.previousSeenAtMs.map(Self.offset(at:)) ?? 0,
                lastFetchTimestamp: seen, lastCaughtUpTimestamp: wasCaughtUp ? seen : previousCaughtUp ?? -1)
        }

        voters = voterIds.map(replica)
        observers = snapshot.records.keys.sorted().filter { id in
            !voterIds.contains(id) && snapshot.isAlive(id) && snapshot.records[id]?.isBroker == true
        }.map(replica)
        nodes = voterIds.compactMap { id in
            guard let record = snapshot.records[id], !record.controllerEndpoints.isEmpty else { return nil }
            return (id, record.controllerEndpoints)
        }
    }
}
