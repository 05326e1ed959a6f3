public import KafkaProtocol

/// Timeouts, limits and identity of a Kafka connection.
public struct KafkaConnectionOptions: Sendable {
    /// The request header's `ClientId`, visible in broker request logs and quotas.
    public var clientID: String
    /// ApiVersions v3+ `ClientSoftwareName`/`Version`; must match `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`.
    public var clientSoftwareName: String
    public var clientSoftwareVersion: String
    /// Name resolution is bounded by the resolver; this bounds the TCP handshake.
    public var connectTimeout: Duration
    /// From sending a request to having its whole response.
    public var requestTimeout: Duration
    /// Frames announcing a larger payload are rejected (and the connection closed) before anything is allocated.
    public var maxFrameSize: Int

    public init(
        clientID: String = "reconciler",
        clientSoftwareName: String = "kafka-reconciler",
        clientSoftwareVersion: String = "1.0.0",
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(10),
        maxFrameSize: Int = KafkaFrame.defaultMaxSize
    ) {
        self.clientID = clientID
        self.clientSoftwareName = clientSoftwareName
        self.clientSoftwareVersion = clientSoftwareVersion
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maxFrameSize = maxFrameSize
    }
}
