import KafkaProtocol
import Testing

/// Every golden byte vector of kafka.md §1.11, in both directions where the codec has both.
@Suite("kafka.md §1.11 golden vectors")
struct SpecGoldenVectorTests {
    static let apiVersionsV3Request =
        "0012 0003 00000001 000a <reconciler> 00 | 11 6b61666b612d7265636f6e63696c6572 06 312e302e30 00"
    static let apiVersionsV0Request = "0012 0000 00000001 000a <reconciler>"
    static let apiVersionsV3ResponseBody = "0000 03 0003 0000 000c 00 0012 0000 0004 00 00000000 00"
    static let apiVersionsV0ErrorBody = "0023 00000001 0012 0000 0002"
    static let metadataV12Request = "0003 000c 00000002 000a <reconciler> 00 | 00 00 00 00"
    static let describeClusterV1Request = "003c 0001 00000003 000a <reconciler> 00 | 00 01 00"
    static let describeQuorumV1Request =
        "0037 0001 00000004 000a <reconciler> 00 | 02 13 5f5f636c75737465725f6d65746164617461 02 00000000 00 00 00"
    static let describeConfigsV4Request =
        "0020 0004 00000005 000a <reconciler> 00 | 02 04 02 32 02 15 616476657274697365642e6c697374656e657273 00 00 00 00"
    static let metadataV12ResponseBody = """
        00000000 02 00000001 20 62312e6162632e6561737475732e617a7572652e6578616d706c652e636f6d 00002385 00 00
        17 42526c36397a636d54466d6950616f61414e79626977 00000001
        02 0000 02 74 0f8fad5bd9cb469fa16570867728950e 00 02 0000 00000000 00000001 00000003
        04 00000001 00000002 00000003 03 00000001 00000002 02 00000003 00 80000000 00 00
        """

    @Test func apiVersionsV3RequestEncodes() throws {
        let request = ApiVersionsRequest(
            version: 3, clientSoftwareName: "kafka-reconciler", clientSoftwareVersion: "1.0.0")
        #expect(try request.encode(correlationID: 1, clientID: "reconciler") == Hex.bytes(Self.apiVersionsV3Request))
    }

    @Test func apiVersionsV0RequestEncodes() throws {
        let request = ApiVersionsRequest(version: 0)
        #expect(try request.encode(correlationID: 1, clientID: "reconciler") == Hex.bytes(Self.apiVersionsV0Request))
    }

    @Test func framedRequestCarriesTheSizePrefix() throws {
        let request = ApiVersionsRequest(version: 0)
        let framed = try request.encodeFramed(correlationID: 1, clientID: "reconciler")
        let payload = Hex.bytes(Self.apiVersionsV0Request)
        #expect(framed == [0, 0, 0, UInt8(payload.count)] + payload)
    }

    @Test func apiVersionsV3ResponseDecodes() throws {
        let response = try ApiVersionsRequest(version: 3).decodeResponse(
            body: Hex.bytes(Self.apiVersionsV3ResponseBody))
        #expect(response.errorCode == .none)
        #expect(response.decodedVersion == 3)
        #expect(response.throttleTimeMs == 0)
        #expect(
            response.apiKeys == [
                ApiVersionRange(apiKey: 3, minVersion: 0, maxVersion: 12),
                ApiVersionRange(apiKey: 18, minVersion: 0, maxVersion: 4),
            ])
    }

    @Test func apiVersionsV0ErrorBodyDecodesFromAV3Request() throws {
        let response = try ApiVersionsRequest(version: 3).decodeResponse(body: Hex.bytes(Self.apiVersionsV0ErrorBody))
        #expect(response.errorCode == .unsupportedVersion)
        #expect(response.decodedVersion == 0)
        #expect(response.apiKeys == [ApiVersionRange(apiKey: 18, minVersion: 0, maxVersion: 2)])
        #expect(response.fallbackVersion(requested: 3) == 2)
    }

    @Test func apiVersionsV0ErrorBodyRoundTrips() {
        let response = ApiVersionsResponse(
            errorCode: .unsupportedVersion, apiKeys: [ApiVersionRange(apiKey: 18, minVersion: 0, maxVersion: 2)],
            decodedVersion: 0
        )
        var writer = ByteWriter()
        response.encode(into: &writer, version: 0)
        #expect(writer.bytes == Hex.bytes(Self.apiVersionsV0ErrorBody))
    }

    @Test func apiVersionsV3ResponseRoundTrips() throws {
        var writer = ByteWriter()
        let decoded = try ApiVersionsRequest(version: 3).decodeResponse(body: Hex.bytes(Self.apiVersionsV3ResponseBody))
        decoded.encode(into: &writer, version: 3)
        #expect(writer.bytes == Hex.bytes(Self.apiVersionsV3ResponseBody))
    }

    @Test func metadataV12RequestEncodes() throws {
        let request = MetadataRequest(version: 12, topics: nil)
        #expect(try request.encode(correlationID: 2, clientID: "reconciler") == Hex.bytes(Self.metadataV12Request))
    }

    @Test func describeClusterV1RequestEncodes() throws {
        let request = DescribeClusterRequest(version: 1, endpointType: .brokers)
        #expect(
            try request.encode(correlationID: 3, clientID: "reconciler") == Hex.bytes(Self.describeClusterV1Request))
    }

    @Test func describeQuorumV1RequestEncodes() throws {
        let request = DescribeQuorumRequest(version: 1)
        #expect(try request.encode(correlationID: 4, clientID: "reconciler") == Hex.bytes(Self.describeQuorumV1Request))
    }

    @Test func describeConfigsV4RequestEncodes() throws {
        let request = DescribeConfigsRequest(resources: [.broker(2, keys: ["advertised.listeners"])])
        #expect(
            try request.encode(correlationID: 5, clientID: "reconciler") == Hex.bytes(Self.describeConfigsV4Request))
    }

    @Test func metadataV12ResponseDecodes() throws {
        let response = try MetadataRequest(version: 12).decodeResponse(body: Hex.bytes(Self.metadataV12ResponseBody))
        #expect(response.throttleTimeMs == 0)
        #expect(response.brokers == [.init(nodeID: 1, host: "b1.abc.eastus.azure.example.com", port: 9093, rack: nil)])
        #expect(response.clusterID == "BRl69zcmTFmiPaoaANybiw")
        #expect(response.controllerID == 1)
        #expect(response.topics.count == 1)
        let topic = try #require(response.topics.first)
        #expect(topic.errorCode == .none)
        #expect(topic.name == "t")
        #expect(topic.topicID.description == "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(topic.isInternal == false)
        #expect(
            topic.partitions == [
                .init(
                    errorCode: .none, index: 0, leaderID: 1, leaderEpoch: 3, replicas: [1, 2, 3], isr: [1, 2],
                    offlineReplicas: [3])
            ])
    }

    @Test func responsePayloadWithHeaderDecodes() throws {
        // Metadata v12 uses response header v1 (correlation id + tag buffer); ApiVersions always v0.
        let metadata = try MetadataRequest(version: 12)
            .decodeResponse(payload: [0, 0, 0, 2, 0] + Hex.bytes(Self.metadataV12ResponseBody))
        #expect(metadata.correlationID == 2)
        let apiVersions = try ApiVersionsRequest(version: 3)
            .decodeResponse(payload: [0, 0, 0, 1] + Hex.bytes(Self.apiVersionsV3ResponseBody))
        #expect(apiVersions.correlationID == 1)
        #expect(apiVersions.response.apiKeys.count == 2)
    }
}
