import KafkaClient
import KafkaProtocol
import Testing
import TestSupport

/// What a person reads when a broker cannot be talked to: that it is refused, timed out, or closed the connection,
/// where (the address dialled) and which request was in flight. A listener that accepts and closes every
/// connection (a load balancer or proxy in front of a broker that is down) once read "the broker closed the
/// connection after ApiVersions(18) v0 (unsupported version)": every broker answers ApiVersions v0, so that is no
/// version problem. The UNSUPPORTED_VERSION fallback for real old brokers is covered in `KafkaClientFallbackTests`.
@Suite("Messages for a broker that cannot be reached")
struct UnreachableBrokerMessageTests {
    @Test func aListenerThatClosesEveryConnectionIsNotAnUnsupportedVersion() async throws {
        try await withBroker({ _ in .close }) { broker in
            let client = loopbackClient(broker)
            let error = try #require(await clientError { () async throws(KafkaClientError) in try await client.apiVersions() })
            if case .unsupportedVersion = error { Issue.record("a closed listener is not an unsupported version: \(error)") }
            let text = error.description
            #expect(!text.contains("unsupported version"), "\(text)")
            #expect(text.contains("127.0.0.1:\(broker.port)"), "\(text)")
            #expect(text.contains("closed it without answering ApiVersions(18) v3, then v0 on a new connection"), "\(text)")
            #expect(broker.requests.map(\.apiVersion) == [3, 0], "v3, then v0 on a new connection, as for an old broker")
            // Any other request starts with the same negotiation and fails the same way.
            let metadata = await clientError { () async throws(KafkaClientError) in try await client.metadata(topics: []) }
            #expect(metadata?.description == text)
        }
    }

    @Test func aRefusedConnectionSaysRefusedAndWhere() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let port = closed.port
        let client = KafkaClient(host: "127.0.0.1", port: port, options: fastOptions)
        let text = try #require(await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }).description
        #expect(text == "cannot connect to Kafka at 127.0.0.1:\(port): connection refused (nothing listens there)", "\(text)")
    }

    @Test func theAddressADialerMappedToIsNamed() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let port = closed.port
        let dialer = StaticDialer(["10.1.2.3:9092": "127.0.0.1:\(port)"])
        let client = KafkaClient(host: "10.1.2.3", port: 9092, dialer: dialer, options: fastOptions)
        let text = try #require(await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }).description
        #expect(text == "cannot connect to Kafka at 10.1.2.3:9092: dialled 127.0.0.1:\(port): connection refused (nothing listens there)", "\(text)")
    }

    @Test func aSilentListenerSaysTimedOutAndWhichRequest() async throws {
        try await withBroker({ _ in .silence }) { broker in
            let client = loopbackClient(broker, options: shortTimeoutOptions)
            let text = try #require(await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }).description
            #expect(text == "timed out: ApiVersions(18) v3 to 127.0.0.1:\(broker.port): no response within 0.5 seconds", "\(text)")
        }
    }

    @Test func aConnectionClosedMidAnswerNamesThePeerAndTheRequest() async throws {
        try await withBroker({ _ in .rawThenClose([0, 0, 0, 50, 0, 0]) }) { broker in
            let client = loopbackClient(broker)
            let error = try #require(await clientError { () async throws(KafkaClientError) in try await client.apiVersions() })
            #expect(error.description == "127.0.0.1:\(broker.port) closed the connection while ApiVersions(18) v3 waited for its answer", "\(error)")
        }
    }
}
