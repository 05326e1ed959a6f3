import Foundation
import KafkaClient
import KafkaProtocol
import KafkaProxy
import KafkaSimulator
import Sockets
import Testing
import TestSupport

/// The stand-in between real clients and simulated brokers, as kafka-proxy v0.3.11 behaves (`kafka-proxy.md` B.4).
@Suite("kafka-proxy stand-in with real clients and simulated brokers", .serialized)
struct ProxyWithBrokersTests {
    @Test("kcat and kafka-python bootstrap through each static port and see every broker, and the group coordinator, at the proxy's addresses")
    func realClients() async throws {
        let bed = try ProxyBed(brokers: 3)
        defer { bed.stop() }
        try await bed.waitUntilListed()
        let expected = [1: "\(bed.proxyHost):9092", 2: "\(bed.proxyHost):9093", 3: "\(bed.proxyHost):9094"]
        for port in 9092...9094 {
            #expect(try RealClients.kcatBrokers("\(bed.proxyHost):\(port)") == expected, "kcat through \(port)")
        }
        let python = try RealClients.kafkaPython("\(bed.proxyHost):9093")
        #expect(python["error"] == nil, "\(python)")
        let brokers = (python["brokers"] as? [[Any]])?.map { "\($0[0]) \($0[1]):\($0[2])" }
        #expect(brokers == ["1 \(bed.proxyHost):9092", "2 \(bed.proxyHost):9093", "3 \(bed.proxyHost):9094"], "\(python)")
        #expect(python["topics"] as? [String] == ["orders"])
        let coordinator = python["coordinator"] as? [Any]
        #expect((coordinator?[0] as? String) == bed.proxyHost && [9092, 9093, 9094].contains(coordinator?[1] as? Int ?? 0), "\(python)")
        #expect(bed.proxy.listeners.allSatisfy { !$0.dynamic }, "every broker is mapped: no dynamic listener")
    }

