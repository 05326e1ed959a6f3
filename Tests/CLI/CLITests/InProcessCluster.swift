import Foundation
import Glibc
import Synchronization
import KafkaClient
import KafkaProtocol
import KafkaSimulator
import ServerProperties
import Testing

/// Simulated brokers inside the test process, reachable only through `dialer`: node N binds INTERNAL and
/// CONTROLLER on 127.0.0.1 at free ports and advertises INTERNAL as `10.213.77.N:9092`, the address the manifest
/// of ``manifest(name:)`` gives it. `route` changes where one advertised address leads (a refused port, a
/// listener that never answers), the way a dead broker or a black-holing firewall would look from outside,
/// while the broker itself stays registered and is listed by the others.
///
/// No root, no namespaces, no child processes: usable by any suite. Always `defer { cluster.stop() }`.
final class InProcessCluster: Sendable {
    let ids: [Int32]
    let directory: URL
    private let nodes: [BrokerNode]
    private let routes: Mutex<[String: String]>
    private let silentSockets = Mutex<[Int32]>([])

    static func address(_ id: Int32) -> String { "10.213.77.\(id)" }
    static func internalEndpoint(_ id: Int32) -> String { "\(address(id)):9092" }

    init(nodes count: Int32 = 3) throws {
        ids = Array(1...count)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("in-process-kafka-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ports = Self.allocatePorts(2 * ids.count)
        let internalPorts = Array(ports.prefix(ids.count)), controllerPorts = Array(ports.suffix(ids.count))
        var table: [String: String] = [:]
        var started: [BrokerNode] = []
        let voters = ids.map { "\($0)@127.0.0.1:\(controllerPorts[Int($0) - 1])" }.joined(separator: ",")
        for id in ids {
            let i = Int(id) - 1
            table[Self.internalEndpoint(id)] = "127.0.0.1:\(internalPorts[i])"
            let settings = [
                "process.roles": "broker,controller", "node.id": "\(id)", "controller.quorum.voters": voters,
                "listeners": "INTERNAL://127.0.0.1:\(internalPorts[i]),CONTROLLER://127.0.0.1:\(controllerPorts[i])",
                "advertised.listeners": "INTERNAL://\(Self.internalEndpoint(id))",
                "inter.broker.listener.name": "INTERNAL", "controller.listener.names": "CONTROLLER",
                "listener.security.protocol.map": "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs": directory.appendingPathComponent("data-\(id)").path,
                "simulator.topics": "orders:3:3", "simulator.fenced.ms": "50", "simulator.catchup.ms": "50",
                "simulator.heartbeat.ms": "50", "simulator.stale.ms": "2000", "simulator.shutdown.ms": "0",
            ]
            let text = settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: "\n") + "\n"
            let config = try SimulatorConfig(
                file: PropertiesFile(bytes: Array(text.utf8)), clusterDirectory: directory.appendingPathComponent("cluster").path)
            let node = try BrokerNode(config: config, log: SimulatorLog(path: nil, nodeId: id))
            try node.start()
            started.append(node)
        }
        nodes = started
        routes = Mutex(table)
    }

    /// Resolves the advertised addresses through the current routes; anything else is not found.
    var dialer: any Dialer { StaticDialer(routes.withLock { $0 }) }

    /// Broker `id`'s INTERNAL address now refuses connections (nothing listens where it leads).
    func refuseInternal(of id: Int32) throws {
        let port = try Self.freePort()
        routes.withLock { $0[Self.internalEndpoint(id)] = "127.0.0.1:\(port)" }
    }

    /// Broker `id`'s INTERNAL address now accepts connections and never answers (a listener that is stuck).
    func silenceInternal(of id: Int32) throws {
        let (fd, port) = try Self.listeningSocket()
        silentSockets.withLock { $0.append(fd) }
        routes.withLock { $0[Self.internalEndpoint(id)] = "127.0.0.1:\(port)" }
    }

    /// Waits until every broker lists every broker (they start fenced).
    func waitUntilListed(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let client = KafkaClient(host: Self.address(ids[0]), port: 9092, dialer: dialer)
            let listed = (try? await client.metadata(topics: []))?.brokers.count ?? 0
            await client.close()
            if listed == ids.count { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the in-process brokers were not all listed within \(timeout)")
    }

    func stop() {
        for node in nodes { node.shutdown() }
        for fd in silentSockets.withLock({ $0 }) { Glibc.close(fd) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A KafkaCluster manifest for these brokers (INTERNAL only, no exposure), in a new directory.
    func manifest(name: String = "inproc") throws -> URL {
        let dir = directory.appendingPathComponent("manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let brokers = ids.map { "    - {nodeId: \($0), name: node-\($0), address: \(Self.address($0)), zone: \"\($0)\"}" }
        let yaml = """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata:
              name: \(name)
            spec:
              kafkaVersion: "3.7.1"
              clusterId: BRl69zcmTFmiPaoaANybiw
              logDirs: /var/lib/kafka/data
              brokers:
            \(brokers.joined(separator: "\n"))
              ssh: {user: kafka}

            """
        try yaml.write(to: dir.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    private static let nextPort = Mutex(12_000 + Int(getpid() % 150) * 50)

    /// `count` ports free on 127.0.0.1, below the kernel's ephemeral range (32768 and up), so that no client socket
    /// of a parallel test can take one between this check and the brokers' bind.
    static func allocatePorts(_ count: Int) -> [Int] {
        var ports: [Int] = []
        while ports.count < count {
            let port = nextPort.withLock { value -> Int in
                defer { value = value + 1 >= 19_500 ? 12_000 : value + 1 }
                return value
            }
            if isFree(port) { ports.append(port) }
        }
        return ports
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A loopback port nobody listens on (bound, then closed).
    static func freePort() throws -> Int {
        let (fd, port) = try listeningSocket()
        Glibc.close(fd)
        return port
    }

    /// A socket listening on 127.0.0.1 at an ephemeral port; the kernel completes handshakes, nobody accepts.
    static func listeningSocket() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard fd >= 0, ok else { throw POSIXError(.EADDRNOTAVAIL) }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
