public import Foundation
import ServerProperties
import Synchronization

/// A simulated KRaft cluster inside the calling process (tests and sandboxes that need no child processes): broker N
/// listens INTERNAL on `<prefix>N:9092` (the first three also CONTROLLER on 29092, as the quorum) and advertises
/// INTERNAL as `advertisedHost(N):9092` (its own address unless told otherwise, e.g. a private address a dialer maps
/// back), topic `orders` (3 partitions, RF 3), fast fencing. Brokers may be added later (`add`). Always `stop()`.
public final class InProcessCluster: Sendable {
    public let prefix: String
    public let directory: URL
    public let version: String
    private let advertisedHost: @Sendable (Int) -> String
    private let running = Mutex<[Int: BrokerNode]>([:])

    public init(prefix: String, brokers: Int, version: String = "3.7.1", advertisedHost: (@Sendable (Int) -> String)? = nil) throws {
        self.prefix = prefix
        self.version = version
        self.advertisedHost = advertisedHost ?? { "\(prefix)\($0)" }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sim-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            for id in 1...brokers { try add(id) }
        } catch {
            stop()
            throw error
        }
    }

    public func host(_ id: Int) -> String { "\(prefix)\(id)" }
    public var ids: [Int] { running.withLock { $0.keys.sorted() } }
    public var nodes: [BrokerNode] { running.withLock { d in d.keys.sorted().map { d[$0]! } } }

    /// Starts broker `id` (a controller when `id` ≤ 3).
    public func add(_ id: Int) throws {
        let controller = id <= 3
        let voters = (1...3).map { "\($0)@\(prefix)\($0):29092" }.joined(separator: ",")
        let settings = [
            "process.roles": controller ? "broker,controller" : "broker", "node.id": "\(id)", "controller.quorum.voters": voters,
            "listeners": controller ? "INTERNAL://\(prefix)\(id):9092,CONTROLLER://\(prefix)\(id):29092" : "INTERNAL://\(prefix)\(id):9092",
            "advertised.listeners": "INTERNAL://\(advertisedHost(id)):9092",
            "inter.broker.listener.name": "INTERNAL", "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map": "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": directory.appendingPathComponent("data-\(id)").path, "simulator.kafka.version": version,
            "simulator.topics": "orders:3:3", "simulator.fenced.ms": "50", "simulator.catchup.ms": "50",
            "simulator.heartbeat.ms": "50", "simulator.stale.ms": "2000", "simulator.shutdown.ms": "0",
        ]
        let text = settings.keys.sorted().map { "\($0)=\(settings[$0]!)" }.joined(separator: "\n") + "\n"
        let config = try SimulatorConfig(
            file: PropertiesFile(bytes: Array(text.utf8)), clusterDirectory: directory.appendingPathComponent("cluster").path)
        let node = try BrokerNode(config: config, log: SimulatorLog(path: nil, nodeId: Int32(id)))
        try node.start()
        running.withLock { $0[id] = node }
    }

    /// Stops every broker and removes the cluster's files.
    public func stop() {
        let nodes = running.withLock { d in
            defer { d = [:] }
            return Array(d.values)
        }
        nodes.forEach { $0.shutdown() }
        try? FileManager.default.removeItem(at: directory)
    }
}
