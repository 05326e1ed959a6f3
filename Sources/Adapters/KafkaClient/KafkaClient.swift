public import KafkaProtocol

/// The reconciler's Kafka client for one broker endpoint (`host:port` as advertised or configured).
///
/// It keeps one lazily opened `KafkaConnection`, asks ApiVersions once per connection, and negotiates every other
/// request's version from that answer (`min(clientMax, brokerMax)`, if `>= max(clientMin, brokerMin)`). A failed
/// connection is dropped and reopened by the next call. A request that fails on a *reused* connection because the
/// peer closed it (e.g. the broker restarted since) is retried once on a fresh connection; on a fresh connection
/// an EOF right after the request means "unsupported version", except for ApiVersions v0, which every broker
/// answers: a peer that closes that too is `noKafkaAnswer` (no broker behind a listener that accepts connections).
public actor KafkaClient {
    public nonisolated let host: String
    public nonisolated let port: Int
    public nonisolated let dialer: any Dialer
    public nonisolated let options: KafkaConnectionOptions

    private var connection: KafkaConnection?
    private var pendingConnect: Task<Result<KafkaConnection, KafkaClientError>, Never>?

    public init(
        host: String, port: Int, dialer: any Dialer = SystemDialer(), options: KafkaConnectionOptions = .init()
    ) {
        self.host = host
        self.port = port
        self.dialer = dialer
        self.options = options
    }

    /// Closes the connection, if any; the next call reconnects.
    public func close() {
        connection?.close()
        connection = nil
    }

    // MARK: ApiVersions

    /// ApiVersions, sent as v3. On `UNSUPPORTED_VERSION` it retries with the broker's advertised ApiVersions maximum
    /// (capped below the refused version) or v0; if the broker closes the connection instead, it reconnects and
    /// retries with v0, and a peer that closes that connection too throws `noKafkaAnswer`. The answer is cached
    /// for version negotiation on this connection.
    public func apiVersions() async throws(KafkaClientError) -> ApiVersionsResponse {
        let (connection, _) = try await currentConnection()
        return try await negotiateApiVersions(on: connection, refresh: true).response
    }

    // MARK: Health and verification reads

    /// Metadata for `topics` (nil: all topics; `[]`: brokers, cluster id and controller only). Errors are per topic
    /// and partition, in the response.
    public func metadata(topics: [String]? = nil) async throws(KafkaClientError) -> MetadataResponse {
        try await perform(.metadata) { version throws(KafkaClientError) in
            MetadataRequest(version: version, topics: topics)
        }
    }

    /// DescribeCluster; `.controllers` needs v1+ (Kafka 3.7+) and the CONTROLLER listener, fenced brokers v2+ (4.x).
    /// A top-level error is thrown as `brokerError`.
    public func describeCluster(
        endpointType: EndpointType = .brokers, includeFencedBrokers: Bool = false
    ) async throws(KafkaClientError) -> DescribeClusterResponse {
        let response = try await perform(.describeCluster) { version throws(KafkaClientError) in
            if endpointType != .brokers && version < 1 || includeFencedBrokers && version < 2 {
                throw .unsupportedVersion(api: .describeCluster, version: nil)
            }
            return DescribeClusterRequest(
                version: version, endpointType: endpointType, includeFencedBrokers: includeFencedBrokers
            )
        }
        if response.errorCode.isError { throw .brokerError(code: response.errorCode, message: response.errorMessage) }
        return response
    }

    /// DescribeQuorum for `__cluster_metadata` partition 0, at `min(2, brokerMax)`. A top-level or partition error
    /// is thrown as `brokerError`; so the returned response always has a `metadataPartition`.
    public func describeQuorum() async throws(KafkaClientError) -> DescribeQuorumResponse {
        let response = try await perform(.describeQuorum) { version throws(KafkaClientError) in
            DescribeQuorumRequest(version: version)
        }
        if response.errorCode.isError { throw .brokerError(code: response.errorCode, message: response.errorMessage) }
        guard let partition = response.metadataPartition else {
            throw .protocol(
                .invalidValue("DescribeQuorum response lacks \(DescribeQuorumRequest.metadataTopic) partition 0"))
        }
        if partition.errorCode.isError {
            throw .brokerError(code: partition.errorCode, message: partition.errorMessage)
        }
        return response
    }

    /// DescribeConfigs for the BROKER resource `broker`, which must be the broker this client talks to (the identity
    /// probe: any other id gets `INVALID_REQUEST`, thrown as `brokerError` with the broker's message).
    public func describeConfigs(
        broker: Int, keys: [String]?
    ) async throws(KafkaClientError) -> DescribeConfigsResponse.Result {
        let response = try await describeConfigs([.broker(broker, keys: keys)])
        guard response.results.count == 1, let result = response.results.first else {
            throw .protocol(.invalidValue("DescribeConfigs answered \(response.results.count) results for 1 resource"))
        }
        if result.errorCode.isError { throw .brokerError(code: result.errorCode, message: result.errorMessage) }
        return result
    }

    /// DescribeConfigs for any resources; errors are per result, in the response.
    public func describeConfigs(
        _ resources: [DescribeConfigsRequest.Resource], includeSynonyms: Bool = false
    ) async throws(KafkaClientError) -> DescribeConfigsResponse {
        try await perform(.describeConfigs) { version throws(KafkaClientError) in
            DescribeConfigsRequest(version: version, resources: resources, includeSynonyms: includeSynonyms)
        }
    }

    /// Sends `request` as built, without negotiation (for probing odd versions).
    public func send<R: KafkaRequest>(_ request: R) async throws(KafkaClientError) -> R.Response {
        let (connection, _) = try await currentConnection()
        return try await send(request, on: connection)
    }

    // MARK: Plumbing

    /// Negotiates `api`'s version, builds the request for it and sends it, retrying once on a fresh connection when
    /// a reused one turns out to be closed.
    private func perform<R: KafkaRequest>(
        _ api: ApiKey, _ build: (Int16) throws(KafkaClientError) -> R
    ) async throws(KafkaClientError) -> R.Response {
        var attempt = 0
        while true {
            attempt += 1
            let (connection, reused) = try await currentConnection()
            do throws(KafkaClientError) {
                let (versions, negotiated) = try await negotiateApiVersions(on: connection, refresh: false)
                let clientRange = VersionNegotiation.clientVersions[api] ?? R.supportedVersions
                guard let version = versions.negotiatedVersion(for: api, client: clientRange) else {
                    throw .unsupportedVersion(api: api, version: nil)
                }
                return try await send(try build(version), on: negotiated)
            } catch {
                // A reused connection may have been closed by a broker restart since its last request.
                let peerClosed = error.isConnectionClosed || error.closedVersion != nil
                guard reused, attempt == 1, peerClosed else { throw error }
            }
        }
    }

    /// The broker's ApiVersions (cached per connection unless `refresh`), and the connection it was obtained on,
    /// which differs from `connection` when the broker closed that one instead of answering v3.
    private func negotiateApiVersions(
        on connection: KafkaConnection, refresh: Bool
    ) async throws(KafkaClientError) -> (response: ApiVersionsResponse, connection: KafkaConnection) {
        if !refresh, let cached = await connection.apiVersions { return (cached, connection) }
        let request = apiVersionsRequest(version: 3)
        var response: ApiVersionsResponse
        var current = connection
        let reused = await connection.completedRequests > 0
        do throws(KafkaClientError) {
            response = try await send(request, on: connection)
        } catch .unsupportedVersion(api: .apiVersions, version: request.version) {
            // Closed right after the request: a broker rejecting v3 that way (retry v0), or, on a connection that
            // served requests before, more likely a restarted broker (retry v3). Closed again: every broker answers
            // v0, so nothing speaking Kafka is there (a load balancer or proxy in front of a broker that is down).
            (current, _) = try await currentConnection()
            let retry: Int16 = reused ? request.version : 0
            do throws(KafkaClientError) {
                response = try await send(apiVersionsRequest(version: retry), on: current)
            } catch .unsupportedVersion(api: .apiVersions, version: retry) {
                let tried = retry == 0 ? "\(ApiKey.apiVersions) v\(request.version), then v0 on a new connection"
                    : "\(ApiKey.apiVersions) v\(request.version) on two connections"
                throw .noKafkaAnswer(peer: current.peer, tried: tried)
            }
        }
        if response.errorCode == .unsupportedVersion {
            let fallback = response.fallbackVersion(requested: request.version)
            response = try await send(apiVersionsRequest(version: fallback), on: current)
        }
        if response.errorCode.isError { throw .brokerError(code: response.errorCode, message: nil) }
        await current.cacheApiVersions(response)
        return (response, current)
    }

    private func apiVersionsRequest(version: Int16) -> ApiVersionsRequest {
        ApiVersionsRequest(
            version: version, clientSoftwareName: options.clientSoftwareName,
            clientSoftwareVersion: options.clientSoftwareVersion
        )
    }

    /// Sends on `connection`, forgetting it if the exchange closed it.
    private func send<R: KafkaRequest>(
        _ request: R, on connection: KafkaConnection
    ) async throws(KafkaClientError) -> R.Response {
        do {
            return try await connection.send(request)
        } catch {
            if connection.isClosed, self.connection === connection { self.connection = nil }
            throw error
        }
    }

    /// The open connection, or a new one; `reused` tells whether it served this client before. Concurrent callers
    /// share one connection attempt.
    private func currentConnection() async throws(KafkaClientError) -> (KafkaConnection, reused: Bool) {
        if let connection, !connection.isClosed { return (connection, true) }
        connection = nil
        let attempt: Task<Result<KafkaConnection, KafkaClientError>, Never>
        if let pendingConnect {
            attempt = pendingConnect
        } else {
            attempt = Task { [host, port, dialer, options] in
                do throws(KafkaClientError) {
                    let connection = try await KafkaConnection.connect(
                        host: host, port: port, dialer: dialer, options: options
                    )
                    return .success(connection)
                } catch {
                    return .failure(error)
                }
            }
            pendingConnect = attempt
        }
        let result = await attempt.value
        if pendingConnect == attempt { pendingConnect = nil }
        let fresh = try result.get()
        if connection == nil { connection = fresh }
        return (fresh, false)
    }
}

extension KafkaClientError {
    /// Whether the connection was closed by the peer (or already closed).
    var isConnectionClosed: Bool {
        if case .connectionClosed = self { true } else { false }
    }

    /// The version of an `unsupportedVersion` raised because the peer closed the connection after the request.
    var closedVersion: Int16? {
        if case .unsupportedVersion(_, let version?) = self { version } else { nil }
    }
}
