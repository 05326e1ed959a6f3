import KafkaClient
import KafkaProtocol

/// Fake-broker scripts and client set-up shared by the client tests.
enum Scripts {
    /// A 3.9-like broker: answers every API the client uses from canned kafka-python / kafka.md bytes.
    static func modern(_ request: ReceivedRequest) -> FakeReply {
        switch ApiKey(rawValue: request.apiKey) {
        case .apiVersions: .body(CannedBodies.apiVersionsV3Response, headerVersion: 0)
        case .metadata: request.apiVersion == 12 ? .body(CannedBodies.metadataV12Spec) : .close
        case .describeCluster:
            request.apiVersion == 1 ? .body(CannedBodies.describeClusterV1ControllersResponse) : .close
        case .describeQuorum: request.apiVersion == 2 ? .body(CannedBodies.describeQuorumV2Response) : .close
        case .describeConfigs: .body(CannedBodies.describeConfigsV4SingleBrokerResponse)
        default: .close
        }
    }
}

/// Options with short timeouts so failure tests finish quickly.
/// Generous: a loaded 2-core CI machine running hundreds of tests in parallel can stall a byte-by-byte reply.
let fastOptions = KafkaConnectionOptions(connectTimeout: .seconds(5), requestTimeout: .seconds(10))
/// For tests that wait for a request timeout on purpose.
let shortTimeoutOptions = KafkaConnectionOptions(connectTimeout: .seconds(2), requestTimeout: .milliseconds(500))

func loopbackClient(_ broker: FakeBroker, options: KafkaConnectionOptions = fastOptions) -> KafkaClient {
    KafkaClient(host: "127.0.0.1", port: broker.port, options: options)
}

/// Runs `body` against a fake broker that is stopped afterwards, whatever happens.
func withBroker(
    _ script: @escaping @Sendable (ReceivedRequest) -> FakeReply,
    _ body: (FakeBroker) async throws -> Void
) async throws {
    let broker = try FakeBroker(script: script)
    defer { broker.stop() }
    try await body(broker)
}

/// The error `operation` throws, as `KafkaClientError` (nil when it succeeds).
func clientError<T>(_ operation: () async throws(KafkaClientError) -> T) async -> KafkaClientError? {
    do {
        _ = try await operation()
        return nil
    } catch {
        return error
    }
}
