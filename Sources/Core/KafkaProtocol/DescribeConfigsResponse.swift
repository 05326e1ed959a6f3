/// The DescribeConfigs v4 response. Errors are per resource.
public struct DescribeConfigsResponse: Equatable, Sendable {
    public var throttleTimeMs: Int32
    public var results: [Result]

    public init(throttleTimeMs: Int32 = 0, results: [Result]) {
        self.throttleTimeMs = throttleTimeMs
        self.results = results
    }

    public struct Result: Equatable, Sendable {
        public var errorCode: KafkaErrorCode
        public var errorMessage: String?
        public var resourceType: ConfigResourceType
        public var resourceName: String
        public var configs: [Config]

        public init(
            errorCode: KafkaErrorCode = .none, errorMessage: String? = nil, resourceType: ConfigResourceType,
            resourceName: String, configs: [Config]
        ) {
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.resourceType = resourceType
            self.resourceName = resourceName
            self.configs = configs
        }

        public func config(named name: String) -> Config? { configs.first { $0.name == name } }
    }

    public struct Config: Equatable, Sendable {
        public var name: String
        /// Null for sensitive values.
        public var value: String?
        public var readOnly: Bool
        public var configSource: ConfigSource
        public var isSensitive: Bool
        /// Only when the request asked for synonyms.
        public var synonyms: [Synonym]
        public var configType: Int8
        public var documentation: String?

        public init(
            name: String, value: String?, readOnly: Bool = false, configSource: ConfigSource,
            isSensitive: Bool = false, synonyms: [Synonym] = [], configType: Int8 = 0, documentation: String? = nil
        ) {
            self.name = name
            self.value = value
            self.readOnly = readOnly
            self.configSource = configSource
            self.isSensitive = isSensitive
            self.synonyms = synonyms
            self.configType = configType
            self.documentation = documentation
        }
    }

    public struct Synonym: Equatable, Sendable {
        public var name: String
        public var value: String?
        public var source: ConfigSource

        public init(name: String, value: String?, source: ConfigSource) {
            self.name = name
            self.value = value
            self.source = source
        }
    }

    public static func decode(
        from reader: inout ByteReader, version: Int16
    ) throws(ProtocolError) -> DescribeConfigsResponse {
        guard DescribeConfigsRequest.supportedVersions.contains(version) else {
            throw .unknownVersion(apiKey: ApiKey.describeConfigs.rawValue, version: version)
        }
        let throttleTimeMs = try reader.readInt32()
        let results = try reader.readArray(compact: true, minElementSize: 7) {
            (reader: inout ByteReader) throws(ProtocolError) in
            let errorCode = KafkaErrorCode(rawValue: try reader.readInt16())
            let errorMessage = try reader.readCompactNullableString()
            let resourceType = ConfigResourceType(rawValue: try reader.readInt8())
            let resourceName = try reader.readCompactString()
            let configs = try reader.readArray(compact: true, minElementSize: 9) {
                (reader: inout ByteReader) throws(ProtocolError) in
                try decodeConfig(from: &reader)
            }
            try reader.skipTagBuffer()
            return Result(
                errorCode: errorCode, errorMessage: errorMessage, resourceType: resourceType,
                resourceName: resourceName, configs: configs
            )
        }
        try reader.skipTagBuffer()
        return DescribeConfigsResponse(throttleTimeMs: throttleTimeMs, results: results)
    }

    private static func decodeConfig(from reader: inout ByteReader) throws(ProtocolError) -> Config {
        let name = try reader.readCompactString()
        let value = try reader.readCompactNullableString()
        let readOnly = try reader.readBool()
        let configSource = ConfigSource(rawValue: try reader.readInt8())
        let isSensitive = try reader.readBool()
        let synonyms = try reader.readArray(compact: true, minElementSize: 4) {
            (reader: inout ByteReader) throws(ProtocolError) in
            let synonym = Synonym(
                name: try reader.readCompactString(), value: try reader.readCompactNullableString(),
                source: ConfigSource(rawValue: try reader.readInt8())
            )
            try reader.skipTagBuffer()
            return synonym
        }
        let configType = try reader.readInt8()
        let documentation = try reader.readCompactNullableString()
        try reader.skipTagBuffer()
        return Config(
            name: name, value: value, readOnly: readOnly, configSource: configSource, isSensitive: isSensitive,
            synonyms: synonyms, configType: configType, documentation: documentation
        )
    }
}
