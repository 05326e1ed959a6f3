/// DescribeCluster (key 60), v0-v2, flexible in every version.
///
/// v1 (Kafka 3.7+) adds `EndpointType` (controllers are only described on the CONTROLLER listener); v2 (4.x) adds
/// `IncludeFencedBrokers` and the per-broker `IsFenced`.
public struct DescribeClusterRequest: KafkaRequest {
    public typealias Response = DescribeClusterResponse

    public static let apiKey = ApiKey.describeCluster
    public static let supportedVersions: ClosedRange<Int16> = 0...2
    public static let firstFlexibleVersion: Int16 = 0

    public var version: Int16
    public var includeClusterAuthorizedOperations: Bool
    /// Sent in v1+; v0 can only describe brokers.
    public var endpointType: EndpointType
    /// Sent in v2+.
    public var includeFencedBrokers: Bool

    public init(
        version: Int16 = 1,
        includeClusterAuthorizedOperations: Bool = false,
        endpointType: EndpointType = .brokers,
        includeFencedBrokers: Bool = false
    ) {
        self.version = version
        self.includeClusterAuthorizedOperations = includeClusterAuthorizedOperations
        self.endpointType = endpointType
        self.includeFencedBrokers = includeFencedBrokers
    }

    public func encodeBody(into writer: inout ByteWriter) throws(ProtocolError) {
        guard version >= 1 || endpointType == .brokers else {
            throw .invalidValue("DescribeCluster v0 cannot describe endpoint type \(endpointType.rawValue)")
        }
        guard version >= 2 || !includeFencedBrokers else {
            throw .invalidValue("DescribeCluster v\(version) cannot include fenced brokers (v2+)")
        }
        writer.writeBool(includeClusterAuthorizedOperations)
        if version >= 1 { writer.writeInt8(endpointType.rawValue) }
        if version >= 2 { writer.writeBool(includeFencedBrokers) }
        writer.writeEmptyTagBuffer()
    }

    public func decodeResponseBody(from reader: inout ByteReader) throws(ProtocolError) -> DescribeClusterResponse {
        try DescribeClusterResponse.decode(from: &reader, version: version)
    }
}

/// What DescribeCluster v1+ describes (KIP-919).
public struct EndpointType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int8

    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let brokers = EndpointType(rawValue: 1)
    public static let controllers = EndpointType(rawValue: 2)
}
