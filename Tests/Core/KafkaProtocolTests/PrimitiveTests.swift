import KafkaProtocol
import Testing

@Suite("Primitive types")
struct PrimitiveTests {
    @Test(arguments: [
        (UInt32(0), "00"), (1, "01"), (127, "7f"), (128, "8001"), (300, "ac02"), (16_383, "ff7f"), (16_384, "808001"),
        (UInt32.max, "ffffffff0f"),
    ])
    func unsignedVarint(_ value: UInt32, _ hex: String) throws {
        var writer = ByteWriter()
        writer.writeUnsignedVarint(value)
        #expect(Hex.string(writer.bytes) == hex)
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readUnsignedVarint() == value)
        #expect(reader.isAtEnd)
    }

    @Test(arguments: ["ffffffff1f", "ffffffff8f01", "8080808080", "ffffffffffff"])
    func malformedVarintsThrow(_ hex: String) {
        var reader = ByteReader(Hex.bytes(hex))
        #expect(throws: ProtocolError.malformedVarint(offset: 0)) { try reader.readUnsignedVarint() }
    }

    @Test func truncatedVarintThrows() {
        var reader = ByteReader(Hex.bytes("8080"))
        #expect(throws: ProtocolError.truncated(needed: 1, remaining: 0, offset: 2)) { try reader.readUnsignedVarint() }
    }

    @Test func integersAreBigEndian() throws {
        var writer = ByteWriter()
        writer.writeInt8(-2)
        writer.writeInt16(-2)
        writer.writeUInt16(29092)
        writer.writeInt32(Int32.min)
        writer.writeInt64(1_700_000_005_000)
        #expect(Hex.string(writer.bytes) == "fe" + "fffe" + "71a4" + "80000000" + "0000018bcfe57b88")
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readInt8() == -2)
        #expect(try reader.readInt16() == -2)
        #expect(try reader.readUInt16() == 29092)
        #expect(try reader.readInt32() == Int32.min)
        #expect(try reader.readInt64() == 1_700_000_005_000)
        try reader.expectEnd()
    }

    @Test func anyNonZeroByteIsTrue() throws {
        var reader = ByteReader([0, 1, 2, 0xFF])
        #expect(
            try [reader.readBool(), reader.readBool(), reader.readBool(), reader.readBool()] == [
                false, true, true, true,
            ])
    }

    @Test func uuidRoundTripsAndPrints() throws {
        let uuid = try #require(KafkaUUID("0f8fad5b-d9cb-469f-a165-70867728950e"))
        #expect(uuid.description == "0f8fad5b-d9cb-469f-a165-70867728950e")
        #expect(KafkaUUID("0F8FAD5BD9CB469FA16570867728950E") == uuid)
        #expect(KafkaUUID("not-a-uuid") == nil)
        var writer = ByteWriter()
        writer.writeUUID(uuid)
        #expect(Hex.string(writer.bytes) == "0f8fad5bd9cb469fa16570867728950e")
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readUUID() == uuid)
        #expect(KafkaUUID.zero.description == "00000000-0000-0000-0000-000000000000")
    }

    @Test func stringsInBothEncodings() throws {
        var writer = ByteWriter()
        try writer.writeString("ab")
        try writer.writeNullableString(nil)
        try writer.writeCompactString("é")
        try writer.writeCompactNullableString(nil)
        try writer.writeCompactString("")
        #expect(Hex.string(writer.bytes) == "00026162" + "ffff" + "03c3a9" + "00" + "01")
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readString() == "ab")
        #expect(try reader.readNullableString() == nil)
        #expect(try reader.readCompactString() == "é")
        #expect(try reader.readCompactNullableString() == nil)
        #expect(try reader.readCompactString() == "")
        try reader.expectEnd()
    }

    @Test func nullWhereNotNullableThrows() {
        var classic = ByteReader(Hex.bytes("ffff"))
        #expect(throws: ProtocolError.unexpectedNull(offset: 0)) { try classic.readString() }
        var compact = ByteReader(Hex.bytes("00"))
        #expect(throws: ProtocolError.unexpectedNull(offset: 0)) { try compact.readCompactString() }
        var array = ByteReader(Hex.bytes("ffffffff"))
        #expect(throws: ProtocolError.unexpectedNull(offset: 0)) { try array.readInt32Array(compact: false) }
    }

    @Test func invalidUTF8Throws() {
        var reader = ByteReader(Hex.bytes("0002 c328"))
        #expect(throws: ProtocolError.invalidUTF8(offset: 2)) { try reader.readString() }
    }

    @Test func negativeLengthsOtherThanNullThrow() {
        var string = ByteReader(Hex.bytes("fffe 00"))
        #expect(throws: ProtocolError.invalidLength(-2, offset: 0)) { try string.readNullableString() }
        var array = ByteReader(Hex.bytes("fffffffe"))
        #expect(throws: ProtocolError.invalidLength(-2, offset: 0)) { try array.readArrayCount(compact: false) }
    }

    @Test func arraysInBothEncodings() throws {
        var writer = ByteWriter()
        writer.writeInt32Array([1, 2], compact: false)
        writer.writeInt32Array([3], compact: true)
        writer.writeArrayCount(nil, compact: false)
        writer.writeArrayCount(nil, compact: true)
        try writer.writeNullableStringArray(["a"], compact: true)
        #expect(
            Hex.string(writer.bytes)
                == "00000002 00000001 00000002 02 00000003 ffffffff 00 02 0261".filter { $0 != " " })
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readInt32Array(compact: false) == [1, 2])
        #expect(try reader.readInt32Array(compact: true) == [3])
        #expect(try reader.readArrayCount(compact: false) == nil)
        #expect(try reader.readArrayCount(compact: true) == nil)
        #expect(try reader.readNullableStringArray(compact: true) == ["a"])
        try reader.expectEnd()
    }

    @Test func tagBuffersRoundTripAndRejectDisorder() throws {
        var writer = ByteWriter()
        try writer.writeTagBuffer([TaggedField(tag: 0, data: [1]), TaggedField(tag: 200, data: [2, 3])])
        #expect(Hex.string(writer.bytes) == "02" + "00" + "01" + "01" + "c801" + "02" + "0203")
        var reader = ByteReader(writer.bytes)
        #expect(try reader.readTaggedFields().map(\.tag) == [0, 200])

        var duplicate = ByteReader(Hex.bytes("02 03 00 03 00"))
        #expect(throws: ProtocolError.tagOrder(previous: 3, tag: 3, offset: 3)) { try duplicate.skipTagBuffer() }
        var descending = ByteReader(Hex.bytes("02 05 00 01 00"))
        #expect(throws: ProtocolError.tagOrder(previous: 5, tag: 1, offset: 3)) { try descending.skipTagBuffer() }
        var unordered = ByteWriter()
        #expect(throws: ProtocolError.self) {
            try unordered.writeTagBuffer([TaggedField(tag: 2, data: []), TaggedField(tag: 1, data: [])])
        }
    }

    @Test func trailingBytesAreReported() throws {
        let body = Hex.bytes("0000 00000000 ff")
        #expect(throws: ProtocolError.trailingBytes(count: 1, offset: 6)) {
            try ApiVersionsRequest(version: 0).decodeResponse(body: body)
        }
    }

    @Test func overlongStringsAreNotEncoded() {
        var writer = ByteWriter()
        let long = String(repeating: "x", count: 40_000)
        #expect(throws: ProtocolError.self) { try writer.writeCompactString(long) }
        #expect(throws: ProtocolError.self) { try writer.writeString(long) }
    }

    @Test func errorCodeAndApiKeyNames() {
        #expect(KafkaErrorCode.unsupportedVersion.description == "UNSUPPORTED_VERSION (35)")
        #expect(KafkaErrorCode(rawValue: -1).name == "UNKNOWN_SERVER_ERROR")
        #expect(KafkaErrorCode(rawValue: 6).name == "NOT_LEADER_OR_FOLLOWER")
        #expect(KafkaErrorCode(rawValue: 116).name == "UNKNOWN_CONTROLLER_ID")
        #expect(KafkaErrorCode(rawValue: 9999).description == "UNKNOWN_ERROR_CODE (9999)")
        #expect(ApiKey.describeQuorum.description == "DescribeQuorum(55)")
        #expect(ApiKey(rawValue: 999).description == "UNKNOWN(999)")
    }
}
