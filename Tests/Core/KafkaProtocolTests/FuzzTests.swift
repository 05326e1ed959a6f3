import KafkaProtocol
import Testing

/// Hostile input: every strict prefix of every vector must throw `ProtocolError`, random bytes must never crash,
/// and huge declared lengths must be rejected before anything is allocated.
@Suite("Fuzzing the decoders")
struct FuzzTests {
    typealias V = KafkaPythonVectors
    typealias S = SpecGoldenVectorTests

    struct DecodeCase: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var decode: @Sendable ([UInt8]) throws(ProtocolError) -> Void
        var testDescription: String { name }
    }

    static func make<R: KafkaRequest>(_ name: String, _ hex: String, _ request: R) -> DecodeCase {
        DecodeCase(name: name, bytes: Hex.bytes(hex)) { (bytes) throws(ProtocolError) in
            _ = try request.decodeResponse(body: bytes)
        }
    }

    static let responses: [DecodeCase] = [
        make("spec ApiVersions v3", S.apiVersionsV3ResponseBody, ApiVersionsRequest(version: 3)),
        make("spec ApiVersions v0 error", S.apiVersionsV0ErrorBody, ApiVersionsRequest(version: 3)),
        make("spec Metadata v12", S.metadataV12ResponseBody, MetadataRequest(version: 12)),
        make("ApiVersions v3 tagged", V.apiVersionsV3Response, ApiVersionsRequest(version: 3)),
        make("ApiVersions v0 error", V.apiVersionsV0ErrorResponse, ApiVersionsRequest(version: 3)),
        make("ApiVersions v2", V.apiVersionsV2Response, ApiVersionsRequest(version: 2)),
        make("Metadata v1", V.metadataV1Response, MetadataRequest(version: 1)),
        make("Metadata v4", V.metadataV4Response, MetadataRequest(version: 4)),
        make("Metadata v8", V.metadataV8Response, MetadataRequest(version: 8)),
        make("Metadata v9", V.metadataV9Response, MetadataRequest(version: 9)),
        make("Metadata v10", V.metadataV10Response, MetadataRequest(version: 10)),
        make("Metadata v12", V.metadataV12Response, MetadataRequest(version: 12)),
        make("Metadata v12 null name", V.metadataV12NullNameResponse, MetadataRequest(version: 12)),
        make("Metadata v12 unknown tags", V.metadataV12UnknownTagsResponse, MetadataRequest(version: 12)),
        make("DescribeCluster v0", V.describeClusterV0Response, DescribeClusterRequest(version: 0)),
        make("DescribeCluster v1", V.describeClusterV1ControllersResponse, DescribeClusterRequest(version: 1)),
        make("DescribeCluster v1 error", V.describeClusterV1ErrorResponse, DescribeClusterRequest(version: 1)),
        make("DescribeCluster v2", V.describeClusterV2Response, DescribeClusterRequest(version: 2)),
        make("DescribeQuorum v0", V.describeQuorumV0Response, DescribeQuorumRequest(version: 0)),
        make("DescribeQuorum v1", V.describeQuorumV1Response, DescribeQuorumRequest(version: 1)),
        make("DescribeQuorum v2", V.describeQuorumV2Response, DescribeQuorumRequest(version: 2)),
        make("DescribeQuorum v2 error", V.describeQuorumV2ErrorResponse, DescribeQuorumRequest(version: 2)),
        make("DescribeConfigs v4", V.describeConfigsV4Response, DescribeConfigsRequest(resources: [])),
        make(
            "DescribeConfigs v4 single", V.describeConfigsV4SingleBrokerResponse, DescribeConfigsRequest(resources: [])),
        make(
            "DescribeConfigs v4 misrouted", V.describeConfigsV4MisroutedResponse, DescribeConfigsRequest(resources: [])),
    ]

    @Test(arguments: responses)
    func everyStrictPrefixThrows(_ testCase: DecodeCase) throws {
        try testCase.decode(testCase.bytes)
        // An UNSUPPORTED_VERSION body is decided by its error code alone (see ApiVersionsResponse.decode), so only
        // prefixes shorter than the error code can fail there.
        let isUnsupportedVersionBody =
            testCase.bytes.starts(with: [0x00, 0x23]) && testCase.name.contains("ApiVersions")
        for length in 0..<(isUnsupportedVersionBody ? 2 : testCase.bytes.count) {
            #expect(throws: ProtocolError.self, "prefix of \(length) bytes") {
                try testCase.decode(Array(testCase.bytes.prefix(length)))
            }
        }
    }

    @Test func malformedUnsupportedVersionBodiesStillReportTheErrorCode() throws {
        let request = ApiVersionsRequest(version: 3)
        // librdkafka 2.0.2's mock broker: UVARINT count, untagged entry, throttle time.
        let hybrid = try request.decodeResponse(body: Hex.bytes("0023 01 0012 0000 0002 00000000"))
        #expect(hybrid == ApiVersionsResponse(errorCode: .unsupportedVersion, apiKeys: [], decodedVersion: 0))
        #expect(hybrid.fallbackVersion(requested: 3) == 0)
        let truncated = try request.decodeResponse(body: Hex.bytes("0023 00000001 0012"))
        #expect(truncated.errorCode == .unsupportedVersion && truncated.apiKeys.isEmpty)
        // Any other error code keeps the strict path.
        #expect(throws: ProtocolError.self) {
            try request.decodeResponse(body: Hex.bytes("002a 01 0012 0000 0002 00000000"))
        }
    }

    @Test(arguments: responses)
    func mutatedVectorsNeverCrash(_ testCase: DecodeCase) {
        var random = SplitMix64(seed: UInt64(testCase.bytes.count) &* 0x9E37_79B9)
        for _ in 0..<300 {
            var bytes = testCase.bytes
            for _ in 0...Int.random(in: 0...3, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
            _ = try? testCase.decode(bytes)
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = SplitMix64(seed: 42)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...96, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            for testCase in Self.responses.prefix(upTo: 7) + Self.responses.suffix(from: 14) {
                _ = try? testCase.decode(bytes)
            }
            var reader = ByteReader(bytes)
            _ = try? RequestHeader.decode(from: &reader, version: 2)
        }
    }

    @Test(arguments: [
        // Classic ARRAY of INT32 declaring 2^31-1 elements in a 4-byte buffer.
        ("7fffffff", false),
        // COMPACT_ARRAY declaring 2^32-2 elements.
        ("ffffffff0f", true),
        // COMPACT_ARRAY declaring 1000 elements with 8 bytes left.
        ("e907 0000000000000000", true),
    ])
    func hugeArrayCountsAreRejectedWithoutAllocating(_ hex: String, _ compact: Bool) {
        var reader = ByteReader(Hex.bytes(hex))
        #expect {
            _ = try reader.readInt32Array(compact: compact)
        } throws: { error in
            guard case ProtocolError.tooLarge = error else { return false }
            return true
        }
    }

    @Test func hugeStringAndTagLengthsAreRejected() {
        var compactString = ByteReader(Hex.bytes("ffffffff0f 41"))
        #expect(throws: ProtocolError.tooLarge(0xFFFF_FFFE, limit: 32767, offset: 0)) {
            try compactString.readCompactString()
        }
        var classicString = ByteReader(Hex.bytes("7fff 41"))
        #expect(throws: ProtocolError.truncated(needed: 32767, remaining: 1, offset: 2)) {
            try classicString.readString()
        }
        var tagSize = ByteReader(Hex.bytes("01 00 ffffffff0f"))
        #expect(throws: ProtocolError.tooLarge(0xFFFF_FFFF, limit: 0, offset: 2)) { try tagSize.skipTagBuffer() }
        var tagCount = ByteReader(Hex.bytes("ffffffff0f 00"))
        #expect(throws: ProtocolError.tooLarge(0xFFFF_FFFF, limit: 0, offset: 0)) { try tagCount.skipTagBuffer() }
    }

    @Test func hugeNestedCountInsideAValidPrefixIsRejected() {
        // Metadata v12 whose broker array claims 2^20 + 1 entries (UVARINT 2^20 + 2).
        let body = Hex.bytes("00000000 828040 00")
        #expect(throws: ProtocolError.tooLarge(1_048_577, limit: ByteReader.maxArrayCount, offset: 4)) {
            try MetadataRequest(version: 12).decodeResponse(body: body)
        }
    }
}

/// A tiny deterministic generator so fuzz runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
