import KafkaProtocol
import KafkaProxy
import Testing

/// Frames built field by field as Kafka's message JSONs lay them out, so the rewriter is checked against the
/// schema, not against itself.
enum Frames {
    struct Broker {
        var id: Int32
        var host: String
        var port: Int32
        var rack: String? = nil
    }

    /// A Metadata response (without the size): header (+ tagged fields from v9, one unknown tag to keep), throttle
    /// (v3+), brokers, then a tail standing for cluster id, controller and topics, kept byte for byte.
    static func metadata(version v: Int16, brokers: [Broker], correlationID: Int32 = 7) throws -> [UInt8] {
        let flexible = v >= 9
        var w = ByteWriter()
        w.writeInt32(correlationID)
        if flexible { try w.writeTagBuffer([TaggedField(tag: 5, data: [0xAA, 0xBB])]) }
        if v >= 3 { w.writeInt32(0) }
        w.writeArrayCount(brokers.count, compact: flexible)
        for b in brokers {
            w.writeInt32(b.id)
            try w.writeString(b.host, compact: flexible)
            w.writeInt32(b.port)
            if v >= 1 { try w.writeNullableString(b.rack, compact: flexible) }
            if flexible { try w.writeTagBuffer([TaggedField(tag: 0, data: [0x01])]) }
        }
        if v >= 2 { try w.writeNullableString("cluster-id", compact: flexible) }
        if v >= 1 { w.writeInt32(1) }
        w.writeArrayCount(0, compact: flexible)  // topics
        if (8...10).contains(v) { w.writeInt32(Int32.min) }
        if flexible { w.writeEmptyTagBuffer() }
        return w.bytes
    }

    /// A FindCoordinator response: v0 (error, node, host, port), v1-v3 (throttle, error, message, node, host, port),
    /// v4 (throttle, coordinators[key, node, host, port, error, message]).
    static func findCoordinator(version v: Int16, coordinators: [(key: String, broker: Broker)], correlationID: Int32 = 8) throws -> [UInt8] {
        let flexible = v >= 3
        var w = ByteWriter()
        w.writeInt32(correlationID)
        if flexible { w.writeEmptyTagBuffer() }
        if v >= 1 { w.writeInt32(0) }
        if v >= 4 {
            w.writeArrayCount(coordinators.count, compact: true)
            for (key, b) in coordinators {
                try w.writeCompactString(key)
                w.writeInt32(b.id)
                try w.writeCompactString(b.host)
                w.writeInt32(b.port)
                w.writeInt16(b.id < 0 ? 15 : 0)
                try w.writeCompactNullableString(nil)
                w.writeEmptyTagBuffer()
            }
        } else {
            let b = coordinators[0].broker
            w.writeInt16(b.id < 0 ? 15 : 0)
            if v >= 1 { try w.writeNullableString(nil, compact: flexible) }
            w.writeInt32(b.id)
            try w.writeString(b.host, compact: flexible)
            w.writeInt32(b.port)
        }
        if flexible { w.writeEmptyTagBuffer() }
        return w.bytes
    }

    static func request(key: Int16, version: Int16, correlationID: Int32 = 1, body: [UInt8] = []) throws -> [UInt8] {
        var w = ByteWriter()
        w.writeInt16(key)
        w.writeInt16(version)
        w.writeInt32(correlationID)
        try w.writeNullableString("test")
        return w.bytes + body
    }

    /// A Produce request's start: transactional id (v3+), acks, timeout; the topic data does not matter here.
    static func produce(version v: Int16, acks: Int16) throws -> [UInt8] {
        let flexible = v >= 9
        var body = ByteWriter()
        if flexible { body.writeEmptyTagBuffer() }  // request header v2's tagged fields
        if v >= 3 { try body.writeNullableString(nil, compact: flexible) }
        body.writeInt16(acks)
        body.writeInt32(30_000)
        body.writeArrayCount(0, compact: flexible)
        return try request(key: 0, version: v, body: body.bytes)
    }
}