    @Test("A broker no mapping names gets a dynamic listener on the next sequential port, advertised under the dynamic name, once for the process's life; it leads to that broker")
    func dynamicListener() async throws {
        let bed = try ProxyBed(brokers: 4, mapped: 3, dynamicName: "brokers.abc.us-west1.gcp.3199745.tidbcloud.com")
        defer { bed.stop() }
        try await bed.waitUntilListed()
        let client = bed.client(port: 9092)
        defer { Task { await client.close() } }
        let first = try await client.metadata(topics: [])
        #expect(first.brokers.sorted { $0.nodeID < $1.nodeID }.map { "\($0.host):\($0.port)" } == [
            "\(bed.proxyHost):9092", "\(bed.proxyHost):9093", "\(bed.proxyHost):9094", "brokers.abc.us-west1.gcp.3199745.tidbcloud.com:9095",
        ])
        _ = try await bed.client(port: 9094).metadata(topics: [])
        let dynamic = bed.proxy.listeners.filter(\.dynamic)
        #expect(dynamic.count == 1 && dynamic.first?.listen.port == 9095 && dynamic.first?.broker.description == "\(bed.brokerHost(4)):9092")
        #expect(bed.logLines.all.contains { $0.contains("dynamic listener on \(bed.proxyHost):9095") })
        // Only broker 4 answers DescribeConfigs for BROKER 4: the dynamic port leads to it.
        let through = bed.client(port: 9095)
        defer { Task { await through.close() } }
        let identity = try await through.describeConfigs(broker: 4, keys: ["node.id"])
        #expect(identity.configs.first?.value == "4")
        // kcat learns the dynamic address too (an IP here, so it can connect).
        #expect(try RealClients.kcatBrokers("\(bed.proxyHost):9093")[4] == "brokers.abc.us-west1.gcp.3199745.tidbcloud.com:9095")
    }

    @Test("A mapping spelled differently from what the broker advertises does not match: a dynamic listener appears for it, kafka-proxy's trap")
    func spellingTrap() async throws {
        let bed = try ProxyBed(brokers: 3) { configuration in
            // The broker advertises 127.A.B.2:9092; the mapping names it by another spelling that dials the same place.
            let broker = configuration.bootstrapMappings[1].broker
            configuration.bootstrapMappings[1].broker = HostPort(host: "localhost-\(broker.host)", port: broker.port)
            configuration.dialMappings[configuration.bootstrapMappings[1].broker] = broker
        }
        defer { bed.stop() }
        try await bed.waitUntilListed()
        let metadata = try await bed.client(port: 9092).metadata(topics: [])
        #expect(metadata.brokers.first { $0.nodeID == 2 }.map { "\($0.host):\($0.port)" } == "\(bed.proxyHost):9095")
        #expect(bed.proxy.listeners.filter(\.dynamic).map(\.broker.description) == ["\(bed.brokerHost(2)):9092"])
    }

    @Test("Kafka 3.8 brokers: kafka-python's coordinator lookup (FindCoordinator v5) and Produce v11 close the connection, as kafka-proxy v0.3.11 does; 3.7 works")
    func kafka38Refused() async throws {
        let bed = try ProxyBed(brokers: 3, version: "3.8.0")
        defer { bed.stop() }
        try await bed.waitUntilListed()
        // Metadata still works (v12 is what 3.8 offers too), so the client bootstraps...
        let python = try RealClients.kafkaPython("\(bed.proxyHost):9092")
        #expect((python["brokers"] as? [[Any]])?.count == 3, "\(python)")
        // ...and its coordinator lookup, negotiated to v5 through the unclamped ApiVersions, dies.
        #expect(python["coordinator"] == nil && python["error"] != nil, "\(python)")
        #expect(bed.logLines.all.contains { $0.contains("Unsupported response schema version 5 for key 10") }, "\(bed.logLines.all)")
        // The same request straight to the broker is answered.
        #expect(try RawKafka.exchange(host: bed.brokerHost(1), port: 9092, frame: try Frames.request(key: 10, version: 5, body: RawKafka.findCoordinatorV4Body)) != nil)
        // Produce v11 is closed before it reaches the broker.
        #expect(try RawKafka.exchange(host: bed.proxyHost, port: 9092, frame: try Frames.produce(version: 11, acks: 1)) == nil)
        #expect(bed.logLines.all.contains { $0.contains("produce version 11 is not supported") })
    }

    @Test("Through a 3.7 cluster FindCoordinator v4 is rewritten, DescribeCluster passes with the brokers' own addresses, a TLS hello is closed")
    func rawVersions() async throws {
        let bed = try ProxyBed(brokers: 3)
        defer { bed.stop() }
        try await bed.waitUntilListed()
        let answer = try #require(try RawKafka.exchange(host: bed.proxyHost, port: 9093, frame: try Frames.request(key: 10, version: 4, body: RawKafka.findCoordinatorV4Body)))
        let text = String(decoding: answer, as: UTF8.self)
        #expect(text.contains(bed.proxyHost) && !text.contains("\(bed.prefix)1\u{0}") && !text.contains(bed.brokerHost(1) + "\u{0}"))
        let describeCluster = try #require(try RawKafka.exchange(host: bed.proxyHost, port: 9092, frame: try Frames.request(key: 60, version: 0, body: [0x00, 0x00, 0x00])))
        let direct = try #require(try RawKafka.exchange(host: bed.brokerHost(1), port: 9092, frame: try Frames.request(key: 60, version: 0, body: [0x00, 0x00, 0x00])))
        #expect(String(decoding: describeCluster, as: UTF8.self).contains(bed.brokerHost(2)), "DescribeCluster is not rewritten")
        #expect(describeCluster.count == direct.count)
        #expect(try RawKafka.exchange(host: bed.proxyHost, port: 9092, frame: [0x16, 0x03, 0x01, 0x00, 0x05, 0, 0, 0, 0, 0, 0, 0]) == nil)
    }

    @Test("/health says OK even with every broker gone (it proves nothing); /metrics counts connections and requests by broker and api key")
    func httpEndpoints() async throws {
        let bed = try ProxyBed(brokers: 3)
        try await bed.waitUntilListed()
        _ = try await bed.client(port: 9094).metadata(topics: [])
        let port = try #require(bed.proxy.httpPort)
        let metrics = try HTTPGet.text("http://\(bed.proxyHost):\(port)/metrics")
        #expect(metrics.contains("proxy_connections_total{broker=\"\(bed.brokerHost(3)):9092\"} 1"), "\(metrics)")
        #expect(metrics.contains("proxy_requests_total{broker=\"\(bed.brokerHost(3)):9092\",api_key=\"3\""), "\(metrics)")
        #expect(metrics.contains("proxy_requests_bytes{broker=") && metrics.contains("proxy_responses_bytes{broker=") && metrics.contains("proxy_opened_connections{broker="))
        bed.nodes.forEach { $0.shutdown() }
        #expect(try HTTPGet.text("http://\(bed.proxyHost):\(port)/health") == "OK")
        bed.stop()
    }

    @Test("A static listener that cannot be bound is fatal at start, as in kafka-proxy; nothing stays bound")
    func bindFailure() throws {
        let bed = try ProxyBed(brokers: 3)
        defer { bed.stop() }
        var configuration = bed.proxy.configuration
        configuration.httpDisabled = true
        configuration.bootstrapMappings = [ProxyConfiguration.Mapping(broker: HostPort(host: "x", port: 1), listen: HostPort(host: bed.proxyHost, port: 9099))]
            + bed.proxy.configuration.bootstrapMappings
        let second = try KafkaProxyServer(configuration: configuration)
        #expect(throws: ProxyConfigurationError.self) { try second.start() }
        // 9099 was bound first, then released when 9092 failed.
        #expect(try RawKafka.connects(host: bed.proxyHost, port: 9099) == false)
    }
}

