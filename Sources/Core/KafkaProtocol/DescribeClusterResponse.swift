/// The DescribeCluster response, v0-v2. `endpointType` is 1 (brokers) for v0; `isFenced` is false below v2.
public struct DescribeClusterResponse: Equatable, Sendable {
    public var throttleTimeMs: Int32
    public var errorCode: KafkaErrorCode
    public var errorMessage: String?
    public var endpointType: EndpointType
    public var clusterID: String
    /// From a broker listener a random live broker; from the CONTROLLER listener the Raft leader.
    public var controllerID: Int32
    public var brokers: [Broker]
    public var clusterAuthorizedOperations: Int32

    public init(
        throttleTimeMs: Int32 = 0, errorCode: KafkaErrorCode = .none, errorMessage: String? = nil,
        endpointType: EndpointType = .brokers, clusterID: String, controllerID: Int32, brokers: [Broker],
        clusterAuthorizedOperations: Int32 = Int32.min
    ) {
        self.throttleTimeMs = throttleTimeMs
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.endpointType = endpointType
        self.clusterID = clusterID
        self.controllerID = controllerID
        self.brokers = brokers
        self.clusterAuthorizedOperations = clusterAuthorizedOperations
    }

    public struct Broker: Equatable, Hashable, Sendable {
        public var brokerID: Int32
        public var host: String
        public var port: Int32
        public var rack: String?
        public var isFenced: Bool

        public init(brokerID: Int32, host: String, port: Int32, rack: String? = nil, isFenced: Bool = false) {
            self.brokerID = brokerID
            self.host = host
            self.port = port
            self.rack = rack
            self.isFenced = isFenced
        }
    }

    public static func decode(
        from reader: inout ByteReader, version: Int16
    ) throws(ProtocolError) -> DescribeClusterResponse {
        guard DescribeClusterRequest.supportedVersions.contains(version) else {
            throw .unknownVersion(apiKey: ApiKey.describeCluster.rawValue, version: version)
        }
        let throttleTimeMs = try reader.readInt32()
        let errorCode = KafkaErrorCode(rawValue: try reader.readInt16())
        let errorMessage = try reader.readCompactNullableString()
        let endpointType = version >= 1 ? EndpointType(rawValue: try reader.readInt8()) : .brokers
        let clusterID = try reader.readCompactString()
        let controllerID = try reader.readInt32()
        let brokers = try reader.readArray(compact: true, minElementSize: 11) {
            (reader: inout ByteReader) throws(ProtocolError) in
            let broker = Broker(
                brokerID: try reader.readInt32(), host: try reader.readCompactString(), port: try reader.readInt32(),
                rack: try reader.readCompactNullableString(), isFenced: version >= 2 ? try reader.readBool() : false
            )
            try reader.skipTagBuffer()
            return broker
        }
        let clusterAuthorizedOperations = try reader.readInt32()
        try reader.skipTagBuffer()
        return DescribeClusterResponse(
            throttleTimeMs: throttleTimeMs, errorCode: errorCode, errorMessage: errorMessage,
            endpointType: endpointType,
            clusterID: clusterID, controllerID: controllerID, brokers: brokers,
            clusterAuthorizedOperations: clusterAuthorizedOperations
        )
    }
}
