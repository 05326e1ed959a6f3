/// The partition rules of both gates (kafka.md §4.1-4.3), each returning reasons that name the partitions.
///
/// "Down" candidate: a candidate that already does not answer or is not registered has already lost its
/// replicas, so the conditions that are caused by it alone (its replicas offline or out of the ISR, a
/// partition whose only in-sync replica it is) cannot get worse by restarting it, and restarting it is how
/// they get repaired. Those conditions are excused for a down candidate only; everything else must be healthy.
enum ReplicationRules {
    /// How many partitions a single reason lists before summarising the rest.
    static let listLimit = 10

    /// No partition leaderless (−1) or with error 5 (LEADER_NOT_AVAILABLE) or 72 (LISTENER_NOT_FOUND), none
    /// with offline replicas.
    static func availabilityBlockers(candidate: Int, candidateDown: Bool, partitions: [PartitionHealth]) -> [String] {
        var leaderless: [String] = []
        var listenerMissing: [String] = []
        var offline: [String] = []
        for partition in partitions {
            let onlyCandidateInSync = Set(partition.isr).isSubset(of: [candidate])
                && partition.replicas.contains(candidate)
            let excusedLeaderless = candidateDown && onlyCandidateInSync
            if partition.leaderID < 0 || partition.errorCode == 5, !excusedLeaderless {
                leaderless.append(partition.summary)
            }
            if partition.errorCode == 72 { listenerMissing.append(partition.summary) }
            let excusedOffline = candidateDown && Set(partition.offlineReplicas).isSubset(of: [candidate])
            if !partition.offlineReplicas.isEmpty, !excusedOffline { offline.append(partition.summary) }
        }
        return capped(leaderless, "has no leader")
            + capped(listenerMissing, "has a leader without this listener (error 72)")
            + capped(offline, "has offline replicas")
    }

    /// Strict: zero under-replicated partitions cluster-wide (a down candidate's own absence excused).
    static func strictBlockers(candidate: Int, candidateDown: Bool, partitions: [PartitionHealth]) -> [String] {
        let under = partitions.filter { partition in
            guard partition.isUnderReplicated else { return false }
            return !(candidateDown && partition.outOfSync.isSubset(of: [candidate]))
        }
        return capped(under.map(\.summary), "is under-replicated")
    }

    /// Strimzi's broker rule, exactly: do not restart `candidate` if a partition with a replica on it has
    /// `|ISR| < minISR`, or `|ISR| == minISR` with the candidate in the ISR and `minISR < |replicas|`.
    /// Partitions with `|replicas| ≤ minISR` never block; they are returned as notes.
    static func minIsrBlockers(candidate: Int, health: ClusterHealth) -> (blockers: [String], notes: [String]) {
        var belowMin: [String] = []
        var atMin: [String] = []
        var notes: [String] = []
        for partition in health.partitions where partition.replicas.contains(candidate) {
            let minISR = health.minISR(of: partition.topic)
            let replicas = Set(partition.replicas).count
            let isr = Set(partition.isr)
            if replicas <= minISR {
                notes.append(
                    "\(partition.summary) has \(replicas) replica(s) and min.insync.replicas \(minISR): restarting"
                        + " broker \(candidate) leaves it under min ISR, which cannot be avoided")
            } else if isr.count < minISR {
                belowMin.append("\(partition.summary), min.insync.replicas \(minISR)")
            } else if isr.count == minISR, isr.contains(candidate) {
                atMin.append("\(partition.summary), min.insync.replicas \(minISR)")
            }
        }
        let blockers = capped(belowMin, "is already below its min ISR and broker \(candidate) has a replica")
            + capped(atMin, "is at its min ISR and broker \(candidate) is in the ISR")
        return (blockers, notes)
    }

    /// After a restart, strict: no under-replicated partition anywhere.
    static func strictLeftovers(partitions: [PartitionHealth]) -> [String] {
        capped(partitions.filter(\.isUnderReplicated).map(\.summary), "is under-replicated")
    }

    /// After a restart, minIsr: the node is back in the ISR of each of its partitions, and no partition whose
    /// replication factor exceeds its minISR is below its min ISR.
    static func minIsrLeftovers(node: Int, health: ClusterHealth) -> [String] {
        var notRejoined: [String] = []
        var belowMin: [String] = []
        for partition in health.partitions {
            let minISR = health.minISR(of: partition.topic)
            if partition.replicas.contains(node), !partition.isr.contains(node) {
                notRejoined.append(partition.summary)
            }
            if Set(partition.replicas).count > minISR, Set(partition.isr).count < minISR {
                belowMin.append("\(partition.summary), min.insync.replicas \(minISR)")
            }
        }
        return capped(notRejoined, "does not have broker \(node) back in its ISR")
            + capped(belowMin, "is below its min ISR")
    }

    /// One reason per partition, at most `listLimit`, then one summarising the rest.
    static func capped(_ items: [String], _ what: String) -> [String] {
        var out = items.prefix(listLimit).map { "partition \($0) \(what)" }
        if items.count > listLimit { out.append("\(items.count - listLimit) more partition(s) \(what)") }
        return out
    }
}
