import KafkaProtocol
import Testing

/// The Swift encoders must produce exactly the bytes kafka-python's spec-generated encoders produce.
@Suite("Requests, byte-exact against kafka-python")
struct KafkaPythonRequestTests {
    typealias V = KafkaPythonVectors

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var expected: String
        var correlationID: Int32
        var encode: @Sendable (Int32) throws -> [UInt8]
        var testDescription: String { name }
    }

    static func make(_ name: String, _ expected: String, _ correlationID: Int32, _ request: some KafkaRequest) -> Case {
        Case(name: name, expected: expected, correlationID: correlationID) { correlationID in
            try request.encode(correlationID: correlationID, clientID: "reconciler")
        }
    }

    static let cases: [Case] = {
        var cases = [
            make("ApiVersions v0", V.apiVersionsV0Request, 1, ApiVersionsRequest(version: 0)),
            make("ApiVersions v2", V.apiVersionsV2Request, 1, ApiVersionsRequest(version: 2)),
            make("ApiVersions v3", V.apiVersionsV3Request, 1, ApiVersionsRequest(version: 3)),
            make("Metadata v12 none", V.metadataV12NoTopicsRequest, 3, MetadataRequest(version: 12, topics: [])),
            make("DescribeCluster v0", V.describeClusterV0Request, 3, DescribeClusterRequest(version: 0)),
            make("DescribeCluster v1", V.describeClusterV1Request, 3, DescribeClusterRequest(version: 1)),
            make(
                "DescribeCluster v1 controllers", V.describeClusterV1ControllersRequest, 9,
                DescribeClusterRequest(version: 1, endpointType: .controllers)
            ),
            make(
                "DescribeCluster v2 fenced", V.describeClusterV2FencedRequest, 9,
                DescribeClusterRequest(version: 2, includeFencedBrokers: true)
            ),
            make("DescribeQuorum v0", V.describeQuorumV0Request, 4, DescribeQuorumRequest(version: 0)),
            make("DescribeQuorum v1", V.describeQuorumV1Request, 4, DescribeQuorumRequest(version: 1)),
            make("DescribeQuorum v2", V.describeQuorumV2Request, 4, DescribeQuorumRequest(version: 2)),
            make(
                "DescribeConfigs v4 broker", V.describeConfigsV4BrokerRequest, 5,
                DescribeConfigsRequest(resources: [
                    .broker(2, keys: ["advertised.listeners", "listeners", "listener.security.protocol.map"])
                ])
            ),
            make(
                "DescribeConfigs v4 topics", V.describeConfigsV4TopicAllKeysRequest, 6,
                DescribeConfigsRequest(
                    resources: [.topic("orders"), .topic("t", keys: ["min.insync.replicas"])], includeSynonyms: true
                )
            ),
        ]
        let metadata: [(Int16, String, String)] = [
            (1, V.metadataV1AllTopicsRequest, V.metadataV1TwoTopicsRequest),
            (4, V.metadataV4AllTopicsRequest, V.metadataV4TwoTopicsRequest),
            (8, V.metadataV8AllTopicsRequest, V.metadataV8TwoTopicsRequest),
            (9, V.metadataV9AllTopicsRequest, V.metadataV9TwoTopicsRequest),
            (10, V.metadataV10AllTopicsRequest, V.metadataV10TwoTopicsRequest),
            (12, V.metadataV12AllTopicsRequest, V.metadataV12TwoTopicsRequest),
        ]
        for (version, all, two) in metadata {
            cases.append(make("Metadata v\(version) all", all, 2, MetadataRequest(version: version, topics: nil)))
            cases.append(
                make("Metadata v\(version) two", two, 7, MetadataRequest(version: version, topics: ["t", "orders"])))
        }
        return cases
    }()

    @Test(arguments: cases)
    func encodesByteExact(_ testCase: Case) throws {
        let encoded = try testCase.encode(testCase.correlationID)
        #expect(Hex.string(encoded) == testCase.expected)
    }

    @Test func headerDecodesBackFromEveryRequest() throws {
        for testCase in Self.cases {
            var reader = ByteReader(Hex.bytes(testCase.expected))
            let header = try RequestHeader.decode(from: &reader, version: 1)
            #expect(header.correlationID == testCase.correlationID)
            #expect(header.clientID == "reconciler")
        }
    }

    @Test func unimplementedVersionsAreRejected() {
        #expect(throws: ProtocolError.unknownVersion(apiKey: 3, version: 0)) {
            try MetadataRequest(version: 0).encode(correlationID: 1, clientID: nil)
        }
        #expect(throws: ProtocolError.unknownVersion(apiKey: 32, version: 3)) {
            try DescribeConfigsRequest(version: 3, resources: []).encode(correlationID: 1, clientID: nil)
        }
        #expect(throws: ProtocolError.unknownVersion(apiKey: 55, version: 3)) {
            try DescribeQuorumRequest(version: 3).encode(correlationID: 1, clientID: nil)
        }
    }

    @Test func fieldsAVersionCannotCarryAreRejected() {
        #expect(throws: ProtocolError.self) {
            try DescribeClusterRequest(version: 0, endpointType: .controllers).encode(correlationID: 1, clientID: nil)
        }
        #expect(throws: ProtocolError.self) {
            try DescribeClusterRequest(version: 1, includeFencedBrokers: true).encode(correlationID: 1, clientID: nil)
        }
        #expect(throws: ProtocolError.self) {
            try ApiVersionsRequest(version: 3, clientSoftwareName: "bad name!").encode(correlationID: 1, clientID: nil)
        }
        #expect(throws: ProtocolError.self) {
            try ApiVersionsRequest(version: 3, clientSoftwareVersion: "1.0.").encode(correlationID: 1, clientID: nil)
        }
    }
}
