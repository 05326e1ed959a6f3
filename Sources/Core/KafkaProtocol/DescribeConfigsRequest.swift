/// DescribeConfigs (key 32) v4, the flexible version every broker from 2.6 to 4.x supports.
///
/// A BROKER resource named with the receiving broker's id doubles as an identity probe: any other id gets
/// `INVALID_REQUEST` "Unexpected broker id, expected <receiver> ...".
public struct DescribeConfigsRequest: KafkaRequest {
    public typealias Response = DescribeConfigsResponse

    public static let apiKey = ApiKey.describeConfigs
    public static let supportedVersions: ClosedRange<Int16> = 4...4
    public static let firstFlexibleVersion: Int16 = 4

    public var version: Int16
    public var resources: [Resource]
    public var includeSynonyms: Bool
    public var includeDocumentation: Bool

    public init(
        version: Int16 = 4, resources: [Resource], includeSynonyms: Bool = false, includeDocumentation: Bool = false
    ) {
        self.version = version
        self.resources = resources
        self.includeSynonyms = includeSynonyms
        self.includeDocumentation = includeDocumentation
    }

    /// One resource; `configurationKeys == nil` lists every key.
    public struct Resource: Equatable, Sendable {
        public var type: ConfigResourceType
        public var name: String
        public var configurationKeys: [String]?

        public init(type: ConfigResourceType, name: String, configurationKeys: [String]? = nil) {
            self.type = type
            self.name = name
            self.configurationKeys = configurationKeys
        }

        /// The BROKER resource of node `id`; it must be sent to that broker.
        public static func broker(_ id: Int, keys: [String]? = nil) -> Resource {
            Resource(type: .broker, name: String(id), configurationKeys: keys)
        }

        public static func topic(_ name: String, keys: [String]? = nil) -> Resource {
            Resource(type: .topic, name: name, configurationKeys: keys)
        }
    }

    public func encodeBody(into writer: inout ByteWriter) throws(ProtocolError) {
        try writer.writeArray(resources, compact: true) { (writer, resource) throws(ProtocolError) in
            writer.writeInt8(resource.type.rawValue)
            try writer.writeCompactString(resource.name)
            try writer.writeNullableStringArray(resource.configurationKeys, compact: true)
            writer.writeEmptyTagBuffer()
        }
        writer.writeBool(includeSynonyms)
        writer.writeBool(includeDocumentation)
        writer.writeEmptyTagBuffer()
    }

    public func decodeResponseBody(from reader: inout ByteReader) throws(ProtocolError) -> DescribeConfigsResponse {
        try DescribeConfigsResponse.decode(from: &reader, version: version)
    }
}

/// The kind of a config resource.
public struct ConfigResourceType: RawRepresentable, Hashable, Sendable {
    public var rawValue: Int8

    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let topic = ConfigResourceType(rawValue: 2)
    public static let broker = ConfigResourceType(rawValue: 4)
    public static let brokerLogger = ConfigResourceType(rawValue: 8)
}

/// Where an effective config value comes from.
public struct ConfigSource: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int8

    public init(rawValue: Int8) { self.rawValue = rawValue }

    public static let unknown = ConfigSource(rawValue: 0)
    public static let dynamicTopic = ConfigSource(rawValue: 1)
    /// A per-broker dynamic override; it beats `server.properties`.
    public static let dynamicBroker = ConfigSource(rawValue: 2)
    public static let dynamicDefaultBroker = ConfigSource(rawValue: 3)
    /// `server.properties` (or `--override`).
    public static let staticBroker = ConfigSource(rawValue: 4)
    public static let defaultConfig = ConfigSource(rawValue: 5)
    public static let dynamicBrokerLogger = ConfigSource(rawValue: 6)

    public var description: String {
        let names: [Int8: String] = [
            0: "UNKNOWN", 1: "DYNAMIC_TOPIC_CONFIG", 2: "DYNAMIC_BROKER_CONFIG", 3: "DYNAMIC_DEFAULT_BROKER_CONFIG",
            4: "STATIC_BROKER_CONFIG", 5: "DEFAULT_CONFIG", 6: "DYNAMIC_BROKER_LOGGER_CONFIG",
        ]
        return "\(names[rawValue] ?? "SOURCE") (\(rawValue))"
    }
}
