/// DescribeQuorum (key 55), v0-v2, flexible in every version; always asks for `__cluster_metadata` partition 0,
/// the only partition KRaft answers for (anything else gets `UNKNOWN_TOPIC_OR_PARTITION`).
///
/// A broker forwards it to the active controller; v1 adds the voter timestamps the quorum gate needs, v2 (3.9+)
/// the directory ids and the controller listeners.
public struct DescribeQuorumRequest: KafkaRequest {
    public typealias Response = DescribeQuorumResponse

    public static let apiKey = ApiKey.describeQuorum
    public static let supportedVersions: ClosedRange<Int16> = 0...2
    public static let firstFlexibleVersion: Int16 = 0

    public static let metadataTopic = "__cluster_metadata"

    public var version: Int16

    public init(version: Int16 = 2) {
        self.version = version
    }

    public func encodeBody(into writer: inout ByteWriter) throws(ProtocolError) {
        writer.writeArrayCount(1, compact: true)
        try writer.writeCompactString(Self.metadataTopic)
        writer.writeArrayCount(1, compact: true)
        writer.writeInt32(0)  // PartitionIndex
        writer.writeEmptyTagBuffer()  // partition
        writer.writeEmptyTagBuffer()  // topic
        writer.writeEmptyTagBuffer()  // request
    }

    public func decodeResponseBody(from reader: inout ByteReader) throws(ProtocolError) -> DescribeQuorumResponse {
        try DescribeQuorumResponse.decode(from: &reader, version: version)
    }
}
