/// A Metadata (key 3) response and its encoding in every version 0-13 (kafka.md §1.5).
public struct MetadataResponse: Sendable, Equatable {
    public struct Broker: Sendable, Equatable {
        public var nodeId: Int32
        public var host: String
        public var port: Int32
        public var rack: String?

        public init(nodeId: Int32, host: String, port: Int32, rack: String? = nil) {
            self.nodeId = nodeId
            self.host = host
            self.port = port
            self.rack = rack
        }
    }

    public struct Topic: Sendable, Equatable {
        public var errorCode: Int16
        public var name: String?
        public var topicId: [UInt8]
        public var isInternal: Bool
        public var partitions: [PartitionModel.Partition]
        public var authorizedOperations: Int32

        public init(
            errorCode: Int16, name: String?, topicId: [UInt8], isInternal: Bool = false,
            partitions: [PartitionModel.Partition], authorizedOperations: Int32 = Int32.min
        ) {
            self.errorCode = errorCode
            self.name = name
            self.topicId = topicId
            self.isInternal = isInternal
            self.partitions = partitions
            self.authorizedOperations = authorizedOperations
        }
    }

    public var throttleTimeMs: Int32 = 0
    public var brokers: [Broker]
    public var clusterId: String?
    public var controllerId: Int32
    public var topics: [Topic]
    public var clusterAuthorizedOperations: Int32 = Int32.min
    public var errorCode: Int16 = 0

    public init(brokers: [Broker], clusterId: String?, controllerId: Int32, topics: [Topic]) {
        self.brokers = brokers
        self.clusterId = clusterId
        self.controllerId = controllerId
        self.topics = topics
    }

    /// The body (after the response header) in `version`'s layout.
    public func encoded(version v: Int16) -> [UInt8] {
        let flexible = v >= 9
        var w = WireWriter(reservingCapacity: 256)
        if v >= 3 { w.int32(throttleTimeMs) }
        w.array(brokers, compact: flexible) { w, broker in
            w.int32(broker.nodeId)
            w.string(broker.host, compact: flexible)
            w.int32(broker.port)
            if v >= 1 { w.string(broker.rack, compact: flexible) }
            w.emptyTaggedFields(if: flexible)
        }
        if v >= 2 { w.string(clusterId, compact: flexible) }
        if v >= 1 { w.int32(controllerId) }
        w.array(topics, compact: flexible) { w, topic in
            w.int16(topic.errorCode)
            // Non-nullable before v12: an unknown topic asked for by id still needs some name.
            w.string(v >= 12 ? topic.name : topic.name ?? "", compact: flexible)
            if v >= 10 { w.uuid(topic.topicId) }
            if v >= 1 { w.bool(topic.isInternal) }
            w.array(topic.partitions, compact: flexible) { w, partition in
                w.int16(partition.errorCode)
                w.int32(partition.index)
                w.int32(partition.leaderId)
                if v >= 7 { w.int32(partition.leaderEpoch) }
                w.int32Array(partition.replicas, compact: flexible)
                w.int32Array(partition.isr, compact: flexible)
                if v >= 5 { w.int32Array(partition.offlineReplicas, compact: flexible) }
                w.emptyTaggedFields(if: flexible)
            }
            if v >= 8 { w.int32(topic.authorizedOperations) }
            w.emptyTaggedFields(if: flexible)
        }
        if (8...10).contains(v) { w.int32(clusterAuthorizedOperations) }
        if v >= 13 { w.int16(errorCode) }
        w.emptyTaggedFields(if: flexible)
        return w.bytes
    }
}
