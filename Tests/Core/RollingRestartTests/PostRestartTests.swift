import RollingRestart
import Testing

private typealias F = HealthFixtures

/// One row of the post-restart table: after restarting `node`, which condition fails (nil: all pass) and
/// what its detail says.
struct PostCase: Sendable, CustomTestStringConvertible {
    var reason: String
    var node = 2
    var policy = GatePolicy()
    var isController = true
    var health: ClusterHealth
    var failing: PostCondition?
    var mentioning: String? = nil

    var testDescription: String { reason }
}

private let postCases: [PostCase] = [
    PostCase(reason: "a healthy snapshot from another node passes every condition", health: F.healthy(), failing: nil),
    PostCase(
        reason: "1: the node must answer ApiVersions on INTERNAL",
        health: { var h = F.healthy(); h.reachable.remove(2); return h }(),
        failing: .answersApiVersions, mentioning: "broker 2 does not answer ApiVersions on INTERNAL"),
    PostCase(
        reason: "2: the node must be in the broker list (registered and unfenced)",
        health: { var h = F.healthy(); h.registeredBrokers.remove(2); return h }(),
        failing: .registered, mentioning: "not in the Metadata broker list of broker 1"),
    PostCase(
        reason: "2: a broker list fetched from the restarted node itself does not count",
        health: F.healthy(metadataSource: 2), failing: .registered, mentioning: "fetched from broker 2 itself"),
    PostCase(
        reason: "2: a broker list of unknown origin does not count",
        health: { var h = F.healthy(); h.metadataSource = nil; return h }(), failing: .registered,
        mentioning: "unknown node"),
    PostCase(
        reason: "3: a controller must be a caught-up voter",
        health: { var h = F.healthy(); h.quorum = F.quorum(leader: 1, timestamps: [1: 10_000, 2: 7_000, 3: 10_000]); return h }(),
        failing: .quorum, mentioning: "voter 2 last caught up 3000 ms before the leader 1"),
    PostCase(
        reason: "3: a quorum leader must exist",
        health: { var h = F.healthy(); h.quorum?.leaderID = -1; return h }(),
        failing: .quorum, mentioning: "no leader"),
    PostCase(
        reason: "3: a broker-only node only needs a quorum leader, not to be a voter",
        node: 4, isController: false,
        health: {
            var h = F.healthy(); h.reachable.insert(4); h.registeredBrokers.insert(4)
            h.externalEndpoints["EXTERNAL"]?[4] = "b4.k.example.com:9096"
            return h
        }(),
        failing: nil),
    PostCase(
        reason: "4 strict: any under-replicated partition keeps the wait going, named",
        health: F.with(PartitionHealth(topic: "orders", index: 1, leaderID: 3, replicas: [2, 3, 1], isr: [3, 1]), in: F.healthy()),
        failing: .replication, mentioning: "partition orders-1 (leader 3, replicas [2,3,1], ISR [3,1]) is under-replicated"),
    PostCase(
        reason: "4 minIsr: the node must be back in each of its ISRs",
        policy: GatePolicy(underReplicated: .minIsr),
        health: F.with(PartitionHealth(topic: "orders", index: 1, leaderID: 3, replicas: [2, 3, 1], isr: [3, 1]), in: F.healthy()),
        failing: .replication, mentioning: "does not have broker 2 back in its ISR"),
    PostCase(
        reason: "4 minIsr: another broker's pre-existing lag is tolerated while above min ISR",
        policy: GatePolicy(underReplicated: .minIsr),
        health: F.with(PartitionHealth(topic: "orders", index: 1, leaderID: 2, replicas: [2, 3, 1], isr: [2, 3]), in: F.healthy()),
        failing: nil),
    PostCase(
        reason: "4 minIsr: a partition below its min ISR (RF > minISR) keeps the wait going",
        policy: GatePolicy(underReplicated: .minIsr),
        health: F.with(PartitionHealth(topic: "audit", index: 0, leaderID: 1, replicas: [1, 3, 4], isr: [1]),
            in: { var h = F.healthy(); h.minInsyncReplicas["audit"] = 2; return h }()),
        failing: .replication, mentioning: "audit-0"),
    PostCase(
        reason: "5: the endpoint through each exposure listener must be the expected host:port",
        health: { var h = F.healthy(); h.externalEndpoints["EXTERNAL"]?[2] = "old-b2.example.com:9092"; return h }(),
        failing: .externalEndpoints,
        mentioning: "EXTERNAL advertises broker 2 as old-b2.example.com:9092, expected b2.k.example.com:9094"),
    PostCase(
        reason: "5: a node missing from an exposure listener's broker list fails",
        health: { var h = F.healthy(); h.externalEndpoints["EXTERNAL"]?[2] = nil; return h }(),
        failing: .externalEndpoints, mentioning: "EXTERNAL does not list broker 2"),
    PostCase(
        reason: "an incomplete snapshot never passes",
        health: { var h = F.healthy(); h.observationErrors = ["DescribeQuorum: timeout"]; return h }(),
        failing: .snapshotComplete, mentioning: "DescribeQuorum: timeout"),
]

@Suite("Post-restart conditions")
struct PostRestartTests {
    @Test(arguments: postCases)
    func conditions(_ row: PostCase) {
        let report = Gates.postRestart(
            node: row.node, health: row.health, policy: row.policy, expectedExternal: F.external,
            isController: row.isController)
        #expect(report.conditions.map(\.condition) == PostCondition.allCases, "\(row.reason)")
        #expect(report.failing.map(\.condition) == (row.failing.map { [$0] } ?? []), "\(row.reason): \(report.waitingFor)")
        if let failing = row.failing {
            #expect(report[failing] == false)
            if let text = row.mentioning {
                #expect(report.waitingFor.contains { $0.contains(text) }, "\(row.reason): \(report.waitingFor)")
            }
        } else {
            #expect(report.passed)
        }
    }

    @Test("Expected endpoints are only checked for listeners that list the node; several listeners are each checked")
    func severalListeners() {
        var health = F.healthy()
        health.externalEndpoints["PSC"] = [2: "psc.example.com:9101"]
        let expected = F.external.merging(["PSC": [2: "psc.example.com:9102"], "OTHER": [1: "x:1"]]) { a, _ in a }
        let report = Gates.postRestart(node: 2, health: health, policy: GatePolicy(), expectedExternal: expected)
        #expect(report.waitingFor == [
            "external endpoints: PSC advertises broker 2 as psc.example.com:9101, expected psc.example.com:9102",
        ])
    }

    @Test("Without isController the role is read from the voters")
    func inferredRole() {
        var health = F.healthy()
        health.quorum = F.quorum(leader: 1, timestamps: [1: 10_000, 3: 10_000])
        let report = Gates.postRestart(node: 2, health: health, policy: GatePolicy(), expectedExternal: [:])
        #expect(report.passed, "\(report.waitingFor)")
    }
}
