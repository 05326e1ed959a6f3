import KafkaProtocol
import Testing

/// ApiVersions, DescribeCluster, DescribeQuorum and DescribeConfigs responses encoded by kafka-python
/// (see golden/generate.py), decoded field by field.
@Suite("Admin responses from kafka-python")
struct KafkaPythonAdminTests {
    typealias V = KafkaPythonVectors

    static let suffix = "abc.eastus.azure.example.com"
    static let cluster = "BRl69zcmTFmiPaoaANybiw"

    // MARK: ApiVersions

    @Test func apiVersionsV3WithTaggedFeatures() throws {
        let response = try ApiVersionsRequest(version: 3).decodeResponse(body: Hex.bytes(V.apiVersionsV3Response))
        #expect(response.errorCode == .none)
        #expect(response.throttleTimeMs == 7)
        #expect(response.decodedVersion == 3)
        #expect(
            response.apiKeys == [
                .init(apiKey: 3, minVersion: 0, maxVersion: 12), .init(apiKey: 18, minVersion: 0, maxVersion: 4),
                .init(apiKey: 32, minVersion: 0, maxVersion: 4), .init(apiKey: 55, minVersion: 0, maxVersion: 2),
                .init(apiKey: 60, minVersion: 0, maxVersion: 1),
            ])
        #expect(response.negotiatedVersion(for: .metadata, client: 1...12) == 12)
        #expect(response.negotiatedVersion(for: .describeCluster, client: 0...2) == 1)
        #expect(response.negotiatedVersion(for: .describeQuorum, client: 0...2) == 2)
        #expect(response.negotiatedVersion(for: .describeConfigs, client: 4...4) == 4)
    }

    @Test func apiVersionsUnsupportedVersionBodyDecodesAsV0FromAnyRequestedVersion() throws {
        for requested: Int16 in [0, 1, 2, 3, 4] {
            let response = try ApiVersionsRequest(version: requested)
                .decodeResponse(body: Hex.bytes(V.apiVersionsV0ErrorResponse))
            #expect(response.errorCode == .unsupportedVersion)
            #expect(response.decodedVersion == 0)
            #expect(response.apiKeys == [.init(apiKey: 18, minVersion: 0, maxVersion: 2)])
        }
    }

    @Test func apiVersionsV2OldBroker() throws {
        let response = try ApiVersionsRequest(version: 2).decodeResponse(body: Hex.bytes(V.apiVersionsV2Response))
        #expect(response.errorCode == .none)
        #expect(response.throttleTimeMs == 0)
        #expect(
            response.apiKeys == [
                .init(apiKey: 3, minVersion: 0, maxVersion: 8), .init(apiKey: 18, minVersion: 0, maxVersion: 2),
            ])
        #expect(response.negotiatedVersion(for: .metadata, client: 1...12) == 8)
        #expect(response.negotiatedVersion(for: .describeQuorum, client: 0...2) == nil)
    }

    // MARK: DescribeCluster

    static func clusterBrokers(fencedThird: Bool) -> [DescribeClusterResponse.Broker] {
        [
            .init(brokerID: 1, host: "b1.\(suffix)", port: 9093, rack: nil, isFenced: false),
            .init(brokerID: 3, host: "b3.\(suffix)", port: 9095, rack: "az3", isFenced: fencedThird),
        ]
    }

    static let clusterVectors: [(Int16, String, EndpointType, Bool)] = [
        (0, V.describeClusterV0Response, .brokers, false),
        (1, V.describeClusterV1ControllersResponse, .controllers, false),
        (2, V.describeClusterV2Response, .brokers, true),
    ]

    @Test(arguments: clusterVectors)
    func describeCluster(_ version: Int16, _ hex: String, _ endpointType: EndpointType, _ fenced: Bool) throws {
        let response = try DescribeClusterRequest(version: version).decodeResponse(body: Hex.bytes(hex))
        #expect(response.throttleTimeMs == 0)
        #expect(response.errorCode == .none)
        #expect(response.errorMessage == nil)
        #expect(response.endpointType == endpointType)
        #expect(response.clusterID == Self.cluster)
        #expect(response.controllerID == 3)
        #expect(response.brokers == Self.clusterBrokers(fencedThird: fenced))
        #expect(response.clusterAuthorizedOperations == Int32.min)
    }

    @Test func describeClusterError() throws {
        let response = try DescribeClusterRequest(version: 1).decodeResponse(
            body: Hex.bytes(V.describeClusterV1ErrorResponse))
        #expect(response.throttleTimeMs == 5)
        #expect(response.errorCode == .mismatchedEndpointType)
        #expect(response.errorCode.description == "MISMATCHED_ENDPOINT_TYPE (114)")
        #expect(response.errorMessage == "The request was sent to an endpoint of type BROKER")
        #expect(response.endpointType == .controllers)
        #expect(response.clusterID == "")
        #expect(response.controllerID == -1)
        #expect(response.brokers.isEmpty)
    }

    // MARK: DescribeQuorum

    static func voters(version v: Int16) -> [DescribeQuorumResponse.ReplicaState] {
        let zeroDir: KafkaUUID? = v >= 2 ? .zero : nil
        return [
            .init(
                replicaID: 2, replicaDirectoryID: v >= 2 ? KafkaUUID("11111111-2222-4333-8444-555555555555") : nil,
                logEndOffset: 1500, lastFetchTimestamp: -1, lastCaughtUpTimestamp: v >= 1 ? 1_700_000_005_000 : -1
            ),
            .init(
                replicaID: 1, replicaDirectoryID: zeroDir, logEndOffset: 1498,
                lastFetchTimestamp: v >= 1 ? 1_700_000_004_900 : -1,
                lastCaughtUpTimestamp: v >= 1 ? 1_700_000_004_800 : -1
            ),
            .init(
                replicaID: 3, replicaDirectoryID: zeroDir, logEndOffset: 900,
                lastFetchTimestamp: v >= 1 ? 1_700_000_001_000 : -1,
                lastCaughtUpTimestamp: v >= 1 ? 1_699_999_990_000 : -1
            ),
        ]
    }

    static let quorumVectors: [(Int16, String)] = [
        (0, V.describeQuorumV0Response), (1, V.describeQuorumV1Response), (2, V.describeQuorumV2Response),
    ]

    @Test(arguments: quorumVectors)
    func describeQuorum(_ version: Int16, _ hex: String) throws {
        let response = try DescribeQuorumRequest(version: version).decodeResponse(body: Hex.bytes(hex))
        #expect(response.errorCode == .none)
        #expect(response.errorMessage == nil)
        #expect(response.partitions.count == 1)
        let partition = try #require(response.metadataPartition)
        #expect(partition.topicName == "__cluster_metadata")
        #expect(partition.partitionIndex == 0)
        #expect(partition.errorCode == .none)
        #expect(partition.leaderID == 2)
        #expect(partition.leaderEpoch == 17)
        #expect(partition.highWatermark == 1499)
        #expect(partition.voters == Self.voters(version: version))
        let observerTime: Int64 = version >= 1 ? 1_700_000_004_950 : -1
        #expect(
            partition.observers == [
                .init(
                    replicaID: 4, replicaDirectoryID: version >= 2 ? .zero : nil, logEndOffset: 1500,
                    lastFetchTimestamp: observerTime, lastCaughtUpTimestamp: observerTime
                )
            ])
        if version >= 2 {
            #expect(
                response.nodes == [
                    .init(nodeID: 2, listeners: [.init(name: "CONTROLLER", host: "10.0.0.2", port: 29092)]),
                    .init(
                        nodeID: 1,
                        listeners: [
                            .init(name: "CONTROLLER", host: "10.0.0.1", port: 29092),
                            .init(name: "CONTROLLER_TLS", host: "kafka-1.internal", port: 29093),
                        ]),
                ])
        } else {
            #expect(response.nodes.isEmpty)
        }
    }

    @Test func describeQuorumPartitionError() throws {
        let response = try DescribeQuorumRequest(version: 2).decodeResponse(
            body: Hex.bytes(V.describeQuorumV2ErrorResponse))
        #expect(response.errorCode == .none)
        let partition = try #require(response.metadataPartition)
        #expect(partition.errorCode == .notLeaderOrFollower)
        #expect(partition.errorMessage == "not the leader")
        #expect(partition.leaderID == -1)
        #expect(partition.highWatermark == -1)
        #expect(partition.voters.isEmpty && partition.observers.isEmpty)
        #expect(response.nodes.isEmpty)
    }

    // MARK: DescribeConfigs

    @Test func describeConfigs() throws {
        let response = try DescribeConfigsRequest(resources: []).decodeResponse(
            body: Hex.bytes(V.describeConfigsV4Response))
        let advertised = "INTERNAL://10.0.0.2:9092,EXTERNAL://b2.\(Self.suffix):9094"
        #expect(response.throttleTimeMs == 3)
        #expect(response.results.count == 2)
        let ok = response.results[0]
        #expect(ok.errorCode == .none && ok.errorMessage == nil)
        #expect(ok.resourceType == .broker && ok.resourceName == "2")
        #expect(
            ok.configs == [
                .init(
                    name: "advertised.listeners", value: advertised, readOnly: false, configSource: .staticBroker,
                    isSensitive: false,
                    synonyms: [.init(name: "advertised.listeners", value: advertised, source: .staticBroker)],
                    configType: 7
                ),
                .init(
                    name: "listeners", value: "EXTERNAL://0.0.0.0:39092", readOnly: false, configSource: .dynamicBroker,
                    isSensitive: false, configType: 7, documentation: "Listener List"
                ),
                .init(
                    name: "ssl.keystore.password", value: nil, configSource: .defaultConfig, isSensitive: true,
                    configType: 9),
            ])
        #expect(ok.config(named: "listeners")?.configSource.description == "DYNAMIC_BROKER_CONFIG (2)")
        let misrouted = response.results[1]
        #expect(misrouted.errorCode == .invalidRequest)
        #expect(misrouted.errorMessage == "Unexpected broker id, expected 3 or empty string, but received 2")
        #expect(misrouted.resourceType == .broker && misrouted.resourceName == "2")
        #expect(misrouted.configs.isEmpty)
    }

    @Test func describeConfigsSingleResults() throws {
        let request = DescribeConfigsRequest(resources: [.broker(2, keys: ["advertised.listeners"])])
        let ok = try request.decodeResponse(body: Hex.bytes(V.describeConfigsV4SingleBrokerResponse))
        #expect(
            ok.results == [
                .init(
                    resourceType: .broker, resourceName: "2",
                    configs: [
                        .init(
                            name: "advertised.listeners",
                            value: "INTERNAL://10.0.0.2:9092,EXTERNAL://b2.\(Self.suffix):9094",
                            configSource: .staticBroker, configType: 7
                        )
                    ])
            ])
        let misrouted = try request.decodeResponse(body: Hex.bytes(V.describeConfigsV4MisroutedResponse))
        #expect(
            misrouted.results == [
                .init(
                    errorCode: .invalidRequest,
                    errorMessage: "Unexpected broker id, expected 3 or empty string, but received 2",
                    resourceType: .broker, resourceName: "2", configs: []
                )
            ])
    }
}
