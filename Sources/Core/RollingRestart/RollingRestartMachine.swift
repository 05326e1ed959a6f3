/// The one-broker-at-a-time rolling restart of one cluster, as a sans-IO state machine (Hummingbird style):
/// the caller performs each returned `RollAction` and reports back; time is the caller's elapsed roll time,
/// passed in as `now` on every call, so the machine never reads a clock.
///
/// A step: ask for a fresh snapshot, choose the next broker from it (`RollOrder`: down broker first, then
/// non-leader controllers, the active controller last of the controllers, then broker-only nodes), run the
/// pre-restart gate on that same snapshot, polling until it passes or `timeouts.preGate` runs out, restart,
/// then poll the post-restart conditions on fresh snapshots until all pass or `timeouts.postRestart` runs out.
/// Any timeout or failed restart command halts the roll for good: no other broker is touched (the failure
/// mode of cp-ansible #954, which carried on after a failed check).
///
/// **Invariant** (property-tested): `.restart` is only ever returned
/// - from the gating phase, so never while a previously restarted broker has not passed all of its
///   post-restart conditions (the machine only returns to gating when they pass, and halts otherwise);
/// - right after the pre-restart gate passed on a snapshot requested for this decision, and that gate
///   requires every other expected broker to answer ApiVersions, be registered and not be in recovery: never
///   two brokers down at once;
/// - never after `.halt` (terminal), and never twice for the same broker.
///
/// Snapshot freshness: a snapshot passed to `next` is used only if the machine asked for one since its last
/// decision (`.readHealth`, or a `.wait`, after which the caller reads one); otherwise it is ignored and the
/// machine answers `.readHealth`. In particular the first snapshot after `restartCompleted` is always read
/// after the restart.
public struct RollingRestartMachine: Sendable {
    public let policy: GatePolicy
    public let timeouts: RollTimeouts
    /// Brokers needing a restart, without duplicates, in the caller's order.
    public let brokers: [Int]
    public let controllers: Set<Int>
    /// Brokers the journal shows already restarted with their new config: skipped.
    public let alreadyRestarted: Set<Int>
    /// Every node of the cluster (plus `brokers` and `controllers`): all must be up before any restart.
    public let expectedBrokers: Set<Int>
    public let expectedExternal: [String: [Int: String]]

    /// Brokers restarted and verified by this machine, in order.
    public private(set) var completed: [Int] = []
    /// The broker being restarted or verified (after a halt: the broker that failed, if any).
    public private(set) var current: Int?
    public private(set) var phase: RollPhase = .gating(candidate: nil)

    private var healthRequested = false
    private var stepStarted: Duration?
    private var restartedAt: Duration?

    public init(
        brokers: [Int], controllers: Set<Int>, alreadyRestarted: Set<Int> = [], policy: GatePolicy = GatePolicy(),
        expectedBrokers: Set<Int>, expectedExternal: [String: [Int: String]] = [:],
        timeouts: RollTimeouts = RollTimeouts()
    ) {
        var seen = Set<Int>()
        self.brokers = brokers.filter { seen.insert($0).inserted }
        self.controllers = controllers
        self.alreadyRestarted = alreadyRestarted
        self.policy = policy
        self.expectedBrokers = expectedBrokers.union(brokers).union(controllers)
        self.expectedExternal = expectedExternal
        self.timeouts = timeouts
    }

    /// Brokers still to restart, in the caller's order (the actual order is decided step by step).
    public var pending: [Int] { brokers.filter { !alreadyRestarted.contains($0) && !completed.contains($0) } }

    /// The next action. `health` is the snapshot the machine asked for (see "Snapshot freshness"), or nil.
    public mutating func next(now: Duration, health: ClusterHealth?) -> RollAction {
        switch phase {
        case .finished:
            return .finished(restarted: completed)
        case .halted(let broker, let reason):
            return .halt(broker: broker, reason: reason)
        case .restarting(let broker):
            return .wait(
                until: now + timeouts.poll, broker: broker,
                waitingFor: ["the restart command for broker \(broker) to report back"])
        case .gating:
            return gate(now: now, health: health)
        case .verifying(let broker):
            return verify(broker, now: now, health: health)
        }
    }

    /// The restart command for `broker` finished; post-restart checks start now.
    public mutating func restartCompleted(broker: Int, now: Duration) {
        guard !phase.isTerminal else { return }
        guard phase == .restarting(broker: broker) else {
            return halt(broker: current, "restartCompleted(broker: \(broker)) while \(phase); stopping the roll")
        }
        phase = .verifying(broker: broker)
        restartedAt = now
        healthRequested = false
    }

    /// The restart command for `broker` failed: the roll halts, no other broker is touched.
    public mutating func restartFailed(broker: Int, error: String, now: Duration) {
        guard !phase.isTerminal else { return }
        guard phase == .restarting(broker: broker) else {
            return halt(broker: current, "restartFailed(broker: \(broker)) while \(phase); stopping the roll")
        }
        halt(broker: broker, "the restart command for broker \(broker) failed: \(error)")
    }

