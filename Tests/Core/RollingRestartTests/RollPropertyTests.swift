import RollingRestart
import Testing
import TestSupport

/// A random cluster, set of brokers to restart and fault schedule.
struct RandomRoll {
    var cluster: FakeCluster
    var machine: RollingRestartMachine

    init(seed: UInt64) {
        var rng = SplitMix64(state: seed)
        let shapes: [(nodes: [Int], controllers: Set<Int>)] = [
            ([1, 2, 3], [1, 2, 3]), ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5]), ([1, 2, 3, 4, 5], [1, 2, 3]), ([1, 2, 3, 4], [1, 2, 3]),
        ]
        let shape = shapes.randomElement(using: &rng)!
        var cluster = FakeCluster(
            nodes: shape.nodes, controllers: shape.controllers, leader: shape.controllers.randomElement(using: &rng)!)
        cluster.minISR = Int.random(in: 1...2, using: &rng)
        cluster.partitionCount = Int.random(in: 1...8, using: &rng)  // few partitions: some nodes hold none

        func seconds(_ range: ClosedRange<Int>) -> Duration { .seconds(Int.random(in: range, using: &rng)) }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func window() -> FakeCluster.Window {
            let from = seconds(0...300)
            return .init(from: from, until: chance(0.1) ? nil : from + seconds(1...60))
        }

        for node in shape.nodes {
            cluster.behaviors[node] = .init(
                commandTime: seconds(1...3), downFor: seconds(1...10), recoverFor: seconds(0...8),
                catchUpFor: seconds(0...15), comesBack: !chance(0.05), commandFails: chance(0.04),
                appliesConfig: !chance(0.03))
        }
        if chance(0.2) { cluster.startDown(shape.nodes.randomElement(using: &rng)!) }
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            cluster.outages.append((shape.nodes.randomElement(using: &rng)!, window()))
        }
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            cluster.isrLags.append(
                (Int.random(in: 0..<cluster.partitionCount, using: &rng), shape.nodes.randomElement(using: &rng)!, window()))
        }
        if chance(0.3) { cluster.quorumLags.append((shape.controllers.randomElement(using: &rng)!, window())) }
        if chance(0.2) { cluster.observationFaults.append(window()) }
        for _ in 0..<Int.random(in: 0...2, using: &rng) {
            cluster.leaderMoves.append((seconds(0...300), shape.controllers.randomElement(using: &rng)!))
        }

        let brokers = Array(shape.nodes.shuffled(using: &rng).prefix(Int.random(in: 1...shape.nodes.count, using: &rng)))
        let alreadyRestarted = Set(shape.nodes.filter { _ in chance(0.15) })
        cluster.configApplied = alreadyRestarted
        let policy = GatePolicy(underReplicated: chance(0.5) ? .strict : .minIsr)
        self.machine = RollingRestartMachine(
            brokers: brokers, controllers: shape.controllers, alreadyRestarted: alreadyRestarted, policy: policy,
            expectedBrokers: Set(shape.nodes), expectedExternal: cluster.expectedExternal,
            timeouts: RollTimeouts(preGate: seconds(10...120), postRestart: seconds(20...120), poll: seconds(1...3)))
        self.cluster = cluster
    }
}

@Suite("Rolling restart machine: properties")
struct RollPropertyTests {
    @Test("Over 600 random fault schedules: never two brokers down, never below min ISR, nothing after a halt")
    func randomFaultSchedules() {
        var finished = 0
        var halted = 0
        var restarts = 0
        for seed in UInt64(1)...600 {
            var roll = RandomRoll(seed: seed)
            let pending = roll.machine.pending
            let record = RollDriver.run(&roll.machine, on: &roll.cluster)
            #expect(record.violations.isEmpty, "seed \(seed): \(record.violations)")
            restarts += record.restarts.count
            switch record.outcome {
            case .finished(let restarted)?:
                finished += 1
                #expect(restarted.sorted() == pending.sorted(), "seed \(seed): finished without restarting every broker")
                #expect(restarted == record.restarted, "seed \(seed)")
            case .halt(let broker, let reason)?:
                halted += 1
                #expect(!reason.isEmpty, "seed \(seed)")
                // The broker a halt names is the last one touched; a halt without one touched nothing in its step.
                if let broker { #expect(record.restarted.last == broker, "seed \(seed): \(reason)") }
            default:
                Issue.record("seed \(seed): no outcome")
            }
        }
        // The schedules must exercise both endings and many restarts, or the property says little.
        #expect(finished >= 100 && halted >= 100, "finished \(finished), halted \(halted)")
        #expect(restarts >= 1000, "only \(restarts) restarts")
    }
}
