/// The pure health gates of a roll (kafka.md §4.3): the pre-restart gate, evaluated on a fresh snapshot before
/// every restart, and the post-restart conditions, polled after it. Both judge a `ClusterHealth` value only.
public enum Gates {
    /// May `candidate` be restarted now? See `preRestartReport` for the rules.
    public static func preRestart(
        candidate: Int, health: ClusterHealth, policy: GatePolicy, expectedBrokers: Set<Int>,
        controllers: Set<Int>? = nil
    ) -> GateResult {
        preRestartReport(
            candidate: candidate, health: health, policy: policy, expectedBrokers: expectedBrokers,
            controllers: controllers
        ).result
    }

    /// The pre-restart gate with its non-blocking notes. Blocks, with one reason per finding, when:
    /// 1. the snapshot is incomplete (`observationErrors`);
    /// 2. any expected broker other than the candidate does not answer ApiVersions, is not in the Metadata
    ///    broker list, or is in log recovery: restarting the candidate would make two brokers down. The
    ///    candidate's own absence does not block (that is how a down node gets restarted first);
    /// 3. the candidate is in log recovery (restarting it only restarts the recovery);
    /// 4. a partition is leaderless (−1) or has error 5 or 72, or has offline replicas;
    /// 5. strict: a partition is under-replicated anywhere; minIsr: Strimzi's broker rule for the candidate;
    /// 6. the candidate is a controller and Strimzi's controller rule fails, or a controller is missing
    ///    from the voters.
    /// In 4 and 5, what a down candidate alone causes is excused (see `ReplicationRules`).
    ///
    /// - Parameter controllers: the cluster's controller-role nodes. When nil, the candidate is a controller
    ///   if DescribeQuorum lists it as a voter (and the gate blocks if the quorum was not read).
    public static func preRestartReport(
        candidate: Int, health: ClusterHealth, policy: GatePolicy, expectedBrokers: Set<Int>,
        controllers: Set<Int>? = nil
    ) -> GateReport {
        var reasons = health.observationErrors.map { "incomplete health snapshot: \($0)" }
        var notes: [String] = []

        for node in expectedBrokers.union(controllers ?? []).sorted() where node != candidate {
            if let why = health.downReason(node) { reasons.append(why) }
        }
        if health.brokersInRecovery.contains(candidate) {
            reasons.append("broker \(candidate) is in log recovery; restarting it would only restart the recovery")
        }
        let candidateDown = !health.reachable.contains(candidate) || !health.registeredBrokers.contains(candidate)
        if candidateDown, let why = health.downReason(candidate) {
            notes.append("\(why); restarting it cannot take anything else down")
        }

        reasons += ReplicationRules.availabilityBlockers(
            candidate: candidate, candidateDown: candidateDown, partitions: health.partitions)
        switch policy.underReplicated {
        case .strict:
            reasons += ReplicationRules.strictBlockers(
                candidate: candidate, candidateDown: candidateDown, partitions: health.partitions)
        case .minIsr:
            let rule = ReplicationRules.minIsrBlockers(candidate: candidate, health: health)
            reasons += rule.blockers
            notes += rule.notes
        }

        reasons += controllerBlockers(candidate: candidate, health: health, policy: policy, controllers: controllers)
        return GateReport(result: reasons.isEmpty ? .pass : .blocked(reasons), notes: notes)
    }

    /// Strimzi's controller rule for a controller candidate, plus "every controller is a voter".
    static func controllerBlockers(
        candidate: Int, health: ClusterHealth, policy: GatePolicy, controllers: Set<Int>?
    ) -> [String] {
        guard let quorum = health.quorum else {
            if let controllers, !controllers.contains(candidate) { return [] }
            return ["DescribeQuorum was not read, so the controller rule cannot be checked for broker \(candidate)"]
        }
        let voters = Set(quorum.voters.map(\.id))
        guard controllers?.contains(candidate) ?? voters.contains(candidate) else { return [] }
        var reasons: [String] = []
        for missing in (controllers ?? []).subtracting(voters).sorted() {
            reasons.append("controller \(missing) is not among the quorum's voters")
        }
        return reasons + quorum.blockers(restarting: candidate, policy: policy)
    }

    /// Whether `node` is a controller: from `controllers` if known, else from the voters.
    static func isController(_ node: Int, health: ClusterHealth, controllers: Set<Int>?) -> Bool {
        if let controllers { return controllers.contains(node) }
        return health.quorum?.voter(node) != nil
    }
}
