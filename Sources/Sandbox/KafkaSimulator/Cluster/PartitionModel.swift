/// Partition placement and state, KRaft style (kafka.md §2): deterministic replicas (round-robin over broker ids),
/// ISR = replicas that are running and caught up, leader = first replica in the ISR, and per-listener views.
public struct PartitionModel: Sendable {
    public struct Partition: Sendable, Equatable {
        public var errorCode: Int16
        public var index: Int32
        public var leaderId: Int32
        public var leaderEpoch: Int32
        public var replicas: [Int32]
        public var isr: [Int32]
        public var offlineReplicas: [Int32]
    }

    public struct Topic: Sendable, Equatable {
        public var spec: TopicSpec
        public var partitions: [Partition]
    }

    public let topics: [TopicSpec]
    public let brokerIds: [Int32]

    public init(topics: [TopicSpec], brokerIds: [Int32]) {
        self.topics = topics
        self.brokerIds = brokerIds
    }

    /// Replicas of partition `partition` of the topic at `topicIndex`: `replicationFactor` consecutive broker
    /// ids starting at `(partition + topicIndex) mod n` (clipped to the number of brokers).
    public func replicas(topicIndex: Int, partition: Int) -> [Int32] {
        guard !brokerIds.isEmpty, topics.indices.contains(topicIndex) else { return [] }
        let count = brokerIds.count
        let factor = min(topics[topicIndex].replicationFactor, count)
        let start = (partition + topicIndex) % count
        return (0..<factor).map { brokerIds[(start + $0) % count] }
    }

    /// Every partition of the topic at `topicIndex` as seen through `listener` by a request of `version`.
    ///
    /// - Errors: no ISR member (so no leader) gives LEADER_NOT_AVAILABLE; a leader without this listener
    ///   gives LISTENER_NOT_FOUND on v6+ (LEADER_NOT_AVAILABLE before), both with LeaderId -1.
    /// - Offline replicas: replicas not running, or running without this listener.
    /// - v0 only filters replicas and ISR to the available ones and reports REPLICA_NOT_AVAILABLE when it did.
    public func partitions(
        topicIndex: Int, listener: String, version: Int16, snapshot: ClusterSnapshot
    ) -> [Partition] {
        guard topics.indices.contains(topicIndex) else { return [] }
        return (0..<topics[topicIndex].partitions).map { index in
            let replicas = replicas(topicIndex: topicIndex, partition: index)
            let isr = replicas.filter { snapshot.isInSync($0) }
            let available: (Int32) -> Bool = { id in
                snapshot.isRunning(id) && snapshot.records[id]?.endpoint(listener) != nil
            }
            let offline = replicas.filter { !available($0) }
            var error = ErrorCode.none
            var leaderId: Int32 = -1
            if let leader = isr.first {
                if available(leader) {
                    leaderId = leader
                } else {
                    error = version >= 6 ? ErrorCode.listenerNotFound : ErrorCode.leaderNotAvailable
                }
            } else {
                error = ErrorCode.leaderNotAvailable
            }
            var shownReplicas = replicas
            var shownIsr = isr
            if version == 0 {
                shownReplicas = replicas.filter(available)
                shownIsr = isr.filter(available)
                if error == ErrorCode.none && (shownReplicas.count < replicas.count || shownIsr.count < isr.count) {
                    error = ErrorCode.replicaNotAvailable
                }
            }
            return Partition(
                errorCode: error, index: Int32(index), leaderId: leaderId, leaderEpoch: snapshot.epoch(replicas),
                replicas: shownReplicas, isr: shownIsr, offlineReplicas: offline)
        }
    }

    public func topicIndex(named name: String) -> Int? { topics.firstIndex { $0.name == name } }

    public func topicIndex(id: [UInt8]) -> Int? { topics.firstIndex { $0.topicId == id } }
}