@Suite("What kafka-proxy v0.3.11 rewrites, passes and refuses")
struct RewritingTests {
    let proxied: [String: (String, Int32)] = [
        "10.64.0.10:9092": ("b1.abc.us-west1.gcp.3199745.tidbcloud.com", 9092),
        "10.64.0.11:9092": ("b2.abc.us-west1.gcp.3199745.tidbcloud.com", 9093),
        "10.64.0.12:9092": ("b3.abc.us-west1.gcp.3199745.tidbcloud.com", 9094),
    ]

    func map(_ host: String, _ port: Int32) throws(ProxyRefusal) -> (host: String, port: Int32) {
        guard let found = proxied["\(host):\(port)"] else { throw .noListener("no mapping for \(host):\(port)") }
        return found
    }

    func brokers(_ pairs: [(Int32, String, Int32)], rack: String? = nil) -> [Frames.Broker] {
        pairs.map { Frames.Broker(id: $0.0, host: $0.1, port: $0.2, rack: rack) }
    }

    @Test("Metadata v0-12: every broker's host and port replaced, everything else byte for byte (tagged fields too)", arguments: Array(Int16(0)...12))
    func metadata(version: Int16) throws {
        let upstream = brokers([(1, "10.64.0.10", 9092), (2, "10.64.0.11", 9092), (3, "10.64.0.12", 9092)], rack: "us-west1-a")
        let original = try Frames.metadata(version: version, brokers: upstream)
        let rewritten = try AddressRewriting.rewrite(original, answering: PendingResponse(apiKey: 3, apiVersion: version, correlationID: 7), map: map)
        let expected = try Frames.metadata(
            version: version,
            brokers: upstream.map { b in Frames.Broker(id: b.id, host: proxied["\(b.host):\(b.port)"]!.0, port: proxied["\(b.host):\(b.port)"]!.1, rack: b.rack) })
        #expect(rewritten == expected)
        if version >= 1 {
            // The product's own decoder reads the result as a broker would have sent it.
            var body = try reader(rewritten, skippingHeader: version >= 9)
            let decoded = try MetadataResponse.decode(from: &body, version: version)
            #expect(decoded.brokers.map(\.port) == [9092, 9093, 9094])
        }
    }

    func reader(_ payload: [UInt8], skippingHeader flexible: Bool) throws -> ByteReader {
        var r = ByteReader(payload)
        _ = try r.readInt32()
        if flexible { try r.skipTagBuffer() }
        return r
    }

    @Test("FindCoordinator v0-4: the coordinator's address replaced; an error answer (node -1) left alone", arguments: Array(Int16(0)...4))
    func findCoordinator(version: Int16) throws {
        let keys: [(key: String, broker: Frames.Broker)] =
            version >= 4
            ? [("changefeed", Frames.Broker(id: 2, host: "10.64.0.11", port: 9092)), ("starting", Frames.Broker(id: -1, host: "", port: -1))]
            : [("changefeed", Frames.Broker(id: 2, host: "10.64.0.11", port: 9092))]
        let original = try Frames.findCoordinator(version: version, coordinators: keys)
        let rewritten = try AddressRewriting.rewrite(original, answering: PendingResponse(apiKey: 10, apiVersion: version, correlationID: 8), map: map)
        var expectedKeys = keys
        expectedKeys[0].broker = Frames.Broker(id: 2, host: "b2.abc.us-west1.gcp.3199745.tidbcloud.com", port: 9093)
        #expect(rewritten == (try Frames.findCoordinator(version: version, coordinators: expectedKeys)))
        let failed = try Frames.findCoordinator(version: min(version, 3), coordinators: [("g", Frames.Broker(id: -1, host: "", port: -1))])
        #expect(try AddressRewriting.rewrite(failed, answering: PendingResponse(apiKey: 10, apiVersion: min(version, 3), correlationID: 8), map: map) == failed)
    }