/// Raw frames over a socket, for versions and keys no client library sends on purpose.
enum RawKafka {
    /// FindCoordinator v4+: key type 0, keys ["changefeed"], tagged fields (after request header v2's tagged fields).
    static let findCoordinatorV4Body: [UInt8] = [0x00, 0x00, 0x02, 0x0b] + Array("changefeed".utf8) + [0x00]

    /// Sends one framed request; the response payload, or nil when the connection is closed instead.
    static func exchange(host: String, port: Int, frame: [UInt8]) throws -> [UInt8]? {
        let address = try #require(try SocketAddress.resolve(host: host, port: port).first)
        let socket = try TCPSocket.connect(to: address, timeout: .seconds(2))
        defer { socket.close() }
        try socket.writeAll(KafkaFrame.framed(frame), deadline: .now + .seconds(2))
        do {
            let size = try socket.readExactly(4, deadline: .now + .seconds(5))
            let count = Int(UInt32(size[0]) << 24 | UInt32(size[1]) << 16 | UInt32(size[2]) << 8 | UInt32(size[3]))
            return try socket.readExactly(count, deadline: .now + .seconds(5))
        } catch .closed {
            return nil
        }
    }

    static func connects(host: String, port: Int) throws -> Bool {
        let address = try #require(try SocketAddress.resolve(host: host, port: port).first)
        guard let socket = try? TCPSocket.connect(to: address, timeout: .seconds(1)) else { return false }
        socket.close()
        return true
    }
}

enum HTTPGet {
    static func text(_ url: String) throws -> String {
        let run = try PythonScript.execute("/usr/bin/curl", ["-sS", "--max-time", "5", url])
        guard run.status == 0 else { throw ProxyBedError("curl \(url): \(run)") }
        return run.stdout
    }
}
