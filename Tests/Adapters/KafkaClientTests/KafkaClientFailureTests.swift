import Glibc
import KafkaClient
import KafkaProtocol
import Testing
import TestSupport

@Suite("Connection failures")
struct KafkaClientFailureTests {
    @Test func refusedConnectionFailsQuickly() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let port = closed.port
        let client = KafkaClient(host: "127.0.0.1", port: port, options: fastOptions)
        // The kind is what matters: a refused connect is `connectFailed`, never a `timeout`.
        let error = await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }
        guard case .connectFailed(let host, let failedPort, let detail) = error else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
        #expect(host == "127.0.0.1" && failedPort == port)
        #expect(detail.contains("connection refused"))
    }

    @Test func silentBrokerTimesOutAndTheNextCallReconnects() async throws {
        try await withBroker({ request in
            request.connection == 0 && request.apiKey == 3 ? .silence : Scripts.modern(request)
        }) { broker in
            let client = loopbackClient(broker, options: shortTimeoutOptions)
            let start = ContinuousClock.now
            let error = await clientError { () async throws(KafkaClientError) in try await client.metadata() }
            let elapsed = ContinuousClock.now - start
            guard case .timeout(let what) = error else {
                Issue.record("expected timeout, got \(String(describing: error))")
                return
            }
            #expect(what.contains("Metadata(3) v12"))
            #expect(elapsed >= .milliseconds(450), "the request timeout was waited for, not cut short")
            _ = try await client.metadata()
            #expect(broker.connectionCount == 2)
        }
    }

    @Test func cancellationInterruptsAWaitingRequest() async throws {
        try await withBroker({ request in request.apiKey == 3 ? .silence : Scripts.modern(request) }) { broker in
            let client = KafkaClient(
                host: "127.0.0.1", port: broker.port, options: KafkaConnectionOptions(requestTimeout: .seconds(30))
            )
            _ = try await client.apiVersions()
            let task = Task { await clientError { () async throws(KafkaClientError) in try await client.metadata() } }
            try await Task.sleep(for: .milliseconds(100))
            task.cancel()
            let error = await task.value
            #expect(error == .cancelled, "cancellation interrupts the wait (a timeout would be reported as .timeout)")
        }
    }

    @Test func wrongCorrelationIDIsAProtocolErrorAndClosesTheConnection() async throws {
        try await withBroker({ _ in
            // Answer ApiVersions with correlation id 99.
            let payload = [0, 0, 0, 99] + CannedBodies.apiVersionsV0Old
            return .raw([0, 0, 0, UInt8(payload.count)] + payload)
        }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }
            #expect(error == .protocol(.correlationMismatch(expected: 1, received: 99)))
        }
    }

    @Test func oversizedFrameIsRejectedBeforeReadingIt() async throws {
        try await withBroker({ _ in .raw([0x7F, 0xFF, 0xFF, 0xFF, 0, 0]) }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }
            #expect(error == .protocol(.tooLarge(0x7FFF_FFFF, limit: KafkaFrame.defaultMaxSize, offset: 0)))
        }
    }

    @Test func garbageBodyIsAProtocolError() async throws {
        try await withBroker({ _ in .body([0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF], headerVersion: 0) }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }
            guard case .protocol = error else {
                Issue.record("expected a protocol error, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func brokerClosingMidResponseIsConnectionClosed() async throws {
        try await withBroker({ _ in .rawThenClose([0, 0, 0, 50, 0, 0]) }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in try await client.apiVersions() }
            #expect(error == .connectionClosed(peer: "127.0.0.1:\(broker.port)", request: "ApiVersions(18) v3"))
        }
    }

    @Test func errorDescriptionsNameTheErrorCode() {
        #expect(
            KafkaClientError.brokerError(code: .clusterAuthorizationFailed, message: nil).description
                == "the broker returned CLUSTER_AUTHORIZATION_FAILED (31)")
        #expect(
            KafkaClientError.protocol(.malformedVarint(offset: 3)).description
                == "Kafka protocol error: malformed unsigned varint at offset 3")
        #expect(
            KafkaClientError.connectFailed(host: "b1", port: 9093, detail: "x").description
                == "cannot connect to Kafka at b1:9093: x")
    }
}
