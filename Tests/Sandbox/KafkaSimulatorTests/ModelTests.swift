import Testing

@testable import KafkaSimulator

@Suite("Cluster model: partitions per listener, ISR and leaders, the quorum")
struct ModelTests {
    let now: Int64 = 1_800_000_000_000

    func configs() throws -> [SimulatorConfig] { try (1...3).map { try Fixture.config(id: Int32($0)) } }

    @Test("Replicas round-robin over broker ids; all running and caught up: full ISR, preferred leaders")
    func healthy() throws {
        let configs = try configs()
        let snapshot = Fixture.snapshot(
            configs.map { Fixture.record($0, state: .running, now: now) }, alive: [1, 2, 3], now: now)
        let model = PartitionModel(
            topics: [TopicSpec(name: "t", partitions: 3, replicationFactor: 3)], brokerIds: [1, 2, 3])
        let partitions = model.partitions(topicIndex: 0, listener: "INTERNAL", version: 12, snapshot: snapshot)
        #expect(partitions.map(\.replicas) == [[1, 2, 3], [2, 3, 1], [3, 1, 2]])
        #expect(partitions.map(\.isr) == partitions.map(\.replicas))
        #expect(partitions.map(\.leaderId) == [1, 2, 3])
        #expect(partitions.allSatisfy { $0.errorCode == 0 && $0.offlineReplicas.isEmpty })
    }

    @Test("A down broker leaves every ISR, is offline, and loses leadership to the next replica")
    func brokerDown() throws {
        let configs = try configs()
        let snapshot = Fixture.snapshot(
            configs.map { Fixture.record($0, state: .running, now: now) }, alive: [1, 3], now: now)
        let model = PartitionModel(
            topics: [TopicSpec(name: "t", partitions: 3, replicationFactor: 3)], brokerIds: [1, 2, 3])
        let partitions = model.partitions(topicIndex: 0, listener: "INTERNAL", version: 12, snapshot: snapshot)
        #expect(partitions.map(\.isr) == [[1, 3], [3, 1], [3, 1]])
        #expect(partitions.map(\.leaderId) == [1, 3, 3])
        #expect(partitions.allSatisfy { $0.offlineReplicas == [2] })
        #expect(snapshot.runningBrokers(on: "INTERNAL").map(\.id) == [1, 3])
    }

    @Test("A running broker that is not caught up yet is listed but not in the ISR")
    func catchingUp() throws {
        let configs = try configs()
        var records = configs.map { Fixture.record($0, state: .running, now: now) }
        records[1].isrJoinAtMs = now + 500
        let snapshot = Fixture.snapshot(records, alive: [1, 2, 3], now: now)
        let model = PartitionModel(
            topics: [TopicSpec(name: "t", partitions: 1, replicationFactor: 3)], brokerIds: [1, 2, 3])
        #expect(
            model.partitions(topicIndex: 0, listener: "INTERNAL", version: 12, snapshot: snapshot)[0].isr == [1, 3])
        #expect(
            model.partitions(topicIndex: 0, listener: "INTERNAL", version: 12, snapshot: snapshot.at(now + 500))[0].isr
                == [1, 2, 3])
    }

    @Test(
        "A leader without this listener: LISTENER_NOT_FOUND on v6+, LEADER_NOT_AVAILABLE before, and offline there only"
    )
    func listenerMissing() throws {
        let configs = try configs()
        var records = configs.map { Fixture.record($0, state: .running, now: now) }
        records[1] = Fixture.record(configs[1], state: .running, now: now, without: "EXTERNAL")
        let snapshot = Fixture.snapshot(records, alive: [1, 2, 3], now: now)
        let model = PartitionModel(
            topics: [TopicSpec(name: "t", partitions: 3, replicationFactor: 3)], brokerIds: [1, 2, 3])
        let external = model.partitions(topicIndex: 0, listener: "EXTERNAL", version: 12, snapshot: snapshot)
        #expect(external[1].errorCode == 72 && external[1].leaderId == -1)
        #expect(external.allSatisfy { $0.offlineReplicas == [2] })
        #expect(model.partitions(topicIndex: 0, listener: "EXTERNAL", version: 5, snapshot: snapshot)[1].errorCode == 5)
        let internalView = model.partitions(topicIndex: 0, listener: "INTERNAL", version: 12, snapshot: snapshot)
        #expect(internalView.allSatisfy { $0.errorCode == 0 && $0.offlineReplicas.isEmpty })
        #expect(snapshot.runningBrokers(on: "EXTERNAL").map(\.id) == [1, 3])
    }

    @Test("No replica in sync: LEADER_NOT_AVAILABLE with leader -1")
    func noLeader() throws {
        let configs = try configs()
        let snapshot = Fixture.snapshot(
            configs.map { Fixture.record($0, state: .running, now: now) }, alive: [], now: now)
        let model = PartitionModel(
            topics: [TopicSpec(name: "t", partitions: 1, replicationFactor: 3)], brokerIds: [1, 2, 3])
        let partition = model.partitions(topicIndex: 0, listener: "INTERNAL", version: 12, snapshot: snapshot)[0]
        #expect(partition.errorCode == 5 && partition.leaderId == -1 && partition.isr.isEmpty)
    }

    @Test("Leader epochs never go backwards through a down/up cycle")
    func epochsMonotonic() throws {
        let configs = try configs()
        var records = configs.map { Fixture.record($0, state: .running, now: now - 60_000) }
        let before = Fixture.snapshot(records, alive: [1, 2, 3], now: now - 60_000).epoch([1, 2, 3])
        records[0].heartbeatAtMs = now - 30_000
        let down = Fixture.snapshot(records, alive: [2, 3], now: now).epoch([1, 2, 3])
        records[0] = Fixture.record(configs[0], state: .running, now: now)
        records[0].startedAtMs = now - 1000
        let back = Fixture.snapshot(records, alive: [1, 2, 3], now: now).epoch([1, 2, 3])
        #expect(before <= down && down <= back && before < back)
    }

    @Test("Quorum: lowest running voter leads; a restarted voter lags until caught up; lose-quorum means no leader")
    func quorum() throws {
        let configs = try configs()
        var records = configs.map { Fixture.record($0, state: .running, now: now) }
        records[1].quorumCaughtUpAtMs = now + 1000
        records[1].previousSeenAtMs = now - 5000
        records[1].previousCaughtUp = true
        let quorum = QuorumModel(voterIds: [1, 2, 3], snapshot: Fixture.snapshot(records, alive: [1, 2, 3], now: now))
        #expect(quorum.leaderId == 1)
        let leader = quorum.voters[0]
        let lagging = quorum.voters[1]
        let follower = quorum.voters[2]
        #expect(leader.lastFetchTimestamp == -1 && leader.lastCaughtUpTimestamp == now)
        #expect(lagging.lastCaughtUpTimestamp == now - 5000 && lagging.logEndOffset < leader.logEndOffset)
        #expect(follower.lastCaughtUpTimestamp == now && follower.logEndOffset == leader.logEndOffset)

        let moved = QuorumModel(voterIds: [1, 2, 3], snapshot: Fixture.snapshot(records, alive: [2, 3], now: now))
        #expect(moved.leaderId == 3, "2 runs but is still catching up, so the next caught-up voter leads")

        records[2].misbehaviours = ["lose-quorum"]
        let lost = QuorumModel(voterIds: [1, 2, 3], snapshot: Fixture.snapshot(records, alive: [1, 2, 3], now: now))
        #expect(lost.leaderId == -1)
    }
}
