import KafkaProtocol
import Testing

@Suite("Framing and version negotiation")
struct FramingAndNegotiationTests {
    @Test func framesAreSplitAcrossPartialInput() throws {
        let first = KafkaFrame.framed([1, 2, 3])
        let second = KafkaFrame.framed([])
        let third = KafkaFrame.framed([9])
        let stream = first + second + third
        var buffer: [UInt8] = []
        var frames: [[UInt8]] = []
        for byte in stream {
            buffer.append(byte)
            frames += try KafkaFrame.extractFrames(from: &buffer)
        }
        #expect(frames == [[1, 2, 3], [], [9]])
        #expect(buffer.isEmpty)
    }

    @Test func frameSizesAreBoundedBeforeAllocation() {
        #expect(throws: ProtocolError.tooLarge(0x7FFF_FFFF, limit: KafkaFrame.defaultMaxSize, offset: 0)) {
            try KafkaFrame.payloadSize(prefix: [0x7F, 0xFF, 0xFF, 0xFF])
        }
        #expect(throws: ProtocolError.invalidLength(-1, offset: 0)) {
            try KafkaFrame.payloadSize(prefix: [0xFF, 0xFF, 0xFF, 0xFF])
        }
        #expect(throws: ProtocolError.tooLarge(65, limit: 64, offset: 0)) {
            try KafkaFrame.payloadSize(prefix: [0, 0, 0, 65], maxSize: 64)
        }
        #expect((try? KafkaFrame.payloadSize(prefix: [0, 0, 1, 0])) == 256)
    }

    static func range(_ key: ApiKey, _ min: Int16, _ max: Int16) -> ApiVersionRange {
        ApiVersionRange(apiKey: key.rawValue, minVersion: min, maxVersion: max)
    }

    // (client, broker, expected): min(clientMax, brokerMax) if >= max(clientMin, brokerMin).
    static let negotiationCases: [(ClosedRange<Int16>, ApiVersionRange?, Int16?)] = [
        (1...12, range(.metadata, 0, 12), 12),
        (1...12, range(.metadata, 4, 13), 12),
        (1...12, range(.metadata, 0, 8), 8),
        (4...4, range(.describeConfigs, 1, 4), 4),
        (4...4, range(.describeConfigs, 0, 3), nil),
        (0...2, range(.describeCluster, 0, 0), 0),
        (1...12, range(.metadata, 13, 14), nil),
        (0...2, nil, nil),
    ]

    @Test(arguments: negotiationCases)
    func negotiation(_ client: ClosedRange<Int16>, _ broker: ApiVersionRange?, _ expected: Int16?) {
        #expect(VersionNegotiation.negotiate(client: client, broker: broker) == expected)
    }

    @Test func apiVersionsFallbackAfterUnsupportedVersion() {
        func body(_ max: Int16?) -> ApiVersionsResponse {
            ApiVersionsResponse(
                errorCode: .unsupportedVersion, apiKeys: max.map { [Self.range(.apiVersions, 0, $0)] } ?? [],
                decodedVersion: 0
            )
        }
        #expect(body(2).fallbackVersion(requested: 3) == 2)
        #expect(body(1).fallbackVersion(requested: 3) == 1)
        #expect(body(nil).fallbackVersion(requested: 3) == 0)
        // A broker claiming to support what it just refused must not make the client loop.
        #expect(body(4).fallbackVersion(requested: 3) == 2)
        #expect(body(2).fallbackVersion(requested: 0) == 0)
    }
}
