/// The DescribeQuorum response, v0-v2, with the topic level flattened into `partitions`.
public struct DescribeQuorumResponse: Equatable, Sendable {
    public var errorCode: KafkaErrorCode
    /// v2+.
    public var errorMessage: String?
    public var partitions: [Partition]
    /// v2+: the controllers' listeners.
    public var nodes: [Node]

    public init(
        errorCode: KafkaErrorCode = .none, errorMessage: String? = nil, partitions: [Partition], nodes: [Node] = []
    ) {
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.partitions = partitions
        self.nodes = nodes
    }

    /// The `__cluster_metadata` partition 0 entry, the one that describes the KRaft quorum.
    public var metadataPartition: Partition? {
        partitions.first { $0.topicName == DescribeQuorumRequest.metadataTopic && $0.partitionIndex == 0 }
    }

    public struct Partition: Equatable, Sendable {
        public var topicName: String
        public var partitionIndex: Int32
        public var errorCode: KafkaErrorCode
        /// v2+.
        public var errorMessage: String?
        /// The active controller; -1 when there is no leader.
        public var leaderID: Int32
        public var leaderEpoch: Int32
        public var highWatermark: Int64
        public var voters: [ReplicaState]
        public var observers: [ReplicaState]

        public init(
            topicName: String = DescribeQuorumRequest.metadataTopic, partitionIndex: Int32 = 0,
            errorCode: KafkaErrorCode = .none, errorMessage: String? = nil, leaderID: Int32, leaderEpoch: Int32,
            highWatermark: Int64, voters: [ReplicaState], observers: [ReplicaState] = []
        ) {
            self.topicName = topicName
            self.partitionIndex = partitionIndex
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.leaderID = leaderID
            self.leaderEpoch = leaderEpoch
            self.highWatermark = highWatermark
            self.voters = voters
            self.observers = observers
        }
    }

    /// A voter or observer. The timestamps are -1 in v0 (and the leader's `lastFetchTimestamp` is always -1).
    public struct ReplicaState: Equatable, Sendable {
        public var replicaID: Int32
        /// v2+; nil below.
        public var replicaDirectoryID: KafkaUUID?
        public var logEndOffset: Int64
        public var lastFetchTimestamp: Int64
        public var lastCaughtUpTimestamp: Int64

        public init(
            replicaID: Int32, replicaDirectoryID: KafkaUUID? = nil, logEndOffset: Int64, lastFetchTimestamp: Int64 = -1,
            lastCaughtUpTimestamp: Int64 = -1
        ) {
            self.replicaID = replicaID
            self.replicaDirectoryID = replicaDirectoryID
            self.logEndOffset = logEndOffset
            self.lastFetchTimestamp = lastFetchTimestamp
            self.lastCaughtUpTimestamp = lastCaughtUpTimestamp
        }
    }

    public struct Node: Equatable, Sendable {
        public var nodeID: Int32
        public var listeners: [Listener]

        public init(nodeID: Int32, listeners: [Listener]) {
            self.nodeID = nodeID
            self.listeners = listeners
        }
    }

    public struct Listener: Equatable, Hashable, Sendable {
        public var name: String
        public var host: String
        public var port: UInt16

        public init(name: String, host: String, port: UInt16) {
            self.name = name
            self.host = host
            self.port = port
        }
    }

    public static func decode(
        from reader: inout ByteReader, version: Int16
    ) throws(ProtocolError) -> DescribeQuorumResponse {
        guard DescribeQuorumRequest.supportedVersions.contains(version) else {
            throw .unknownVersion(apiKey: ApiKey.describeQuorum.rawValue, version: version)
        }
        let errorCode = KafkaErrorCode(rawValue: try reader.readInt16())
        let errorMessage = version >= 2 ? try reader.readCompactNullableString() : nil
        let topics = try reader.readArray(compact: true, minElementSize: 3) {
            (reader: inout ByteReader) throws(ProtocolError) in
            let topicName = try reader.readCompactString()
            let partitions = try reader.readArray(compact: true, minElementSize: 25) {
                (reader: inout ByteReader) throws(ProtocolError) in
                try decodePartition(from: &reader, topicName: topicName, version: version)
            }
            try reader.skipTagBuffer()
            return partitions
        }
        var nodes: [Node] = []
        if version >= 2 {
            nodes = try reader.readArray(compact: true, minElementSize: 6) {
                (reader: inout ByteReader) throws(ProtocolError) in
                let nodeID = try reader.readInt32()
                let listeners = try reader.readArray(compact: true, minElementSize: 5) {
                    (reader: inout ByteReader) throws(ProtocolError) in
                    let listener = Listener(
                        name: try reader.readCompactString(), host: try reader.readCompactString(),
                        port: try reader.readUInt16()
                    )
                    try reader.skipTagBuffer()
                    return listener
                }
                try reader.skipTagBuffer()
                return Node(nodeID: nodeID, listeners: listeners)
            }
        }
        try reader.skipTagBuffer()
        return DescribeQuorumResponse(
            errorCode: errorCode, errorMessage: errorMessage, partitions: topics.flatMap { $0 }, nodes: nodes
        )
    }

    private static func decodePartition(
        from reader: inout ByteReader, topicName: String, version: Int16
    ) throws(ProtocolError) -> Partition {
        let partitionIndex = try reader.readInt32()
        let errorCode = KafkaErrorCode(rawValue: try reader.readInt16())
        let errorMessage = version >= 2 ? try reader.readCompactNullableString() : nil
        let leaderID = try reader.readInt32()
        let leaderEpoch = try reader.readInt32()
        let highWatermark = try reader.readInt64()
        let replica = { (reader: inout ByteReader) throws(ProtocolError) -> ReplicaState in
            let replicaID = try reader.readInt32()
            let directoryID = version >= 2 ? try reader.readUUID() : nil
            let logEndOffset = try reader.readInt64()
            let lastFetch = version >= 1 ? try reader.readInt64() : -1
            let lastCaughtUp = version >= 1 ? try reader.readInt64() : -1
            try reader.skipTagBuffer()
            return ReplicaState(
                replicaID: replicaID, replicaDirectoryID: directoryID, logEndOffset: logEndOffset,
                lastFetchTimestamp: lastFetch, lastCaughtUpTimestamp: lastCaughtUp
            )
        }
        let voters = try reader.readArray(compact: true, minElementSize: 13, replica)
        let observers = try reader.readArray(compact: true, minElementSize: 13, replica)
        try reader.skipTagBuffer()
        return Partition(
            topicName: topicName, partitionIndex: partitionIndex, errorCode: errorCode, errorMessage: errorMessage,
            leaderID: leaderID, leaderEpoch: leaderEpoch, highWatermark: highWatermark, voters: voters,
            observers: observers
        )
    }
}
