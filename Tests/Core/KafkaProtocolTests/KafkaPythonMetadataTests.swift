import KafkaProtocol
import Testing

/// Metadata responses encoded by kafka-python (see golden/generate.py), decoded field by field.
@Suite("Metadata responses from kafka-python")
struct KafkaPythonMetadataTests {
    typealias V = KafkaPythonVectors

    static let suffix = "abc.eastus.azure.example.com"
    static let topicT = KafkaUUID("0f8fad5b-d9cb-469f-a165-70867728950e")!
    static let topicOffsets = KafkaUUID("7b3c6a1e-2f4d-4e8a-9c0b-5d6e7f8a9b0c")!

    /// What generate.py's `metadata_response(v)` put in, as version `v` can carry it.
    static func expected(version v: Int16) -> MetadataResponse {
        MetadataResponse(
            throttleTimeMs: v >= 3 ? 11 : 0,
            brokers: [
                .init(nodeID: 1, host: "b1.\(suffix)", port: 9093, rack: "az1"),
                .init(nodeID: 2, host: "b2.\(suffix)", port: 9094, rack: nil),
                .init(nodeID: 3, host: "b3.\(suffix)", port: 9095, rack: "az3"),
            ],
            clusterID: v >= 2 ? "BRl69zcmTFmiPaoaANybiw" : nil,
            controllerID: 2,
            topics: [
                .init(
                    errorCode: .none, name: "t", topicID: v >= 10 ? topicT : .zero, isInternal: false,
                    partitions: [
                        .init(
                            errorCode: .none, index: 0, leaderID: 1, leaderEpoch: v >= 7 ? 3 : -1, replicas: [1, 2, 3],
                            isr: [1, 2], offlineReplicas: v >= 5 ? [3] : []
                        ),
                        .init(
                            errorCode: .leaderNotAvailable, index: 1, leaderID: -1, leaderEpoch: v >= 7 ? 4 : -1,
                            replicas: [2, 3, 1], isr: [], offlineReplicas: v >= 5 ? [2, 3] : []
                        ),
                    ]
                ),
                .init(
                    errorCode: .none, name: "__consumer_offsets", topicID: v >= 10 ? topicOffsets : .zero,
                    isInternal: true,
                    partitions: [
                        .init(
                            errorCode: .listenerNotFound, index: 0, leaderID: 2, leaderEpoch: v >= 7 ? 0 : -1,
                            replicas: [2], isr: [2], offlineReplicas: []
                        )
                    ]
                ),
                .init(
                    errorCode: .unknownTopicOrPartition, name: "missing", topicID: .zero, isInternal: false,
                    partitions: []),
            ]
        )
    }

    static let versions: [(Int16, String)] = [
        (1, V.metadataV1Response), (4, V.metadataV4Response), (8, V.metadataV8Response), (9, V.metadataV9Response),
        (10, V.metadataV10Response), (12, V.metadataV12Response),
    ]

    @Test(arguments: versions)
    func decodesFieldByField(_ version: Int16, _ hex: String) throws {
        let response = try MetadataRequest(version: version).decodeResponse(body: Hex.bytes(hex))
        let expected = Self.expected(version: version)
        #expect(response.throttleTimeMs == expected.throttleTimeMs)
        #expect(response.brokers == expected.brokers)
        #expect(response.clusterID == expected.clusterID)
        #expect(response.controllerID == expected.controllerID)
        #expect(response.topics.count == expected.topics.count)
        for (topic, want) in zip(response.topics, expected.topics) {
            #expect(topic.errorCode == want.errorCode)
            #expect(topic.name == want.name)
            #expect(topic.topicID == want.topicID)
            #expect(topic.isInternal == want.isInternal)
            #expect(topic.partitions.count == want.partitions.count)
            for (partition, wantPartition) in zip(topic.partitions, want.partitions) {
                #expect(partition == wantPartition, "topic \(want.name ?? "-") partition \(wantPartition.index)")
            }
        }
        #expect(response == expected)
    }

    @Test func decodingWithTheWrongVersionFails() {
        // v12 bytes read as v1 (or the reverse) must fail loudly rather than produce garbage.
        #expect(throws: ProtocolError.self) {
            try MetadataRequest(version: 1).decodeResponse(body: Hex.bytes(V.metadataV12Response))
        }
        #expect(throws: ProtocolError.self) {
            try MetadataRequest(version: 12).decodeResponse(body: Hex.bytes(V.metadataV1Response))
        }
    }

    @Test func nullTopicNameIsAllowedInV12() throws {
        let response = try MetadataRequest(version: 12).decodeResponse(body: Hex.bytes(V.metadataV12NullNameResponse))
        #expect(response.brokers.isEmpty)
        #expect(response.clusterID == nil)
        #expect(response.controllerID == -1)
        #expect(
            response.topics == [
                .init(errorCode: .unknownTopicID, name: nil, topicID: Self.topicT, isInternal: false, partitions: [])
            ])
    }

    @Test func unknownTaggedFieldsAreSkippedBySize() throws {
        let response = try MetadataRequest(version: 12).decodeResponse(
            body: Hex.bytes(V.metadataV12UnknownTagsResponse))
        #expect(response.brokers == [.init(nodeID: 1, host: "h", port: 9092, rack: nil)])
        #expect(response.clusterID == "c")
        #expect(response.controllerID == 1)
        #expect(response.topics.isEmpty)
    }

    @Test func unknownTaggedFieldsAreReadable() throws {
        var reader = ByteReader(Hex.bytes("02 05 03 aabbcc 7f 00"))
        #expect(
            try reader.readTaggedFields() == [
                TaggedField(tag: 5, data: [0xAA, 0xBB, 0xCC]), TaggedField(tag: 127, data: []),
            ])
        #expect(reader.isAtEnd)
    }
}
