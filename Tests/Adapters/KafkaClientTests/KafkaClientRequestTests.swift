import KafkaClient
import KafkaProtocol
import Testing

@Suite("KafkaClient against a fake broker")
struct KafkaClientRequestTests {
    @Test func apiVersionsAcrossByteByByteWrites() async throws {
        try await withBroker({ _ in .bodyByteByByte(CannedBodies.apiVersionsV3Response, headerVersion: 0) }) { broker in
            let client = loopbackClient(broker)
            let response = try await client.apiVersions()
            #expect(response.errorCode == .none)
            #expect(response.throttleTimeMs == 7)
            #expect(response.range(for: .metadata) == ApiVersionRange(apiKey: 3, minVersion: 0, maxVersion: 12))
            #expect(response.apiKeys.count == 5)
            let sent = try #require(broker.requests.first)
            #expect(sent.apiKey == 18 && sent.apiVersion == 3 && sent.correlationID == 1)
            // The request itself is byte-exact kafka.md §1.11.
            #expect(
                sent.payload
                    == CannedBodies.bytes(
                        "0012 0003 00000001 000a 7265636f6e63696c6572 00 11 6b61666b612d7265636f6e63696c6572 06 312e302e30 00"
                    ))
        }
    }

    @Test func metadataNegotiatesV12AndDecodesAcrossPartialReads() async throws {
        try await withBroker({ request in
            request.apiKey == 3 ? .bodyByteByByte(CannedBodies.metadataV12Spec) : Scripts.modern(request)
        }) { broker in
            let client = loopbackClient(broker)
            let metadata = try await client.metadata()
            #expect(metadata.brokers == [.init(nodeID: 1, host: "b1.abc.eastus.azure.example.com", port: 9093)])
            #expect(metadata.clusterID == "BRl69zcmTFmiPaoaANybiw")
            #expect(metadata.topics.first?.partitions.first?.offlineReplicas == [3])
            let requests = broker.requests
            #expect(requests.map(\.apiKey) == [18, 3])
            #expect(requests.map(\.apiVersion) == [3, 12])
            #expect(requests.map(\.correlationID) == [1, 2])
            // Metadata v12 with null topics (all), exactly as §1.11.
            #expect(
                requests[1].payload == CannedBodies.bytes("0003 000c 00000002 000a 7265636f6e63696c6572 00 00 00 00 00")
            )
        }
    }

    @Test func versionsAreCachedPerConnectionAndCorrelationIDsIncrease() async throws {
        try await withBroker(Scripts.modern) { broker in
            let client = loopbackClient(broker)
            _ = try await client.metadata(topics: [])
            _ = try await client.metadata(topics: ["t"])
            _ = try await client.describeQuorum()
            let requests = broker.requests
            #expect(requests.map(\.apiKey) == [18, 3, 3, 55])
            #expect(requests.map(\.correlationID) == [1, 2, 3, 4])
            #expect(Set(requests.map(\.connection)) == [0])
            // `[]` is an empty compact array (0x01): brokers only.
            #expect(requests[1].payload.suffix(4) == [0x01, 0x00, 0x00, 0x00])
        }
    }

    @Test func concurrentCallsShareOneConnectionInOrder() async throws {
        try await withBroker(Scripts.modern) { broker in
            let client = loopbackClient(broker)
            _ = try await client.apiVersions()
            async let first = client.metadata()
            async let second = client.metadata()
            async let third = client.describeQuorum()
            let results = try await (first, second, third)
            #expect(results.0.controllerID == 1 && results.1.controllerID == 1)
            #expect(results.2.metadataPartition?.leaderID == 2)
            #expect(broker.requests.map(\.correlationID) == [1, 2, 3, 4])
            #expect(broker.connectionCount == 1)
        }
    }

    @Test func concurrentFirstCallsOpenOneConnection() async throws {
        try await withBroker(Scripts.modern) { broker in
            let client = loopbackClient(broker)
            async let first = client.metadata()
            async let second = client.describeQuorum()
            async let third = client.metadata(topics: [])
            _ = try await (first, second, third)
            #expect(broker.connectionCount == 1)
            #expect(broker.requests.filter { $0.apiKey != 18 }.count == 3)
            #expect(broker.requests.map(\.correlationID) == Array(1...Int32(broker.requests.count)))
        }
    }

    @Test func describeClusterQuorumAndConfigs() async throws {
        try await withBroker(Scripts.modern) { broker in
            let client = loopbackClient(broker)
            let cluster = try await client.describeCluster(endpointType: .controllers)
            #expect(cluster.endpointType == .controllers)
            #expect(cluster.brokers.map(\.brokerID) == [1, 3])
            let quorum = try await client.describeQuorum()
            let partition = try #require(quorum.metadataPartition)
            #expect(partition.leaderID == 2 && partition.leaderEpoch == 17)
            #expect(partition.voters.map(\.replicaID) == [2, 1, 3])
            #expect(quorum.nodes.map(\.nodeID) == [2, 1])
            let configs = try await client.describeConfigs(broker: 2, keys: ["advertised.listeners"])
            #expect(configs.config(named: "advertised.listeners")?.configSource == .staticBroker)
            #expect(broker.requests.map(\.apiVersion) == [3, 1, 2, 4])
        }
    }

    @Test func fencedBrokersNeedDescribeClusterV2() async throws {
        try await withBroker(Scripts.modern) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in
                try await client.describeCluster(includeFencedBrokers: true)
            }
            #expect(error == .unsupportedVersion(api: .describeCluster, version: nil))
        }
    }

    @Test func identityProbeMisrouteIsABrokerError() async throws {
        try await withBroker({ request in
            request.apiKey == 32 ? .body(CannedBodies.describeConfigsV4MisroutedResponse) : Scripts.modern(request)
        }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in
                try await client.describeConfigs(broker: 2, keys: ["advertised.listeners"])
            }
            let message = "Unexpected broker id, expected 3 or empty string, but received 2"
            #expect(error == .brokerError(code: .invalidRequest, message: message))
            #expect(error?.description == "the broker returned INVALID_REQUEST (42): \(message)")
        }
    }

    @Test func apisTheBrokerDoesNotAdvertiseAreUnsupported() async throws {
        // The §1.11 ApiVersions body lists only Metadata and ApiVersions.
        try await withBroker({ request in
            request.apiKey == 18 ? .body(CannedBodies.apiVersionsV3Spec, headerVersion: 0) : .close
        }) { broker in
            let client = loopbackClient(broker)
            let error = await clientError { () async throws(KafkaClientError) in try await client.describeQuorum() }
            #expect(error == .unsupportedVersion(api: .describeQuorum, version: nil))
            #expect(error?.description == "the broker supports no version of DescribeQuorum(55) this client implements")
            #expect(broker.requests.map(\.apiKey) == [18])
        }
    }
}
