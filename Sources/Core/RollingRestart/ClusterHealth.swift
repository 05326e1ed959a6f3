/// One health snapshot of a cluster, read over the INTERNAL listener (which every node has before and after
/// a listener change, kafka.md §2) and built by the caller from Kafka responses. A value: the gates and the
/// roll machine only ever judge snapshots, they never read anything themselves.
///
/// A snapshot describes one moment. The machine asks for a fresh one (`RollAction.readHealth`) before every
/// decision, so the caller must not cache snapshots between calls.
public struct ClusterHealth: Sendable, Hashable {
    /// Node ids in the Metadata broker list (registered and unfenced brokers).
    public var registeredBrokers: Set<Int>
    /// The node the Metadata broker list was fetched from, or nil if unknown. After a restart the restarted
    /// node's registration only counts when it was seen by *another* node (post-restart condition 2).
    public var metadataSource: Int?
    /// Nodes that answered ApiVersions on their INTERNAL endpoint.
    public var reachable: Set<Int>
    /// Every partition of every topic, including internal topics.
    public var partitions: [PartitionHealth]
    /// `min.insync.replicas` per topic; a topic missing here uses the broker default, 1.
    public var minInsyncReplicas: [String: Int]
    /// DescribeQuorum (v1+, for the timestamps), or nil if it was not read.
    public var quorum: QuorumHealth?
    /// Nodes known to be in log recovery (BrokerState 2). Restarting one only restarts its recovery.
    public var brokersInRecovery: Set<Int>
    /// Per exposure listener name (e.g. `EXTERNAL`): node id -> `host:port` as advertised through that
    /// listener (the Metadata broker list of a bootstrap via that listener).
    public var externalEndpoints: [String: [Int: String]]
    /// Reads that failed and left this snapshot incomplete (a failed DescribeQuorum, DescribeConfigs, ...).
    /// A node that simply does not answer is not an error here: it is absent from `reachable`. Any entry
    /// makes every gate fail, because a partial snapshot can hide exactly the problem the gate looks for.
    public var observationErrors: [String]

    public init(
        registeredBrokers: Set<Int>,
        metadataSource: Int? = nil,
        reachable: Set<Int>,
        partitions: [PartitionHealth] = [],
        minInsyncReplicas: [String: Int] = [:],
        quorum: QuorumHealth? = nil,
        brokersInRecovery: Set<Int> = [],
        externalEndpoints: [String: [Int: String]] = [:],
        observationErrors: [String] = []
    ) {
        self.registeredBrokers = registeredBrokers
        self.metadataSource = metadataSource
        self.reachable = reachable
        self.partitions = partitions
        self.minInsyncReplicas = minInsyncReplicas
        self.quorum = quorum
        self.brokersInRecovery = brokersInRecovery
        self.externalEndpoints = externalEndpoints
        self.observationErrors = observationErrors
    }

    /// The topic's `min.insync.replicas` (the broker default 1 when not read).
    public func minISR(of topic: String) -> Int { minInsyncReplicas[topic] ?? 1 }

    /// Answers ApiVersions, is registered and unfenced, and is not in log recovery.
    public func isUp(_ node: Int) -> Bool {
        reachable.contains(node) && registeredBrokers.contains(node) && !brokersInRecovery.contains(node)
    }

    /// Why `node` is not up, or nil if it is. For reasons shown to people.
    public func downReason(_ node: Int) -> String? {
        var what: [String] = []
        if !reachable.contains(node) { what.append("does not answer ApiVersions on INTERNAL") }
        if !registeredBrokers.contains(node) { what.append("is not in the Metadata broker list") }
        if brokersInRecovery.contains(node) { what.append("is in log recovery") }
        return what.isEmpty ? nil : "broker \(node) " + what.joined(separator: " and ")
    }
}

/// One partition as Metadata (v12) describes it.
public struct PartitionHealth: Sendable, Hashable {
    public var topic: String
    public var index: Int
    /// −1 when the partition has no leader.
    public var leaderID: Int
    public var replicas: [Int]
    public var isr: [Int]
    public var offlineReplicas: [Int]
    /// The partition's error code (0 none; 5 LEADER_NOT_AVAILABLE; 72 LISTENER_NOT_FOUND; ...).
    public var errorCode: Int16

    public init(
        topic: String, index: Int, leaderID: Int, replicas: [Int], isr: [Int], offlineReplicas: [Int] = [],
        errorCode: Int16 = 0
    ) {
        self.topic = topic
        self.index = index
        self.leaderID = leaderID
        self.replicas = replicas
        self.isr = isr
        self.offlineReplicas = offlineReplicas
        self.errorCode = errorCode
    }

    /// `topic-index`, as Kafka's tools print it.
    public var name: String { "\(topic)-\(index)" }

    /// `|ISR| < |replicas|` (kafka.md §4.1).
    public var isUnderReplicated: Bool { Set(isr).count < Set(replicas).count }

    /// Replicas that are not in the ISR.
    public var outOfSync: Set<Int> { Set(replicas).subtracting(isr) }

    /// For reasons: `t-0 (leader 1, replicas [1,2,3], ISR [1,2])`.
    public var summary: String {
        let list = { (ids: [Int]) in "[" + ids.map(String.init).joined(separator: ",") + "]" }
        var text = "\(name) (leader \(leaderID), replicas \(list(replicas)), ISR \(list(isr))"
        if !offlineReplicas.isEmpty { text += ", offline \(list(offlineReplicas))" }
        if errorCode != 0 { text += ", error \(errorCode)" }
        return text + ")"
    }
}
