import KafkaClient
import KafkaProtocol
import Testing

/// KIP-511 fallback and "closed right after the request means unsupported".
@Suite("Version fallback")
struct KafkaClientFallbackTests {
    /// A 2.x-like broker: ApiVersions 0-2 answered with the v0 error body for v3, Metadata 0-8.
    static func oldBroker(_ request: ReceivedRequest) -> FakeReply {
        switch (request.apiKey, request.apiVersion) {
        case (18, 3...): .body(CannedBodies.apiVersionsV0Error, headerVersion: 0)
        case (18, 2): .body(CannedBodies.apiVersionsV2Response, headerVersion: 0)
        case (18, _): .body(CannedBodies.apiVersionsV0Old, headerVersion: 0)
        case (3, 8): .body(CannedBodies.metadataV8Response, headerVersion: 0)
        default: .close
        }
    }

    @Test func unsupportedVersionBodyMakesTheClientRetryWithTheAdvertisedMax() async throws {
        try await withBroker(Self.oldBroker) { broker in
            let client = loopbackClient(broker)
            let versions = try await client.apiVersions()
            #expect(versions.errorCode == .none)
            #expect(versions.decodedVersion == 2)
            #expect(versions.range(for: .metadata)?.maxVersion == 8)
            let metadata = try await client.metadata()
            #expect(metadata.brokers.map(\.nodeID) == [1, 2, 3])
            #expect(metadata.topics.map(\.name) == ["t", "__consumer_offsets", "missing"])
            #expect(metadata.topics[0].partitions[0].leaderEpoch == 3)
            let requests = broker.requests
            #expect(requests.map { "\($0.apiKey)v\($0.apiVersion)" } == ["18v3", "18v2", "3v8"])
            #expect(
                Set(requests.map(\.connection)) == [0], "the broker keeps the connection open after the v0 error body")
        }
    }

    @Test func brokerClosingOnApiVersionsV3MakesTheClientRetryV0OnANewConnection() async throws {
        try await withBroker({ request in
            request.apiKey == 18 && request.apiVersion >= 3 ? .close : Self.oldBroker(request)
        }) { broker in
            let client = loopbackClient(broker)
            let versions = try await client.apiVersions()
            #expect(versions.decodedVersion == 0)
            #expect(
                versions.apiKeys == [
                    .init(apiKey: 3, minVersion: 0, maxVersion: 8), .init(apiKey: 18, minVersion: 0, maxVersion: 2),
                ])
            let requests = broker.requests
            #expect(requests.map(\.apiVersion) == [3, 0])
            #expect(requests.map(\.connection) == [0, 1])
        }
    }

    @Test func brokerClosingAfterAnotherRequestMeansUnsupportedVersion() async throws {
        try await withBroker({ request in request.apiKey == 55 ? .close : Scripts.modern(request) }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in try await client.describeQuorum() }
            #expect(error == .unsupportedVersion(api: .describeQuorum, version: 2))
            #expect(
                error?.description
                    == "the broker closed the connection after DescribeQuorum(55) v2 (unsupported version)")
            // The client recovers on a new connection.
            _ = try await client.metadata()
            #expect(broker.connectionCount == 2)
        }
    }

    @Test func aReusedConnectionClosedByARestartIsRetriedOnceOnAFreshOne() async throws {
        // Connection 0 dies after its first Metadata answer, like a broker restarted between two health reads.
        try await withBroker({ request in
            request.connection == 0 && request.correlationID == 3 ? .close : Scripts.modern(request)
        }) { broker in
            let client = loopbackClient(broker)
            _ = try await client.metadata()
            let again = try await client.metadata()
            #expect(again.controllerID == 1)
            let requests = broker.requests
            #expect(requests.map { "\($0.connection):\($0.apiKey)" } == ["0:18", "0:3", "0:3", "1:18", "1:3"])
        }
    }

    @Test func aFreshConnectionIsNotRetried() async throws {
        try await withBroker({ request in request.apiKey == 3 ? .close : Scripts.modern(request) }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in try await client.metadata() }
            #expect(error == .unsupportedVersion(api: .metadata, version: 12))
            #expect(broker.requests.map(\.apiKey) == [18, 3])
        }
    }
}
