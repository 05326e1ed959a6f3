public import KafkaClient
import KafkaProtocol
public import RollingRestart

/// Builds a `ClusterHealth` snapshot from Kafka itself, over INTERNAL listeners only (EXTERNAL is read only to
/// check advertised endpoints). Reads never change anything.
public struct HealthReader: Sendable {
    let cluster: RollingCluster
    let dialer: any Dialer
    let options: KafkaConnectionOptions

    public init(cluster: RollingCluster, dialer: any Dialer = SystemDialer(), options: KafkaConnectionOptions = .init(connectTimeout: .seconds(2), requestTimeout: .seconds(5))) {
        self.cluster = cluster
        self.dialer = dialer
        self.options = options
    }

    /// A fresh snapshot. `avoiding` is a node whose own view must not be trusted (the one just restarted):
    /// the broker list and partitions are then fetched from another node.
    public func read(avoiding: Int? = nil) async -> ClusterHealth {
        var errors: [String] = []
        let reachable = await reachableNodes()
        let sources = cluster.brokers.map(\.id).filter { reachable.contains($0) && $0 != avoiding }
        var registered: Set<Int> = []
        var partitions: [PartitionHealth] = []
        var source: Int?
        var minISR: [String: Int] = [:]
        var quorum: QuorumHealth?
        if let from = sources.first, let broker = cluster.broker(from) {
            let client = KafkaClient(host: broker.internalHost, port: broker.internalPort, dialer: dialer, options: options)
            do {
                let metadata = try await client.metadata()
                source = from
                registered = Set(metadata.brokers.map { Int($0.nodeID) })
                for topic in metadata.topics where !topic.isInternal {
                    let name = topic.name ?? "?"
                    for p in topic.partitions {
                        partitions.append(PartitionHealth(
                            topic: name, index: Int(p.index), leaderID: Int(p.leaderID), replicas: p.replicas.map(Int.init),
                            isr: p.isr.map(Int.init), offlineReplicas: p.offlineReplicas.map(Int.init), errorCode: p.errorCode.rawValue))
                    }
                }
                let topics = Set(partitions.map(\.topic)).sorted()
                if !topics.isEmpty {
                    let configs = try await client.describeConfigs(topics.map { .topic($0, keys: ["min.insync.replicas"]) })
                    for result in configs.results where !result.errorCode.isError {
                        if let value = result.configs.first(where: { $0.name == "min.insync.replicas" })?.value, let n = Int(value) {
                            minISR[result.resourceName] = n
                        }
                    }
                }
                let q = try await client.describeQuorum()
                if let part = q.metadataPartition {
                    quorum = QuorumHealth(
                        leaderID: Int(part.leaderID),
                        voters: part.voters.map { VoterState(id: Int($0.replicaID), logEndOffset: $0.logEndOffset, lastCaughtUpTimestamp: $0.lastCaughtUpTimestamp) })
                }
            } catch {
                errors.append("cannot read cluster state from node \(from): \(error)")
            }
            await client.close()
        } else {
            errors.append("no node other than \(avoiding.map(String.init) ?? "-") answers on its INTERNAL listener")
        }
        // Endpoints per exposure listener, through the first node that serves it (before a roll none may:
        // the listener only appears as brokers restart, so not answering is not an observation error).
        var external: [String: [Int: String]] = [:]
        for exposure in cluster.exposures {
            for broker in cluster.brokers where reachable.contains(broker.id) {
                let client = KafkaClient(host: broker.internalHost, port: exposure.listenerPort, dialer: dialer, options: options)
                let metadata = try? await client.metadata(topics: [])
                await client.close()
                guard let metadata else { continue }
                external[exposure.listenerName] = Dictionary(metadata.brokers.map { (Int($0.nodeID), "\($0.host):\($0.port)") }, uniquingKeysWith: { a, _ in a })
                break
            }
        }
        return ClusterHealth(
            registeredBrokers: registered, metadataSource: source, reachable: reachable, partitions: partitions,
            minInsyncReplicas: minISR, quorum: quorum, brokersInRecovery: [], externalEndpoints: external, observationErrors: errors)
    }

    /// Nodes answering ApiVersions on INTERNAL, probed concurrently.
    func reachableNodes() async -> Set<Int> {
        await withTaskGroup(of: Int?.self) { group in
            for broker in cluster.brokers {
                group.addTask {
                    let client = KafkaClient(host: broker.internalHost, port: broker.internalPort, dialer: dialer, options: options)
                    defer { Task { await client.close() } }
                    return (try? await client.apiVersions()) != nil ? broker.id : nil
                }
            }
            var out: Set<Int> = []
            for await id in group { if let id { out.insert(id) } }
            return out
        }
    }
}
