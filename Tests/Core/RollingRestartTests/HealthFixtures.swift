import RollingRestart

/// Hand-built snapshots for the gate tables: a healthy three-node combined cluster that each case bends.
enum HealthFixtures {
    static let nodes: Set<Int> = [1, 2, 3]
    static let external = ["EXTERNAL": [1: "b1.k.example.com:9093", 2: "b2.k.example.com:9094", 3: "b3.k.example.com:9095"]]

    /// Topic `orders` (3 partitions, RF 3, minISR 2) fully in sync, quorum led by 1 with every voter caught up.
    static func healthy(leader: Int = 1, metadataSource: Int = 1) -> ClusterHealth {
        ClusterHealth(
            registeredBrokers: nodes,
            metadataSource: metadataSource,
            reachable: nodes,
            partitions: (0..<3).map { i in
                let replicas = [1, 2, 3].rotated(by: i)
                return PartitionHealth(topic: "orders", index: i, leaderID: replicas[0], replicas: replicas, isr: replicas)
            },
            minInsyncReplicas: ["orders": 2],
            quorum: quorum(leader: leader, timestamps: [1: 10_000, 2: 10_000, 3: 10_000]),
            externalEndpoints: external
        )
    }

    /// A quorum whose voters have the given lastCaughtUpTimestamps (ms); LEO 5000 for all unless given.
    static func quorum(leader: Int, timestamps: [Int: Int64], offsets: [Int: Int64] = [:]) -> QuorumHealth {
        QuorumHealth(
            leaderID: leader,
            voters: timestamps.keys.sorted().map { id in
                VoterState(id: id, logEndOffset: offsets[id] ?? 5000, lastCaughtUpTimestamp: timestamps[id]!)
            })
    }

    /// Replaces partition `index` of `orders` (or appends a partition of another topic).
    static func with(_ partition: PartitionHealth, in health: ClusterHealth) -> ClusterHealth {
        var health = health
        if let at = health.partitions.firstIndex(where: { $0.topic == partition.topic && $0.index == partition.index }) {
            health.partitions[at] = partition
        } else {
            health.partitions.append(partition)
        }
        return health
    }

    /// Makes `node` look stopped: unreachable, unregistered, out of every ISR, offline everywhere, and its
    /// voter lagging; partitions it led move to the next in-sync replica.
    static func down(_ node: Int, in health: ClusterHealth) -> ClusterHealth {
        var health = health
        health.reachable.remove(node)
        health.registeredBrokers.remove(node)
        health.partitions = health.partitions.map { partition in
            var partition = partition
            guard partition.replicas.contains(node) else { return partition }
            partition.isr.removeAll { $0 == node }
            partition.offlineReplicas.append(node)
            if partition.leaderID == node { partition.leaderID = partition.isr.first ?? -1 }
            return partition
        }
        health.externalEndpoints = health.externalEndpoints.mapValues { $0.filter { $0.key != node } }
        if var quorum = health.quorum, let at = quorum.voters.firstIndex(where: { $0.id == node }) {
            quorum.voters[at].lastCaughtUpTimestamp -= 60_000
            if quorum.leaderID == node { quorum.leaderID = quorum.voters.first { $0.id != node }!.id }
            health.quorum = quorum
        }
        return health
    }
}

extension Array {
    func rotated(by count: Int) -> [Element] {
        guard !isEmpty else { return self }
        let k = count % self.count
        return Array(self[k...] + self[..<k])
    }
}

extension GateResult {
    /// Every reason joined, for `contains` assertions.
    var text: String { reasons.joined(separator: " | ") }
}
