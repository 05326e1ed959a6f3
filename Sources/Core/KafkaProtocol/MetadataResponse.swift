/// The Metadata response, v1-v12. Fields a version lacks take Kafka's defaults: `clusterID` nil (v1),
/// `throttleTimeMs` 0 (v1-v2), `leaderEpoch` -1 (v1-v6), `offlineReplicas` empty (v1-v4), `topicID` zero (v1-v9).
public struct MetadataResponse: Equatable, Sendable {
    public var throttleTimeMs: Int32
    /// Only unfenced brokers registered with the listener the request arrived on (KRaft).
    public var brokers: [Broker]
    public var clusterID: String?
    /// Under KRaft a random live broker, not the active controller: use DescribeQuorum for that.
    public var controllerID: Int32
    public var topics: [Topic]

    public init(
        throttleTimeMs: Int32 = 0, brokers: [Broker], clusterID: String?, controllerID: Int32, topics: [Topic]
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.brokers = brokers
        self.clusterID = clusterID
        self.controllerID = controllerID
        self.topics = topics
    }

    public struct Broker: Equatable, Hashable, Sendable {
        public var nodeID: Int32
        public var host: String
        public var port: Int32
        public var rack: String?

        public init(nodeID: Int32, host: String, port: Int32, rack: String? = nil) {
            self.nodeID = nodeID
            self.host = host
            self.port = port
            self.rack = rack
        }
    }

    public struct Topic: Equatable, Sendable {
        public var errorCode: KafkaErrorCode
        /// Null only for unknown topics queried by id (v12).
        public var name: String?
        public var topicID: KafkaUUID
        public var isInternal: Bool
        public var partitions: [Partition]

        public init(
            errorCode: KafkaErrorCode = .none, name: String?, topicID: KafkaUUID = .zero, isInternal: Bool = false,
            partitions: [Partition]
        ) {
            self.errorCode = errorCode
            self.name = name
            self.topicID = topicID
            self.isInternal = isInternal
            self.partitions = partitions
        }
    }

    public struct Partition: Equatable, Sendable {
        public var errorCode: KafkaErrorCode
        public var index: Int32
        /// -1 when there is no leader (usually with `LEADER_NOT_AVAILABLE`).
        public var leaderID: Int32
        public var leaderEpoch: Int32
        public var replicas: [Int32]
        public var isr: [Int32]
        public var offlineReplicas: [Int32]

        public init(
            errorCode: KafkaErrorCode = .none, index: Int32, leaderID: Int32, leaderEpoch: Int32 = -1,
            replicas: [Int32], isr: [Int32], offlineReplicas: [Int32] = []
        ) {
            self.errorCode = errorCode
            self.index = index
            self.leaderID = leaderID
            self.leaderEpoch = leaderEpoch
            self.replicas = replicas
            self.isr = isr
            self.offlineReplicas = offlineReplicas
        }
    }

    public static func decode(from reader: inout ByteReader, version: Int16) throws(ProtocolError) -> MetadataResponse {
        guard MetadataRequest.supportedVersions.contains(version) else {
            throw .unknownVersion(apiKey: ApiKey.metadata.rawValue, version: version)
        }
        let compact = version >= MetadataRequest.firstFlexibleVersion
        let throttleTimeMs = version >= 3 ? try reader.readInt32() : 0
        let brokers = try reader.readArray(compact: compact, minElementSize: 9) {
            (reader: inout ByteReader) throws(ProtocolError) in
            let broker = Broker(
                nodeID: try reader.readInt32(), host: try reader.readString(compact: compact),
                port: try reader.readInt32(), rack: try reader.readNullableString(compact: compact)
            )
            if compact { try reader.skipTagBuffer() }
            return broker
        }
        let clusterID = version >= 2 ? try reader.readNullableString(compact: compact) : nil
        let controllerID = try reader.readInt32()
        let topics = try reader.readArray(compact: compact, minElementSize: 4) {
            (reader: inout ByteReader) throws(ProtocolError) in
            try decodeTopic(from: &reader, version: version)
        }
        if (8...10).contains(version) { _ = try reader.readInt32() }  // ClusterAuthorizedOperations
        if compact { try reader.skipTagBuffer() }
        return MetadataResponse(
            throttleTimeMs: throttleTimeMs, brokers: brokers, clusterID: clusterID, controllerID: controllerID,
            topics: topics
        )
    }

    private static func decodeTopic(from reader: inout ByteReader, version: Int16) throws(ProtocolError) -> Topic {
        let compact = version >= MetadataRequest.firstFlexibleVersion
        let errorCode = KafkaErrorCode(rawValue: try reader.readInt16())
        let nameOffset = reader.offset
        let name = try reader.readNullableString(compact: compact)
        if name == nil && version < 12 { throw .unexpectedNull(offset: nameOffset) }
        let topicID = version >= 10 ? try reader.readUUID() : .zero
        let isInternal = try reader.readBool()
        let partitions = try reader.readArray(compact: compact, minElementSize: 14) {
            (reader: inout ByteReader) throws(ProtocolError) in
            try decodePartition(from: &reader, version: version)
        }
        if version >= 8 { _ = try reader.readInt32() }  // TopicAuthorizedOperations
        if compact { try reader.skipTagBuffer() }
        return Topic(errorCode: errorCode, name: name, topicID: topicID, isInternal: isInternal, partitions: partitions)
    }

    private static func decodePartition(
        from reader: inout ByteReader, version: Int16
    ) throws(ProtocolError) -> Partition {
        let compact = version >= MetadataRequest.firstFlexibleVersion
        let errorCode = KafkaErrorCode(rawValue: try reader.readInt16())
        let index = try reader.readInt32()
        let leaderID = try reader.readInt32()
        let leaderEpoch = version >= 7 ? try reader.readInt32() : -1
        let replicas = try reader.readInt32Array(compact: compact)
        let isr = try reader.readInt32Array(compact: compact)
        let offline = version >= 5 ? try reader.readInt32Array(compact: compact) : []
        if compact { try reader.skipTagBuffer() }
        return Partition(
            errorCode: errorCode, index: index, leaderID: leaderID, leaderEpoch: leaderEpoch, replicas: replicas,
            isr: isr, offlineReplicas: offline
        )
    }
}
