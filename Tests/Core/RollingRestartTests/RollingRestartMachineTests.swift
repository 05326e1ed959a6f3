import RollingRestart
import Testing

/// A machine for every node of `cluster`, with short virtual-time limits.
func makeMachine(
    for cluster: FakeCluster, brokers: [Int]? = nil, alreadyRestarted: Set<Int> = [], policy: GatePolicy = GatePolicy(),
    preGate: Duration = .seconds(60), postRestart: Duration = .seconds(60)
) -> RollingRestartMachine {
    RollingRestartMachine(
        brokers: brokers ?? cluster.nodes, controllers: cluster.controllers, alreadyRestarted: alreadyRestarted,
        policy: policy, expectedBrokers: Set(cluster.nodes), expectedExternal: cluster.expectedExternal,
        timeouts: RollTimeouts(preGate: preGate, postRestart: postRestart, poll: .seconds(1)))
}

@Suite("Rolling restart machine")
struct RollingRestartMachineTests {
    @Test("Three combined nodes: non-leaders by id, the active controller last, each verified before the next")
    func fullRoll() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarted == [2, 3, 1])
        #expect(record.outcome == .finished(restarted: [2, 3, 1]))
        #expect(cluster.configApplied == [1, 2, 3])
        #expect(record.restarts.last?.reason.contains("controller 1 is the active controller") == true)
        // Each restart waits for the previous broker's down + recovery + catch-up (4 + 3 + 5 s).
        let times = record.restarts.map(\.at)
        for (a, b) in zip(times, times.dropFirst()) { #expect(b - a >= .seconds(12)) }
        // Progress names what is not yet true.
        let waiting = record.waits.flatMap(\.waitingFor).joined(separator: "\n")
        #expect(waiting.contains("answers ApiVersions: broker 2 does not answer"))
        #expect(waiting.contains("registered: broker 2 is not in the Metadata broker list"))
        #expect(waiting.contains("replication: partition orders-"))
        #expect(machine.completed == [2, 3, 1] && machine.current == nil && machine.phase == .finished)
    }

    @Test("Leadership moving mid-roll: the new leader is re-read before the next step and goes last")
    func leadershipMoves() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 3)
        cluster.leaderMoves = [(at: .seconds(1), to: 2)]
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarted == [1, 3, 2])
        #expect(record.restarts[1].reason.contains("the active controller is 2"))
        #expect(record.outcome == .finished(restarted: [1, 3, 2]))
    }

    @Test("Controllers first (the active one last of them), then broker-only nodes by id")
    func brokerOnlyNodesAfterControllers() {
        var cluster = FakeCluster(nodes: [1, 2, 3, 4, 5], controllers: [1, 2, 3], leader: 2)
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarted == [1, 3, 2, 4, 5])
    }

    @Test("A broker that never comes back halts the roll, named, and no other broker is touched")
    func neverComesBack() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.behaviors[2] = .init(comesBack: false)
        var machine = makeMachine(for: cluster, postRestart: .seconds(90))
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarted == [2])
        guard case .halt(let broker, let reason) = record.outcome else {
            Issue.record("expected a halt, got \(String(describing: record.outcome))")
            return
        }
        #expect(broker == 2)
        #expect(reason.contains("broker 2 did not pass its post-restart checks within 90.0 seconds"))
        #expect(reason.contains("answers ApiVersions: broker 2 does not answer ApiVersions on INTERNAL"))
        #expect(machine.current == 2 && machine.completed.isEmpty)
    }

    @Test("A broker that comes back with the wrong advertised endpoint halts the roll")
    func wrongEndpoint() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.behaviors[2] = .init(appliesConfig: false)
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.restarted == [2])
        #expect(record.haltReason?.contains(
            "external endpoints: EXTERNAL advertises broker 2 as kafka-2.old.example.com:9093,"
                + " expected b2.kafka.example.com:9094") == true)
    }

    @Test("An under-replicated partition holds the pre-restart gate until it clears")
    func preGateWaitsForURP() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.isrLags = [(partition: 0, node: 3, window: .init(from: .zero, until: .seconds(20)))]
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarts.first?.at == .seconds(20))
        #expect(record.waits.first?.broker == 2)
        #expect(record.waits.first?.waitingFor == [
            "partition orders-0 (leader 1, replicas [1,2,3], ISR [1,2]) is under-replicated",
        ])
        #expect(record.outcome == .finished(restarted: [2, 3, 1]))
    }

    @Test("A pre-restart gate that never opens halts the roll with its reasons, before touching any broker")
    func preGateTimeout() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.isrLags = [(partition: 0, node: 3, window: .init(from: .zero, until: nil))]
        var machine = makeMachine(for: cluster, preGate: .seconds(45))
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarted.isEmpty)
        guard case .halt(let broker, let reason) = record.outcome else {
            Issue.record("expected a halt, got \(String(describing: record.outcome))")
            return
        }
        #expect(broker == nil)
        #expect(reason.hasPrefix("the pre-restart gate for broker 2 stayed closed for 45.0 seconds"))
        #expect(reason.contains("partition orders-0 (leader 1, replicas [1,2,3], ISR [1,2]) is under-replicated"))
        #expect(record.actions.last { if case .wait = $0.action { true } else { false } }?.at == .seconds(44))
    }

    @Test("A failing restart command halts the roll; nothing else is restarted")
    func restartCommandFails() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.behaviors[2] = .init(commandFails: true)
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarted == [2])
        #expect(record.outcome == .halt(broker: 2, reason: "the restart command for broker 2 failed: exit status 1"))
    }

    @Test("Resume: brokers the journal shows restarted are skipped")
    func resume() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.configApplied = [2]
        var machine = makeMachine(for: cluster, alreadyRestarted: [2])
        #expect(machine.pending == [1, 3])
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.outcome == .finished(restarted: [3, 1]))
    }

    @Test("A down node is restarted first when every other node is healthy")
    func downNodeFirst() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.startDown(3)
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarts.first?.at == .zero)
        #expect(record.restarts.first?.reason.hasPrefix("broker 3 does not answer ApiVersions on INTERNAL") == true)
        #expect(record.outcome == .finished(restarted: [3, 2, 1]))
    }

    @Test("A down node waits while another node is down too, then goes first")
    func downNodeWaitsForOthers() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.startDown(3)
        cluster.outages = [(node: 1, window: .init(from: .zero, until: .seconds(30)))]
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarts.first?.broker == 3)
        #expect(record.restarts.first?.at == .seconds(30))
        // Broker 1 is down too and comes first by id; its gate waits for broker 3.
        #expect(record.waits.first?.broker == 1)
        #expect(record.waits.first?.waitingFor.first
            == "broker 3 does not answer ApiVersions on INTERNAL and is not in the Metadata broker list")
        // Leadership moved to 2 while 1 was down, so 2 is now the one left for last.
        #expect(record.outcome == .finished(restarted: [3, 1, 2]))
    }

    @Test("Two down nodes: nothing is restarted and the roll halts")
    func twoDownNodes() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.startDown(3)
        cluster.outages = [(node: 1, window: .init(from: .zero, until: nil))]
        var machine = makeMachine(for: cluster)
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.violations.isEmpty, "\(record.violations)")
        #expect(record.restarted.isEmpty)
        #expect(record.haltReason?.hasPrefix("the pre-restart gate for broker 1 stayed closed") == true)
        #expect(record.haltReason?.contains("broker 3 does not answer") == true)
    }

    @Test("A down node outside the roll blocks every restart")
    func downNodeOutsideTheRoll() {
        var cluster = FakeCluster(nodes: [1, 2, 3], leader: 1)
        cluster.startDown(3)
        var machine = makeMachine(for: cluster, brokers: [1, 2])
        let record = RollDriver.run(&machine, on: &cluster)
        #expect(record.restarted.isEmpty)
        #expect(record.haltReason?.contains("broker 3 does not answer") == true)
    }
}
