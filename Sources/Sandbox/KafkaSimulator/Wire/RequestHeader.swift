/// The API keys the simulator answers, and the error codes it sends (kafka.md §1.3, §1.9).
public enum ApiKey: Int16, Sendable, CaseIterable {
    case metadata = 3
    case findCoordinator = 10
    case apiVersions = 18
    case describeConfigs = 32
    case describeQuorum = 55
    case describeCluster = 60

    /// The first flexible version (request header v2, response header v1, compact encodings).
    public var firstFlexibleVersion: Int16 {
        switch self {
        case .metadata: 9
        case .findCoordinator: 3
        case .apiVersions: 3
        case .describeConfigs: 4
        case .describeQuorum, .describeCluster: 0
        }
    }

    public func isFlexible(_ version: Int16) -> Bool { version >= firstFlexibleVersion }
}

public enum ErrorCode {
    public static let none: Int16 = 0
    public static let unknownTopicOrPartition: Int16 = 3
    public static let leaderNotAvailable: Int16 = 5
    public static let notLeaderOrFollower: Int16 = 6
    public static let replicaNotAvailable: Int16 = 9
    public static let coordinatorNotAvailable: Int16 = 15
    public static let unsupportedVersion: Int16 = 35
    public static let invalidRequest: Int16 = 42
    public static let listenerNotFound: Int16 = 72
    public static let unknownTopicId: Int16 = 100
    public static let mismatchedEndpointType: Int16 = 114
    public static let unsupportedEndpointType: Int16 = 115
}

/// A request header: v1 (`ApiKey, ApiVersion, CorrelationId, ClientId`) or v2 (v1 plus a tag buffer).
///
/// `ClientId` is an INT16-length nullable string in both, so any broker can read an ApiVersions header.
public struct RequestHeader: Sendable, Equatable {
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationId: Int32
    public var clientId: String?

    public init(apiKey: Int16, apiVersion: Int16, correlationId: Int32, clientId: String?) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationId = correlationId
        self.clientId = clientId
    }

    /// Reads the fixed part (key, version, correlation id) that every version shares; nil if the frame is shorter.
    public static func peek(_ frame: [UInt8]) -> (apiKey: Int16, apiVersion: Int16, correlationId: Int32)? {
        var reader = WireReader(frame)
        guard let key = try? reader.int16(), let version = try? reader.int16(), let correlation = try? reader.int32()
        else { return nil }
        return (key, version, correlation)
    }

    /// Parses the whole header; the reader is left at the start of the body.
    public static func parse(_ reader: inout WireReader, flexible: Bool) throws -> RequestHeader {
        let header = RequestHeader(
            apiKey: try reader.int16(), apiVersion: try reader.int16(), correlationId: try reader.int32(),
            clientId: try reader.nullableString())
        if flexible { try reader.skipTaggedFields() }
        return header
    }

    /// The encoded header (for tests and clients in tests).
    public func encoded(flexible: Bool) -> [UInt8] {
        var writer = WireWriter()
        writer.int16(apiKey)
        writer.int16(apiVersion)
        writer.int32(correlationId)
        writer.string(clientId, compact: false)
        writer.emptyTaggedFields(if: flexible)
        return writer.bytes
    }
}

/// Response headers: v0 is the correlation id, v1 adds an empty tag buffer.
public enum ResponseHeader {
    public static func encoded(correlationId: Int32, flexible: Bool) -> [UInt8] {
        var writer = WireWriter()
        writer.int32(correlationId)
        writer.emptyTaggedFields(if: flexible)
        return writer.bytes
    }
}
