import RollingRestart

/// What one driven roll did, and every invariant it broke.
struct RollRecord {
    var actions: [(at: Duration, action: RollAction)] = []
    var restarts: [(at: Duration, broker: Int, reason: String)] = []
    var outcome: RollAction?
    var violations: [String] = []

    var restarted: [Int] { restarts.map(\.broker) }
    var waits: [(broker: Int?, waitingFor: [String])] {
        actions.compactMap {
            if case .wait(_, let broker, let waitingFor) = $0.action { (broker, waitingFor) } else { nil }
        }
    }
    var haltReason: String? {
        if case .halt(_, let reason) = outcome { reason } else { nil }
    }
}

/// Plays the caller: performs each action against a `FakeCluster` in virtual time, and checks the
/// machine's invariants against the simulation's ground truth at every `.restart`.
enum RollDriver {
    static func run(
        _ machine: inout RollingRestartMachine, on cluster: inout FakeCluster, maxActions: Int = 100_000
    ) -> RollRecord {
        var record = RollRecord()
        var now = Duration.zero
        var health: ClusterHealth?
        for _ in 0..<maxActions {
            let action = machine.next(now: now, health: health)
            health = nil
            record.actions.append((now, action))
            switch action {
            case .readHealth:
                health = cluster.snapshot(at: now, avoiding: machine.current)
            case .wait(let until, _, let waitingFor):
                if until <= now { record.violations.append("wait until \(until) at \(now) does not advance time") }
                if waitingFor.isEmpty { record.violations.append("wait at \(now) says nothing about what it waits for") }
                now = max(now, until)
                health = cluster.snapshot(at: now, avoiding: machine.current)
            case .restart(let broker, let reason):
                check(restarting: broker, at: now, machine: machine, cluster: cluster, record: &record)
                record.restarts.append((now, broker, reason))
                let result = cluster.restart(broker, at: now)
                now = result.finishedAt
                if result.succeeded {
                    machine.restartCompleted(broker: broker, now: now)
                } else {
                    machine.restartFailed(broker: broker, error: "exit status 1", now: now)
                }
            case .finished, .halt:
                record.outcome = action
                // Terminal: whatever the cluster does next, the machine must keep saying the same thing.
                for _ in 0..<3 {
                    now += .seconds(30)
                    let again = machine.next(now: now, health: cluster.snapshot(at: now))
                    if again != action { record.violations.append("after \(action) the machine returned \(again)") }
                }
                return record
            }
        }
        record.violations.append("the roll did not end within \(maxActions) actions")
        return record
    }

    private static func check(
        restarting broker: Int, at now: Duration, machine: RollingRestartMachine, cluster: FakeCluster,
        record: inout RollRecord
    ) {
        for other in cluster.nodes where other != broker && !cluster.isUp(other, at: now) {
            record.violations.append(
                "restarted \(broker) at \(now) while \(other) was \(cluster.state(other, at: now)): two brokers down")
        }
        for partition in cluster.partitions(at: now) where partition.replicas.contains(broker) && partition.leaderID >= 0 {
            let remaining = Set(partition.isr).subtracting([broker]).count
            if partition.replicas.count > cluster.minISR, remaining < cluster.minISR {
                record.violations.append(
                    "restarted \(broker) at \(now) leaving \(partition.summary) with \(remaining) in-sync replica(s)")
            }
        }
        if record.restarted.contains(broker) { record.violations.append("restarted \(broker) twice") }
        if machine.alreadyRestarted.contains(broker) {
            record.violations.append("restarted \(broker), which the journal already had restarted")
        }
        if let previous = record.restarted.last, !machine.completed.contains(previous) {
            record.violations.append("restarted \(broker) before \(previous) passed its post-restart conditions")
        }
        if machine.phase != .restarting(broker: broker) || machine.current != broker {
            record.violations.append("restart of \(broker) but the machine reports \(machine.phase)")
        }
    }
}
