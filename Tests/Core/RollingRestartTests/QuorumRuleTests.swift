import RollingRestart
import Testing

/// One row of the controller-rule table (Strimzi `KafkaQuorumCheck`): voters' lastCaughtUpTimestamps in ms,
/// the leader, the candidate, and whether the candidate may restart.
struct QuorumCase: Sendable, CustomTestStringConvertible {
    var reason: String
    var leader: Int
    var timestamps: [Int: Int64]
    var offsets: [Int: Int64] = [:]
    var candidate: Int
    var policy = GatePolicy()
    var passes: Bool
    var mentioning: String? = nil

    var testDescription: String { reason }
}

private let quorumCases: [QuorumCase] = [
    // N = 3: (3+2)/2 = 2 caught-up voters besides the candidate, i.e. both others.
    QuorumCase(
        reason: "N=3: a follower 1999 ms behind the leader is caught up, so a non-leader may restart",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 8_001], candidate: 2, passes: true),
    QuorumCase(
        reason: "N=3: a follower exactly 2000 ms behind is not caught up (the rule is strictly less than)",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 8_000], candidate: 2, passes: false,
        mentioning: "voter 3 last caught up 2000 ms before the leader 1"),
    QuorumCase(
        reason: "N=3: the lagging voter itself may restart, both others being caught up",
        leader: 1, timestamps: [1: 10_000, 2: 9_500, 3: 1_000], candidate: 3, passes: true),
    QuorumCase(
        reason: "N=3: the leader may restart when both followers are caught up",
        leader: 1, timestamps: [1: 10_000, 2: 9_000, 3: 8_500], candidate: 1, passes: true),
    QuorumCase(
        reason: "N=3: the leader may not restart while a follower lags 2001 ms",
        leader: 1, timestamps: [1: 10_000, 2: 9_000, 3: 7_999], candidate: 1, passes: false,
        mentioning: "would leave 1 caught-up voter(s) of 3, at least 2 are needed"),
    QuorumCase(
        reason: "N=3: a voter without a timestamp (-1) is never caught up",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: -1], candidate: 2, passes: false,
        mentioning: "voter 3 reports no lastCaughtUpTimestamp"),
    QuorumCase(
        reason: "N=3: a leader without a timestamp makes nobody caught up",
        leader: 1, timestamps: [1: -1, 2: 10_000, 3: 10_000], candidate: 2, passes: false,
        mentioning: "the quorum leader 1 reports no lastCaughtUpTimestamp"),
    QuorumCase(
        reason: "N=3: no leader, nothing may restart",
        leader: -1, timestamps: [1: 10_000, 2: 10_000, 3: 10_000], candidate: 2, passes: false,
        mentioning: "the controller quorum has no leader"),
    QuorumCase(
        reason: "N=3: a longer controller.quorum.fetch.timeout.ms tolerates a 3000 ms lag",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 7_000], candidate: 2,
        policy: GatePolicy(quorumFetchTimeoutMs: 5000), passes: true),
    QuorumCase(
        reason: "N=3: with maxVoterLogLag 999, a follower 1000 offsets behind is not caught up",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 10_000], offsets: [1: 6000, 2: 6000, 3: 5000], candidate: 2,
        policy: GatePolicy(maxVoterLogLag: 999), passes: false, mentioning: "voter 3 is 1000 offsets behind"),
    QuorumCase(
        reason: "N=3: with maxVoterLogLag 1000, the same follower is caught up",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 10_000], offsets: [1: 6000, 2: 6000, 3: 5000], candidate: 2,
        policy: GatePolicy(maxVoterLogLag: 1000), passes: true),
    // N = 5: (5+2)/2 = 3 caught-up voters besides the candidate.
    QuorumCase(
        reason: "N=5: one lagging follower besides the candidate still leaves three caught up",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 9_000, 4: 8_001, 5: 8_000], candidate: 2, passes: true),
    QuorumCase(
        reason: "N=5: two lagging followers besides the candidate leave only two",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 9_000, 4: 7_999, 5: 8_000], candidate: 2, passes: false,
        mentioning: "would leave 2 caught-up voter(s) of 5, at least 3 are needed"),
    QuorumCase(
        reason: "N=5: the leader may restart with three of four followers caught up",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 9_000, 4: 8_500, 5: 0], candidate: 1, passes: true),
    QuorumCase(
        reason: "N=5: the leader may not restart with two of four followers caught up",
        leader: 1, timestamps: [1: 10_000, 2: 10_000, 3: 9_000, 4: 7_000, 5: 0], candidate: 1, passes: false),
    QuorumCase(
        reason: "N=5: a lagging candidate may restart when the other four include three caught up",
        leader: 3, timestamps: [1: 10_000, 2: 500, 3: 10_000, 4: 9_999, 5: 100], candidate: 2, passes: true),
    // Small quorums: restarting one voter always loses the majority (Strimzi special-cases these; we refuse).
    QuorumCase(
        reason: "N=2: refused, the remaining voter is no majority",
        leader: 1, timestamps: [1: 10_000, 2: 10_000], candidate: 2, passes: false),
    QuorumCase(
        reason: "N=1: refused, the quorum would be gone",
        leader: 1, timestamps: [1: 10_000], candidate: 1, passes: false),
]

@Suite("Controller quorum rule")
struct QuorumRuleTests {
    @Test(arguments: quorumCases)
    func rule(_ row: QuorumCase) {
        let quorum = HealthFixtures.quorum(leader: row.leader, timestamps: row.timestamps, offsets: row.offsets)
        let blockers = quorum.blockers(restarting: row.candidate, policy: row.policy)
        #expect(blockers.isEmpty == row.passes, "\(row.reason): \(blockers)")
        if let text = row.mentioning {
            #expect(blockers.contains { $0.contains(text) }, "\(row.reason): \(blockers)")
        }

        // The same verdict through the whole gate, on an otherwise healthy cluster of these voters.
        let nodes = Set(row.timestamps.keys)
        var health = HealthFixtures.healthy()
        health.partitions = []
        health.registeredBrokers = nodes
        health.reachable = nodes
        health.quorum = quorum
        let gate = Gates.preRestart(
            candidate: row.candidate, health: health, policy: row.policy, expectedBrokers: nodes, controllers: nodes)
        #expect(gate.passed == row.passes, "\(row.reason): \(gate.reasons)")
    }

    @Test("Combined nodes must pass both rules: a healthy quorum does not excuse a partition at min ISR")
    func combinedNodesNeedBoth() {
        let health = HealthFixtures.with(
            PartitionHealth(topic: "orders", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1, 2]),
            in: HealthFixtures.healthy())
        let result = Gates.preRestart(
            candidate: 2, health: health, policy: GatePolicy(underReplicated: .minIsr), expectedBrokers: [1, 2, 3],
            controllers: [1, 2, 3])
        #expect(result.reasons == [
            "partition orders-0 (leader 1, replicas [1,2,3], ISR [1,2]), min.insync.replicas 2 is at its min ISR and"
                + " broker 2 is in the ISR",
        ])
    }
}