    private mutating func gate(now: Duration, health: ClusterHealth?) -> RollAction {
        let pending = pending
        guard !pending.isEmpty else {
            phase = .finished
            current = nil
            return .finished(restarted: completed)
        }
        let since = stepStarted ?? now
        stepStarted = since
        guard let health = take(health) else { return .readHealth }

        let choice = RollOrder(controllers: controllers).next(pending: pending, health: health)
        let report = Gates.preRestartReport(
            candidate: choice.broker, health: health, policy: policy, expectedBrokers: expectedBrokers,
            controllers: controllers)
        switch report.result {
        case .pass:
            phase = .restarting(broker: choice.broker)
            current = choice.broker
            stepStarted = nil
            let notes = report.notes.isEmpty ? "" : " (note: " + report.notes.joined(separator: "; ") + ")"
            return .restart(broker: choice.broker, reason: choice.reason + notes)
        case .blocked(let reasons):
            phase = .gating(candidate: choice.broker)
            let deadline = since + timeouts.preGate
            guard now < deadline else {
                halt(
                    broker: nil,
                    "the pre-restart gate for broker \(choice.broker) stayed closed for \(now - since)"
                        + " (limit \(timeouts.preGate)); no broker was restarted in this step: "
                        + reasons.joined(separator: "; "))
                return next(now: now, health: nil)
            }
            healthRequested = true
            return .wait(until: min(now + timeouts.poll, deadline), broker: choice.broker, waitingFor: reasons)
        }
    }

    private mutating func verify(_ broker: Int, now: Duration, health: ClusterHealth?) -> RollAction {
        let since = restartedAt ?? now
        restartedAt = since
        guard let health = take(health) else { return .readHealth }

        let report = Gates.postRestart(
            node: broker, health: health, policy: policy, expectedExternal: expectedExternal,
            isController: controllers.contains(broker))
        if report.passed {
            completed.append(broker)
            current = nil
            restartedAt = nil
            phase = .gating(candidate: nil)
            return gate(now: now, health: nil)
        }
        let deadline = since + timeouts.postRestart
        guard now < deadline else {
            halt(
                broker: broker,
                "broker \(broker) did not pass its post-restart checks within \(timeouts.postRestart); no other"
                    + " broker will be touched: " + report.waitingFor.joined(separator: "; "))
            return next(now: now, health: nil)
        }
        healthRequested = true
        return .wait(until: min(now + timeouts.poll, deadline), broker: broker, waitingFor: report.waitingFor)
    }

    /// Uses `health` only if the machine asked for a snapshot since its last decision; else asks for one.
    private mutating func take(_ health: ClusterHealth?) -> ClusterHealth? {
        guard healthRequested, let health else {
            healthRequested = true
            return nil
        }
        healthRequested = false
        return health
    }

    private mutating func halt(broker: Int?, _ reason: String) {
        phase = .halted(broker: broker, reason: reason)
        if let broker { current = broker }
    }
}

/// Which broker goes next, decided afresh from the latest snapshot before every step (kafka.md §4.3, Strimzi
/// `KafkaRoller`):
/// 1. A broker that is down (does not answer, is not registered, or is in recovery) goes first, as in
///    Strimzi: "otherwise repeated reconciliations might each restart a pod only for it not to become ready".
///    The pre-restart gate still allows it only when every other node is up, so restarting it can never take
///    a second broker down.
/// 2. Controllers that are not the active controller, by node id.
/// 3. The active controller (DescribeQuorum `LeaderId` of this snapshot), last of the controllers: if
///    leadership moved since the previous step, the new leader is the one deferred.
/// 4. Broker-only nodes, by node id (after every controller, as in Strimzi and kafka.md).
/// Ties are broken by node id; among down brokers, controllers first.
struct RollOrder {
    var controllers: Set<Int>

    func next(pending: [Int], health: ClusterHealth) -> (broker: Int, reason: String) {
        precondition(!pending.isEmpty, "RollOrder.next needs a pending broker")
        let byRoleThenID = pending.sorted { a, b in
            let (ca, cb) = (controllers.contains(a), controllers.contains(b))
            return ca != cb ? ca : a < b
        }
        if let down = byRoleThenID.first(where: { !health.isUp($0) }) {
            let why = health.downReason(down) ?? "broker \(down) is down"
            return (down, "\(why): restarted first, as it cannot come back without this restart")
        }
        let leader = health.quorum?.leader
        let controllersFirst = byRoleThenID.filter { controllers.contains($0) && $0 != leader }
        if let controller = controllersFirst.first {
            let leaderText = leader.map { "the active controller is \($0)" } ?? "no active controller is known"
            return (controller, "controller \(controller) is not the active controller (\(leaderText))")
        }
        if let leader, pending.contains(leader) {
            let rest = pending.count - 1
            let tail = rest == 0 ? "" : "; \(rest) broker-only node(s) follow"
            return (leader, "controller \(leader) is the active controller, restarted last of the controllers\(tail)")
        }
        let broker = byRoleThenID[0]
        return (broker, "broker-only node \(broker), after every controller")
    }
}
