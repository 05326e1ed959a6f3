/// Metadata (key 3), v1-v12. v9+ are flexible; v10+ carry topic ids; v12 is what KRaft brokers 3.3-3.9 answer.
///
/// `topics == nil` asks for all topics, `[]` for none (brokers, cluster id and controller only). v0, where an empty
/// array meant "all", is not implemented.
public struct MetadataRequest: KafkaRequest {
    public typealias Response = MetadataResponse

    public static let apiKey = ApiKey.metadata
    public static let supportedVersions: ClosedRange<Int16> = 1...12
    public static let firstFlexibleVersion: Int16 = 9

    public var version: Int16
    public var topics: [String]?
    /// Sent in v4+; must stay false below (older brokers always auto-create).
    public var allowAutoTopicCreation: Bool
    /// Sent in v8-v10.
    public var includeClusterAuthorizedOperations: Bool
    /// Sent in v8+.
    public var includeTopicAuthorizedOperations: Bool

    public init(
        version: Int16 = 12,
        topics: [String]? = nil,
        allowAutoTopicCreation: Bool = false,
        includeClusterAuthorizedOperations: Bool = false,
        includeTopicAuthorizedOperations: Bool = false
    ) {
        self.version = version
        self.topics = topics
        self.allowAutoTopicCreation = allowAutoTopicCreation
        self.includeClusterAuthorizedOperations = includeClusterAuthorizedOperations
        self.includeTopicAuthorizedOperations = includeTopicAuthorizedOperations
    }

    public func encodeBody(into writer: inout ByteWriter) throws(ProtocolError) {
        let compact = isFlexible
        try writer.writeNullableArray(topics, compact: compact) { (writer, name) throws(ProtocolError) in
            if version >= 10 { writer.writeUUID(.zero) }
            try writer.writeString(name, compact: compact)
            if compact { writer.writeEmptyTagBuffer() }
        }
        if version >= 4 { writer.writeBool(allowAutoTopicCreation) }
        if (8...10).contains(version) { writer.writeBool(includeClusterAuthorizedOperations) }
        if version >= 8 { writer.writeBool(includeTopicAuthorizedOperations) }
        if compact { writer.writeEmptyTagBuffer() }
    }

    public func decodeResponseBody(from reader: inout ByteReader) throws(ProtocolError) -> MetadataResponse {
        try MetadataResponse.decode(from: &reader, version: version)
    }
}
