import RollingRestart

/// A pure, deterministic simulation of a KRaft cluster for driving `RollingRestartMachine`: node states are
/// functions of `now`, faults are time windows, and `snapshot(at:avoiding:)` builds the `ClusterHealth` the
/// real caller would read over INTERNAL.
///
/// A restart takes a node through down (stopped) -> recovering (answers, not registered, BrokerState 2) ->
/// catchingUp (registered, not yet back in its ISRs) -> running (in every ISR).
struct FakeCluster {
    enum NodeState: Equatable { case down, recovering, catchingUp, running }

    /// How one node behaves when restarted.
    struct RestartBehavior {
        var commandTime: Duration = .seconds(2)
        var downFor: Duration = .seconds(4)
        var recoverFor: Duration = .seconds(3)
        var catchUpFor: Duration = .seconds(5)
        var comesBack = true
        var commandFails = false
        /// False models a broken config: the node comes back advertising its old endpoint.
        var appliesConfig = true
    }

    /// `[from, until)`; `until` nil means forever.
    struct Window {
        var from: Duration
        var until: Duration?
        func covers(_ t: Duration) -> Bool { t >= from && (until.map { t < $0 } ?? true) }
    }

    let nodes: [Int]
    let controllers: Set<Int>
    var partitionCount = 6
    var replicationFactor = 3
    var minISR = 2
    var behaviors: [Int: RestartBehavior] = [:]
    /// Per node, state changes in time order; before the first entry a node is running.
    var timelines: [Int: [(from: Duration, state: NodeState)]] = [:]
    /// Spontaneous outages a restart does not cure.
    var outages: [(node: Int, window: Window)] = []
    /// A running node out of one partition's ISR (pre-existing under-replication).
    var isrLags: [(partition: Int, node: Int, window: Window)] = []
    /// A voter whose lastCaughtUpTimestamp freezes.
    var quorumLags: [(node: Int, window: Window)] = []
    var observationFaults: [Window] = []
    var leaderMoves: [(at: Duration, to: Int)] = []
    /// Nodes running the new config (advertising `expectedEndpoint`).
    var configApplied: Set<Int> = []
    private(set) var leader: Int
    private(set) var restarts: [(at: Duration, node: Int)] = []
    private var lastCaughtUpMs: [Int: Int64] = [:]

    init(nodes: [Int], controllers: Set<Int>? = nil, leader: Int? = nil) {
        self.nodes = nodes
        self.controllers = controllers ?? Set(nodes)
        self.leader = leader ?? (controllers ?? Set(nodes)).min()!
    }

    static func expectedEndpoint(_ id: Int) -> String { "b\(id).kafka.example.com:\(9092 + id)" }
    static func oldEndpoint(_ id: Int) -> String { "kafka-\(id).old.example.com:9093" }

    var expectedExternal: [String: [Int: String]] {
        ["EXTERNAL": Dictionary(uniqueKeysWithValues: nodes.map { ($0, Self.expectedEndpoint($0)) })]
    }

    /// Makes `node` stopped from time zero until something restarts it.
    mutating func startDown(_ node: Int) { timelines[node] = [(.zero, .down)] }

    func state(_ node: Int, at t: Duration) -> NodeState {
        if outages.contains(where: { $0.node == node && $0.window.covers(t) }) { return .down }
        return timelines[node]?.last(where: { $0.from <= t })?.state ?? .running
    }

    /// Registered and answering: what the pre-restart gate calls up (ground truth).
    func isUp(_ node: Int, at t: Duration) -> Bool { [.catchingUp, .running].contains(state(node, at: t)) }

    /// Runs the restart command at `t`; returns when it finishes and whether it succeeded.
    mutating func restart(_ node: Int, at t: Duration) -> (succeeded: Bool, finishedAt: Duration) {
        let b = behaviors[node] ?? RestartBehavior()
        restarts.append((t, node))
        var line = (timelines[node] ?? []).filter { $0.from <= t }
        line.append((t, .down))
        if b.comesBack && !b.commandFails {
            line.append((t + b.downFor, .recovering))
            line.append((t + b.downFor + b.recoverFor, .catchingUp))
            line.append((t + b.downFor + b.recoverFor + b.catchUpFor, .running))
        }
        timelines[node] = line
        if b.appliesConfig { configApplied.insert(node) } else { configApplied.remove(node) }
        return (!b.commandFails, t + b.commandTime)
    }

    /// The snapshot a caller would build at `t`, the broker list fetched from the lowest registered node other
    /// than `avoiding`.
    mutating func snapshot(at t: Duration, avoiding: Int? = nil) -> ClusterHealth {
        let up = Set(nodes.filter { isUp($0, at: t) })
        let reachable = Set(nodes.filter { state($0, at: t) != .down })
        let source = up.subtracting(avoiding.map { [$0] } ?? []).min()
        return ClusterHealth(
            registeredBrokers: source == nil ? [] : up,
            metadataSource: source,
            reachable: reachable,
            partitions: partitions(at: t, up: up),
            minInsyncReplicas: ["orders": minISR],
            quorum: quorum(at: t, up: up),
            brokersInRecovery: Set(nodes.filter { state($0, at: t) == .recovering }),
            externalEndpoints: ["EXTERNAL": Dictionary(uniqueKeysWithValues: up.sorted().map { id in
                (id, configApplied.contains(id) ? Self.expectedEndpoint(id) : Self.oldEndpoint(id))
            })],
            observationErrors: observationFaults.contains { $0.covers(t) } ? ["DescribeConfigs: request timed out"] : []
        )
    }

    /// The partitions as they truly are at `t`.
    func partitions(at t: Duration) -> [PartitionHealth] { partitions(at: t, up: Set(nodes.filter { isUp($0, at: t) })) }

    private func partitions(at t: Duration, up: Set<Int>) -> [PartitionHealth] {
        let rf = min(replicationFactor, nodes.count)
        return (0..<partitionCount).map { index in
            let replicas = (0..<rf).map { nodes[(index + $0) % nodes.count] }
            let isr = replicas.filter { node in
                state(node, at: t) == .running
                    && !isrLags.contains { $0.partition == index && $0.node == node && $0.window.covers(t) }
            }
            return PartitionHealth(
                topic: "orders", index: index, leaderID: isr.first ?? -1, replicas: replicas,
                isr: isr.isEmpty ? [replicas[0]] : isr, offlineReplicas: replicas.filter { !up.contains($0) })
        }
    }

    private mutating func quorum(at t: Duration, up: Set<Int>) -> QuorumHealth {
        let ms = Int64(t.components.seconds) * 1000 + t.components.attoseconds / 1_000_000_000_000_000
        for move in leaderMoves where move.at <= t && up.contains(move.to) { leader = move.to }
        leaderMoves.removeAll { $0.at <= t }
        if leader < 0 || !up.contains(leader) { leader = controllers.intersection(up).min() ?? -1 }
        for id in controllers where up.contains(id) {
            if !quorumLags.contains(where: { $0.node == id && $0.window.covers(t) }) { lastCaughtUpMs[id] = ms }
        }
        if leader >= 0 { lastCaughtUpMs[leader] = ms }
        return QuorumHealth(leaderID: leader, voters: controllers.sorted().map { id in
            let caughtUp = lastCaughtUpMs[id] ?? -1
            return VoterState(id: id, logEndOffset: caughtUp < 0 ? 0 : 10_000 + caughtUp, lastCaughtUpTimestamp: caughtUp)
        })
    }
}
