import Foundation
import Synchronization
import KafkaClient
import KafkaProtocol
import KafkaProxy
import KafkaSimulator
import ServerProperties
import Testing
import TestSupport

/// Simulated brokers and the kafka-proxy stand-in in the test process, on loopback addresses of their own
/// (`127.A.B.x`, random per bed, so beds never share a port): broker N listens and advertises INTERNAL at
/// `127.A.B.N:9092`, the proxy listens at `127.A.B.100`, static ports from 9092, dynamic ones after them, HTTP on 9080.
/// No root, no child processes. Always `defer { bed.stop() }`.
final class ProxyBed: Sendable {
    let prefix: String
    let brokerCount: Int
    let directory: URL
    let nodes: [BrokerNode]
    let cluster: InProcessCluster
    let proxy: KafkaProxyServer
    let logLines = LogLines()

    var proxyHost: String { "\(prefix)100" }
    func brokerHost(_ id: Int) -> String { "\(prefix)\(id)" }

    /// `brokers` brokers of Kafka `version`; the first `mapped` get static mappings (listen 9092 + i, advertised
    /// as listened), the rest are found dynamically from port 9092 + mapped, advertised as `dynamicName` (or the
    /// proxy's address).
    init(brokers: Int = 3, mapped: Int? = nil, version: String = "3.7.1", dynamicName: String? = nil, adjust: (inout ProxyConfiguration) -> Void = { _ in }) throws {
        brokerCount = brokers
        let prefix = "127.\(Int.random(in: 100...250)).\(Int.random(in: 1...250))."
        self.prefix = prefix
        cluster = try InProcessCluster(prefix: prefix, brokers: brokers, version: version)
        directory = cluster.directory
        let started = cluster.nodes
        nodes = started
        var configuration = ProxyConfiguration()
        let host = "\(prefix)100"
        let staticCount = mapped ?? brokers
        configuration.bootstrapMappings = (0..<staticCount).map { i in
            ProxyConfiguration.Mapping(broker: HostPort(host: "\(prefix)\(i + 1)", port: 9092), listen: HostPort(host: host, port: 9092 + i))
        }
        configuration.defaultListenerIP = host
        configuration.dynamicSequentialMinPort = 9092 + staticCount
        configuration.dynamicAdvertisedListener = dynamicName ?? ""
        configuration.httpListenAddress = HostPort(host: host, port: 9080)
        adjust(&configuration)
        let lines = logLines
        proxy = try KafkaProxyServer(configuration: configuration) { lines.append($0) }
        do {
            try proxy.start()
        } catch {
            cluster.stop()
            throw error
        }
    }

    func stop() {
        proxy.stop()
        cluster.stop()
    }

    /// Waits until broker 1 lists every broker (they start fenced).
    func waitUntilListed(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let client = KafkaClient(host: brokerHost(1), port: 9092, options: .init(connectTimeout: .seconds(1), requestTimeout: .seconds(2)))
            let count = (try? await client.metadata(topics: []))?.brokers.count
            await client.close()
            if count == brokerCount { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProxyBedError("the simulated brokers did not all register")
    }

    /// A client of the proxy's port `port` (connections closed by the proxy surface as errors).
    func client(port: Int) -> KafkaClient {
        KafkaClient(host: proxyHost, port: port, options: .init(connectTimeout: .seconds(2), requestTimeout: .seconds(5)))
    }
}

final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

struct ProxyBedError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Real Kafka clients: Debian's kcat (librdkafka) and kafka-python from the project venv.
enum RealClients {
    static let kcat = ["/usr/bin/kcat", "/usr/bin/kafkacat"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// `kcat -L -J -b bootstrap`, parsed: brokers as `id -> host:port`.
    static func kcatBrokers(_ bootstrap: String) throws -> [Int: String] {
        guard let kcat else { throw ProxyBedError("kcat is missing: apt-get install -y kcat (scripts/setup.sh installs it)") }
        let run = try PythonScript.execute(kcat, ["-L", "-J", "-b", bootstrap, "-m", "10"])
        guard run.status == 0, let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
            let brokers = object["brokers"] as? [[String: Any]]
        else { throw ProxyBedError("kcat -L against \(bootstrap): \(run)") }
        return Dictionary(uniqueKeysWithValues: brokers.compactMap { b in (b["id"] as? Int).map { ($0, b["name"] as? String ?? "") } })
    }

    /// kafka-python bootstraps through `bootstrap`, lists the brokers it learnt, then finds the coordinator of a
    /// consumer group (FindCoordinator, negotiated up to v6) and connects to it. JSON: brokers `[[id, host, port]]`,
    /// `coordinator [host, port]` or `error`.
    static func kafkaPython(_ bootstrap: String) throws -> [String: Any] {
        let script = """
            import json, sys
            from kafka import KafkaConsumer
            out = {}
            try:
                c = KafkaConsumer(bootstrap_servers=sys.argv[1], group_id="changefeed", request_timeout_ms=4000,
                                  reconnect_backoff_max_ms=200, retry_backoff_ms=100)
                out["topics"] = sorted(c.topics())
                out["brokers"] = sorted([[b.node_id, b.host, b.port] for b in c._client.cluster.brokers()])
                try:
                    c._coordinator.ensure_coordinator_ready(timeout_ms=3000)
                    node = c._coordinator.coordinator_id
                    b = c._client.cluster.broker_metadata(node)
                    out["coordinator"] = [b.host, b.port]
                except Exception as e:
                    out["error"] = type(e).__name__ + ": " + str(e)
                c.close()
            except Exception as e:
                out["error"] = type(e).__name__ + ": " + str(e)
            print(json.dumps(out))
            """
        let run = try PythonScript.execute(try PythonScript.python(), ["-c", script, bootstrap])
        guard let object = try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any] else {
            throw ProxyBedError("kafka-python through \(bootstrap): \(run)")
        }
        return object
    }
}
