import RollingRestart
import Testing

/// One row of the pre-restart gate table: a reason sentence (printed on failure), the snapshot, and what the
/// gate must say about `candidate`.
struct PreGateCase: Sendable, CustomTestStringConvertible {
    var reason: String
    var candidate = 2
    var policy = GatePolicy()
    var health: ClusterHealth
    /// nil: must pass. Otherwise every string must appear in the blocking reasons.
    var blockedMentioning: [String]?
    var noteMentioning: String? = nil

    var testDescription: String { reason }
}

private typealias F = HealthFixtures
private let minIsr = GatePolicy(underReplicated: .minIsr)

private let cases: [PreGateCase] = [
    PreGateCase(reason: "a healthy cluster lets any node restart", health: F.healthy(), blockedMentioning: nil),
    PreGateCase(
        reason: "another node not answering ApiVersions would make two brokers down",
        health: { var h = F.healthy(); h.reachable.remove(3); return h }(),
        blockedMentioning: ["broker 3 does not answer ApiVersions"]),
    PreGateCase(
        reason: "another node missing from the Metadata broker list (fenced) would make two brokers down",
        health: { var h = F.healthy(); h.registeredBrokers.remove(1); return h }(),
        blockedMentioning: ["broker 1 is not in the Metadata broker list"]),
    PreGateCase(
        reason: "an incomplete snapshot could hide a problem",
        health: { var h = F.healthy(); h.observationErrors = ["DescribeConfigs orders: timeout"]; return h }(),
        blockedMentioning: ["incomplete health snapshot: DescribeConfigs orders: timeout"]),
    PreGateCase(
        reason: "a leaderless partition blocks, named",
        health: F.with(PartitionHealth(topic: "orders", index: 1, leaderID: -1, replicas: [2, 3, 1], isr: [2, 3, 1]), in: F.healthy()),
        blockedMentioning: ["partition orders-1", "has no leader"]),
    PreGateCase(
        reason: "error 5 LEADER_NOT_AVAILABLE blocks",
        health: F.with(
            PartitionHealth(topic: "orders", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1, 2, 3], errorCode: 5),
            in: F.healthy()),
        blockedMentioning: ["orders-0", "error 5", "has no leader"]),
    PreGateCase(
        reason: "error 72 LISTENER_NOT_FOUND blocks",
        health: F.with(
            PartitionHealth(topic: "orders", index: 2, leaderID: 3, replicas: [3, 1, 2], isr: [3, 1, 2], errorCode: 72),
            in: F.healthy()),
        blockedMentioning: ["orders-2", "error 72"]),
    PreGateCase(
        reason: "offline replicas block even under minIsr",
        policy: minIsr,
        health: F.with(
            PartitionHealth(topic: "orders", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1, 2, 3], offlineReplicas: [3]),
            in: F.healthy()),
        blockedMentioning: ["orders-0", "offline [3]", "has offline replicas"]),
    PreGateCase(
        reason: "strict: one under-replicated partition anywhere blocks, even one the candidate is not missing from",
        candidate: 2,
        health: F.with(PartitionHealth(topic: "orders", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1, 2]), in: F.healthy()),
        blockedMentioning: ["partition orders-0", "is under-replicated"]),
    PreGateCase(
        reason: "minIsr: |ISR| == minISR with the candidate in the ISR blocks (it would go below min ISR)",
        candidate: 2, policy: minIsr,
        health: F.with(PartitionHealth(topic: "orders", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1, 2]), in: F.healthy()),
        blockedMentioning: ["orders-0", "at its min ISR and broker 2 is in the ISR"]),
    PreGateCase(
        reason: "minIsr: |ISR| == minISR without the candidate in the ISR passes (the same snapshot as above)",
        candidate: 3, policy: minIsr,
        health: F.with(PartitionHealth(topic: "orders", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1, 2]), in: F.healthy()),
        blockedMentioning: nil),
    PreGateCase(
        reason: "minIsr: |ISR| < minISR on a partition with a replica on the candidate blocks, in the ISR or not",
        candidate: 3, policy: minIsr,
        health: F.with(PartitionHealth(topic: "orders", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1]), in: F.healthy()),
        blockedMentioning: ["orders-0", "already below its min ISR and broker 3 has a replica"]),
    PreGateCase(
        reason: "minIsr: an under-replicated partition without a replica on the candidate does not block (strict would)",
        candidate: 3, policy: minIsr,
        health: F.with(PartitionHealth(topic: "pairs", index: 0, leaderID: 1, replicas: [1, 2], isr: [1]),
            in: { var h = F.healthy(); h.minInsyncReplicas["pairs"] = 1; return h }()),
        blockedMentioning: nil),
    PreGateCase(
        reason: "minIsr: RF == minISR never blocks, it is only noted (Strimzi #2964)",
        candidate: 2, policy: minIsr,
        health: F.with(PartitionHealth(topic: "pairs", index: 0, leaderID: 1, replicas: [1, 2], isr: [1, 2]),
            in: { var h = F.healthy(); h.minInsyncReplicas["pairs"] = 2; return h }()),
        blockedMentioning: nil, noteMentioning: "pairs-0"),
    PreGateCase(
        reason: "minIsr: RF < minISR never blocks either, even already below min ISR",
        candidate: 2, policy: minIsr,
        health: F.with(PartitionHealth(topic: "solo", index: 0, leaderID: 2, replicas: [2], isr: [2]),
            in: { var h = F.healthy(); h.minInsyncReplicas["solo"] = 2; return h }()),
        blockedMentioning: nil, noteMentioning: "solo-0"),
    PreGateCase(
        reason: "minIsr: a topic without a read min.insync.replicas uses 1, so the last ISR member may not restart",
        candidate: 1, policy: minIsr,
        health: F.with(PartitionHealth(topic: "logs", index: 0, leaderID: 1, replicas: [1, 2, 3], isr: [1]), in: F.healthy()),
        blockedMentioning: ["logs-0", "min.insync.replicas 1", "at its min ISR and broker 1 is in the ISR"]),
    PreGateCase(
        reason: "a candidate in log recovery is never restarted (it would only restart the recovery)",
        candidate: 2, health: { var h = F.healthy(); h.brokersInRecovery = [2]; return h }(),
        blockedMentioning: ["broker 2 is in log recovery; restarting it would only restart the recovery"]),
    PreGateCase(
        reason: "another node in log recovery counts as down",
        candidate: 2, health: { var h = F.healthy(); h.brokersInRecovery = [3]; return h }(),
        blockedMentioning: ["broker 3 is in log recovery"]),
    PreGateCase(
        reason: "a down candidate's own offline replicas and URPs do not block its restart when all others are up",
        candidate: 3, health: F.down(3, in: F.healthy()),
        blockedMentioning: nil, noteMentioning: "broker 3 does not answer ApiVersions"),
    PreGateCase(
        reason: "a down candidate is still refused while another node is down too",
        candidate: 3, health: F.down(1, in: F.down(3, in: F.healthy())),
        blockedMentioning: ["broker 1 does not answer", "orders-0"]),
    PreGateCase(
        reason: "a healthy candidate gets no such excuse: another node's absence blocks",
        candidate: 2, health: F.down(3, in: F.healthy()),
        blockedMentioning: ["broker 3 does not answer", "has offline replicas", "is under-replicated"]),
    PreGateCase(
        reason: "a down candidate whose partition lost its last in-sync replica with it may restart (only it can fix it)",
        candidate: 3,
        health: F.with(PartitionHealth(topic: "solo", index: 0, leaderID: -1, replicas: [3], isr: [3], offlineReplicas: [3]),
            in: F.down(3, in: F.healthy())),
        blockedMentioning: nil),
    PreGateCase(
        reason: "a controller candidate needs DescribeQuorum",
        candidate: 2, health: { var h = F.healthy(); h.quorum = nil; return h }(),
        blockedMentioning: ["DescribeQuorum was not read"]),
    PreGateCase(
        reason: "no quorum leader blocks a controller",
        candidate: 2, health: { var h = F.healthy(); h.quorum?.leaderID = -1; return h }(),
        blockedMentioning: ["the controller quorum has no leader"]),
    PreGateCase(
        reason: "a controller missing from the voters blocks",
        candidate: 2, health: { var h = F.healthy(); h.quorum?.voters.removeAll { $0.id == 3 }; return h }(),
        blockedMentioning: ["controller 3 is not among the quorum's voters"]),
]