    @Test("Newer versions than it can rewrite close the connection: Metadata v13, FindCoordinator v5 and v6, any key past 74")
    func refusedResponses() throws {
        let metadata = try Frames.metadata(version: 12, brokers: brokers([(1, "10.64.0.10", 9092)]))
        #expect(throws: ProxyRefusal.unsupportedResponseVersion(key: 3, version: 13)) {
            try AddressRewriting.rewrite(metadata, answering: PendingResponse(apiKey: 3, apiVersion: 13, correlationID: 7), map: map)
        }
        for version: Int16 in [5, 6] {
            #expect(throws: ProxyRefusal.unsupportedResponseVersion(key: 10, version: version)) {
                try AddressRewriting.rewrite([0, 0, 0, 8], answering: PendingResponse(apiKey: 10, apiVersion: version, correlationID: 8), map: map)
            }
        }
        #expect(throws: ProxyRefusal.unknownResponseApiKey(75)) {
            try AddressRewriting.rewrite([0, 0, 0, 1], answering: PendingResponse(apiKey: 75, apiVersion: 0, correlationID: 1), map: map)
        }
        #expect("\(ProxyRefusal.unsupportedResponseVersion(key: 10, version: 5))" == "Unsupported response schema version 5 for key 10")
    }

    @Test("Other responses pass untouched, DescribeCluster's raw broker addresses included")
    func passThrough() throws {
        let body: [UInt8] = [0, 0, 0, 3] + Array("10.64.0.10".utf8)
        #expect(try AddressRewriting.rewrite(body, answering: PendingResponse(apiKey: 60, apiVersion: 1, correlationID: 3), map: map) == body)
        #expect(try AddressRewriting.rewrite(body, answering: PendingResponse(apiKey: 18, apiVersion: 3, correlationID: 3), map: map) == body)
    }

    @Test("An address no listener serves closes the connection (dynamic listeners disabled)")
    func unmapped() throws {
        let metadata = try Frames.metadata(version: 12, brokers: brokers([(4, "10.64.0.13", 9092)]))
        #expect(throws: ProxyRefusal.noListener("no mapping for 10.64.0.13:9092")) {
            try AddressRewriting.rewrite(metadata, answering: PendingResponse(apiKey: 3, apiVersion: 12, correlationID: 7), map: map)
        }
    }

    @Test("Requests: key and version read; Produce acks=0 expects no response; Produce v11+, keys outside 0-120 and forbidden keys close")
    func requests() throws {
        #expect(try RequestInspection.inspect(try Frames.request(key: 3, version: 12, correlationID: 42)) == PendingResponse(apiKey: 3, apiVersion: 12, correlationID: 42))
        for version: Int16 in [0, 2, 3, 8, 9, 10] {
            #expect(try RequestInspection.inspect(try Frames.produce(version: version, acks: 0)) == nil, "v\(version) acks=0")
            #expect(try RequestInspection.inspect(try Frames.produce(version: version, acks: -1))?.apiKey == 0, "v\(version) acks=all")
        }
        #expect(throws: ProxyRefusal.unsupportedProduceVersion(11)) { try RequestInspection.inspect(try Frames.produce(version: 11, acks: 1)) }
        #expect("\(ProxyRefusal.unsupportedProduceVersion(11))" == "produce version 11 is not supported")
        // A TLS ClientHello's first bytes read as a frame: key 0x0301 (769).
        #expect(throws: ProxyRefusal.invalidApiKey(769)) { try RequestInspection.inspect([0x03, 0x01, 0x00, 0x00, 0, 0, 0, 1]) }
        #expect(throws: ProxyRefusal.invalidApiKey(-1)) { try RequestInspection.inspect(try Frames.request(key: -1, version: 0)) }
        #expect(throws: ProxyRefusal.forbiddenApiKey(20)) { try RequestInspection.inspect(try Frames.request(key: 20, version: 4), forbidden: [20]) }
        #expect(try RequestInspection.inspect(try Frames.request(key: 120, version: 0))?.apiKey == 120)
    }
}
