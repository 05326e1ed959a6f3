import Testing

@testable import KafkaSimulator

@Suite("Wire codec: primitives, tag buffers, hostile input, kafka.md §1.11 golden vectors")
struct CodecTests {
    @Test(
        "Unsigned varints round-trip at the 7-bit boundaries",
        arguments: [UInt32(0), 1, 127, 128, 300, 16_383, 16_384, UInt32.max])
    func varint(value: UInt32) throws {
        var writer = WireWriter()
        writer.unsignedVarint(value)
        var reader = WireReader(writer.bytes)
        #expect(try reader.unsignedVarint() == value)
        #expect(reader.isAtEnd)
    }

    @Test("Compact and classic strings, null arrays and empty tag buffers")
    func stringsAndArrays() throws {
        var writer = WireWriter()
        writer.string("ab", compact: true)
        writer.string(nil, compact: true)
        writer.string("ab", compact: false)
        writer.string(nil, compact: false)
        writer.arrayCount(nil, compact: true)
        writer.arrayCount(nil, compact: false)
        writer.int32Array([1, 2], compact: true)
        writer.emptyTaggedFields()
        #expect(writer.bytes == hexBytes("03 6162 00 0002 6162 ffff 00 ffffffff 03 00000001 00000002 00"))
        var reader = WireReader(writer.bytes)
        #expect(try reader.compactString() == "ab")
        #expect(try reader.compactNullableString() == nil)
        #expect(try reader.string() == "ab")
        #expect(try reader.nullableString() == nil)
        #expect(try reader.arrayCount(compact: true) == nil)
        #expect(try reader.arrayCount(compact: false) == nil)
        #expect(try reader.array(compact: true) { try $0.int32() } == [1, 2])
        try reader.skipTaggedFields()
        #expect(reader.isAtEnd)
    }

    @Test("Unknown tags are skipped by size; out-of-order tags are rejected like Kafka does")
    func tags() throws {
        var reader = WireReader(hexBytes("02 00 02 aaaa 05 01 bb 07"))
        try reader.skipTaggedFields()
        #expect(try reader.int8() == 7)
        var bad = WireReader(hexBytes("02 05 00 01 00"))
        #expect(throws: WireError.self) { try bad.skipTaggedFields() }
    }

    @Test("Truncated input, absurd counts and over-long varints throw instead of trapping or allocating")
    func hostileInput() {
        var truncated = WireReader([0x00])
        #expect(throws: WireError.self) { try truncated.int32() }
        var hugeArray = WireReader(hexBytes("7fffffff 00"))
        #expect(throws: WireError.self) { try hugeArray.arrayCount(compact: false) }
        var hugeCompact = WireReader(hexBytes("ffffffff0f"))
        #expect(throws: WireError.self) { try hugeCompact.arrayCount(compact: true) }
        var longVarint = WireReader(hexBytes("ffffffffff01"))
        #expect(throws: WireError.self) { try longVarint.unsignedVarint() }
        var negativeString = WireReader(hexBytes("fffe 00"))
        #expect(throws: WireError.self) { try negativeString.nullableString() }
    }

    @Test("ApiVersions v3 response body (Metadata 0-12, ApiVersions 0-4) matches the golden vector")
    func apiVersionsV3Golden() {
        let response = ApiVersionsHandler.Response(errorCode: 0, apiKeys: [(3, 0, 12), (18, 0, 4)])
        #expect(
            hex(response.encoded(version: 3))
                == hex(hexBytes("0000 03 0003 0000 000c 00 0012 0000 0004 00 00000000 00")))
    }

    @Test("The UNSUPPORTED_VERSION fallback body is the v0 schema (ApiVersions 0-2 golden vector)")
    func apiVersionsFallbackGolden() {
        let response = ApiVersionsHandler.Response(errorCode: 35, apiKeys: [(18, 0, 2)])
        #expect(hex(response.encoded(version: 0)) == hex(hexBytes("0023 00000001 0012 0000 0002")))
    }

    @Test("Metadata v12 response body matches the golden vector (offline replica, nullable rack, topic id)")
    func metadataV12Golden() {
        let partition = PartitionModel.Partition(
            errorCode: 0, index: 0, leaderId: 1, leaderEpoch: 3, replicas: [1, 2, 3], isr: [1, 2], offlineReplicas: [3])
        let topic = MetadataResponse.Topic(
            errorCode: 0, name: "t", topicId: hexBytes("0f8fad5bd9cb469fa16570867728950e"), partitions: [partition])
        let response = MetadataResponse(
            brokers: [.init(nodeId: 1, host: "b1.abc.eastus.azure.example.com", port: 9093)],
            clusterId: "BRl69zcmTFmiPaoaANybiw", controllerId: 1, topics: [topic])
        let golden = """
            00000000 02 00000001 20 62312e6162632e6561737475732e617a7572652e6578616d706c652e636f6d 00002385 00 00
            17 42526c36397a636d54466d6950616f61414e79626977 00000001
            02 0000 02 74 0f8fad5bd9cb469fa16570867728950e 00 02 0000 00000000 00000001 00000003
            04 00000001 00000002 00000003 03 00000001 00000002 02 00000003 00 80000000 00 00
            """
        #expect(hex(response.encoded(version: 12)) == hex(hexBytes(golden)))
    }

    @Test("Golden request vectors parse: Metadata v12 all topics is a null topic array")
    func metadataRequestGolden() throws {
        var reader = WireReader(hexBytes("0003 000c 00000002 000a 7265636f6e63696c6572 00 | 00 00 00 00"))
        let header = try RequestHeader.parse(&reader, flexible: true)
        #expect(header == RequestHeader(apiKey: 3, apiVersion: 12, correlationId: 2, clientId: "reconciler"))
        let request = try MetadataHandler.Request.parse(version: 12, reader: &reader)
        #expect(request.topics == nil)
        #expect(reader.isAtEnd)
    }
}
