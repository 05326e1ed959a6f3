import Planning
import ReconcileModel
import Testing

/// Rule 11: a static KRaft quorum's voters are never rewritten by editing files, and a broker leaves the cluster
/// only when Kafka says it hosts no replica.
@Suite("KRaft quorum and brokers leaving")
struct QuorumRuleTests {
    static let voters3 = "1@10.0.0.4:29092,2@10.0.0.5:29092,3@10.0.0.6:29092"
    static let voters2 = "1@10.0.0.4:29092,2@10.0.0.5:29092"

    static func config(voters: String, roles: String = "broker,controller") -> Value {
        ["process.roles": .string(roles), "controller.quorum.voters": .string(voters)]
    }

    @Test("Removing a controller rewrites the others' voters: refused with what Kafka 3.7 supports", arguments: [1, 2])
    func voterChangeRefused(node: Int) throws {
        var input = T.input(
            desired: [T.spec(T.broker(node), Self.config(voters: Self.voters2))],
            observed: [T.seen(T.broker(node), Self.config(voters: Self.voters3)), T.seen(T.broker(3), Self.config(voters: Self.voters3))],
            inventory: [T.entry(T.broker(node), applied: Self.config(voters: Self.voters3)),
                        T.entry(T.broker(3), applied: Self.config(voters: Self.voters3))])
        input.kafkaVersions = ["k": "3.7.1"]
        let plan = Planner.plan(input)
        #expect(!plan.changes.contains { $0.action == .writeBrokerConfig || $0.action == .restartBroker }, "\(plan.changes.map(\.id))")
        let write = try #require(plan.problems.first { $0.address == T.broker(node) }).message
        #expect(write.contains("controller.quorum.voters would change from `\(Self.voters3)` to `\(Self.voters2)`"), "\(write)")
        #expect(write.contains("Kafka 3.7.1 has only static quorums"), "\(write)")
        let removed = try #require(plan.problems.first { $0.address == T.broker(3) }).message
        #expect(removed.contains("node 3 is a controller"), "\(removed)")
    }

    @Test("From Kafka 3.9 the explanation points at KIP-853 dynamic quorums and kafka-metadata-quorum.sh")
    func dynamicQuorumAdvice() throws {
        var input = T.input(
            desired: [T.spec(T.broker(1), Self.config(voters: Self.voters2))],
            observed: [T.seen(T.broker(1), Self.config(voters: Self.voters3))],
            inventory: [T.entry(T.broker(1), applied: Self.config(voters: Self.voters3))])
        input.kafkaVersions = ["k": "3.9.0"]
        let problem = try #require(Planner.plan(input).problems.first).message
        #expect(problem.contains("KIP-853"), "\(problem)")
        #expect(problem.contains("kafka-metadata-quorum.sh add-controller"), "\(problem)")
    }

    @Test("A new broker's file without voters gets them written: nothing to refuse")
    func freshFileIsWritten() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.broker(1), Self.config(voters: Self.voters3))],
            observed: [T.seen(T.broker(1), ["process.roles": .null, "controller.quorum.voters": .null])]))
        #expect(plan.problems.isEmpty)
        #expect(plan.changes.map(\.action) == [.writeBrokerConfig, .restartBroker])
    }

    @Test("A broker-only node that still hosts replicas may not leave: the problem names the partitions")
    func brokerWithReplicas() throws {
        var seen = T.seen(T.broker(4), .null)
        seen.dependents = ["orders-0 (leader)", "orders-2"]
        let plan = Planner.plan(T.input(
            observed: [seen], inventory: [T.entry(T.broker(4), applied: Self.config(voters: Self.voters3, roles: "broker"))]))
        let problem = try #require(plan.problems.first).message
        #expect(problem.contains("still hosts partition replicas: orders-0 (leader), orders-2"), "\(problem)")
        #expect(problem.contains("kafka-reassign-partitions.sh"), "\(problem)")
        #expect(plan.changes.isEmpty)
    }

    @Test("A broker-only node hosting nothing leaves: its file is forgotten, never deleted")
    func emptyBrokerLeaves() {
        let plan = Planner.plan(T.input(
            observed: [T.seen(T.broker(4), .null)],
            inventory: [T.entry(T.broker(4), applied: Self.config(voters: Self.voters3, roles: "broker"))]))
        #expect(plan.problems.isEmpty)
        #expect(plan.changes.map(\.action) == [.forget])
    }
}