@Suite("Pre-restart gate")
struct PreRestartGateTests {
    @Test(arguments: cases)
    func gate(_ row: PreGateCase) {
        let report = Gates.preRestartReport(
            candidate: row.candidate, health: row.health, policy: row.policy, expectedBrokers: F.nodes,
            controllers: F.nodes)
        if let mentions = row.blockedMentioning {
            #expect(!report.result.passed, "\(row.reason)")
            for text in mentions {
                #expect(report.result.text.contains(text), "\(row.reason): \(text) not in \(report.result.text)")
            }
        } else {
            #expect(report.result == .pass, "\(row.reason): \(report.result.text)")
        }
        if let note = row.noteMentioning {
            #expect(report.notes.contains { $0.contains(note) }, "\(row.reason): \(report.notes)")
        }
    }

    @Test("A broker-only candidate needs no quorum read when the controllers are known; unknown roles do")
    func brokerOnlyCandidate() {
        var health = F.healthy()
        health.quorum = nil
        health.registeredBrokers.insert(4)
        health.reachable.insert(4)
        let known = Gates.preRestart(
            candidate: 4, health: health, policy: GatePolicy(), expectedBrokers: [1, 2, 3, 4], controllers: [1, 2, 3])
        #expect(known == .pass)
        let unknown = Gates.preRestart(candidate: 4, health: health, policy: GatePolicy(), expectedBrokers: [1, 2, 3, 4])
        #expect(unknown.text.contains("DescribeQuorum was not read"))
    }

    @Test("Long partition lists are capped at ten per rule with a count of the rest")
    func capped() {
        var health = F.healthy()
        health.partitions = (0..<25).map {
            PartitionHealth(topic: "wide", index: $0, leaderID: 1, replicas: [1, 2, 3], isr: [1, 2])
        }
        let reasons = Gates.preRestart(candidate: 2, health: health, policy: GatePolicy(), expectedBrokers: F.nodes).reasons
        #expect(reasons.count == 11)
        #expect(reasons.last == "15 more partition(s) is under-replicated")
    }
}
