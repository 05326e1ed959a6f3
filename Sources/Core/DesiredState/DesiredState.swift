public import Manifests
public import ReconcileModel
import ServerProperties

/// Everything the manifests want, expanded: per-broker `server.properties` settings and per-exposure cloud
/// resource graphs. Pure: computed from a `ManifestSet` alone.
public struct DesiredState: Sendable {
    /// Every resource, sorted by address.
    public var resources: [ResourceSpec]
    /// Rendered settings by cluster and node id, in the order a fresh file lists them.
    public var brokerConfigs: [String: [Int: BrokerProperties]]
    /// Conflicts found while expanding (e.g. two exposures declaring the same cloud resource).
    public var diagnostics: [Diagnostic]

    public func resources(of cluster: String) -> [ResourceSpec] { resources.filter { $0.address.cluster == cluster } }

    public func resource(_ address: ResourceAddress) -> ResourceSpec? { resources.first { $0.address == address } }
}

/// Ordered `server.properties` settings of one broker.
public struct BrokerProperties: Sendable, Hashable {
    public var entries: [(key: String, value: String)]

    public init(_ entries: [(key: String, value: String)]) { self.entries = entries }

    public subscript(key: String) -> String? { entries.last { $0.key == key }?.value }

    /// The settings as a fresh `server.properties` (escaped so `java.util.Properties` reads back exactly these
    /// strings; `:` and `=` stay unescaped in values, unlike `Properties.store`).
    public var fileText: String { entries.map { PropertiesText.line(key: $0.key, value: $0.value) + "\n" }.joined() }

    public var value: Value { .object(Dictionary(entries.map { ($0.key, Value.string($0.value)) }, uniquingKeysWith: { _, b in b })) }

    public static func == (a: BrokerProperties, b: BrokerProperties) -> Bool {
        a.entries.map { "\($0.key)=\($0.value)" } == b.entries.map { "\($0.key)=\($0.value)" }
    }

    public func hash(into h: inout Hasher) { for e in entries { h.combine(e.key); h.combine(e.value) } }
}

public enum DesiredStateCompiler {
    /// Expands a validated manifest set. Call only when loading reported no errors.
    ///
    /// `facts` are what was read from the clusters `ManifestSet.clustersNeedingFacts` names (by cluster name); a
    /// kafka-proxy exposure without them gets an `unresolved` template (a problem in the plan).
    public static func compile(_ set: ManifestSet, facts: [String: ClusterFacts] = [:]) -> DesiredState {
        var builder = GraphBuilder()
        var configs: [String: [Int: BrokerProperties]] = [:]
        for cluster in set.clusters.sorted(by: { $0.name.value < $1.name.value }) {
            let exposures = set.exposures(of: cluster.name.value)
            var perBroker: [Int: BrokerProperties] = [:]
            // A cluster fronted only by kafka-proxy is not reconfigured: no broker files are managed.
            for broker in cluster.brokers where !set.isProxiedOnly(cluster.name.value) {
                let props = BrokerConfigRenderer.render(cluster: cluster, broker: broker, exposures: exposures)
                perBroker[broker.nodeID.value] = props
                builder.brokerConfigs.append((cluster, broker, props))
            }
            configs[cluster.name.value] = perBroker
        }
        for azure in set.azureExposures.sorted(by: { $0.common.name.value < $1.common.name.value }) {
            guard let cluster = set.cluster(named: azure.common.cluster.value) else { continue }
            AzureGraph(exposure: azure, cluster: cluster).build(into: &builder)
        }
        let gcp = set.gcpExposures.sorted { $0.common.name.value < $1.common.name.value }
        for exposure in gcp where exposure.attachTo == nil {
            guard let cluster = set.cluster(named: exposure.common.cluster.value) else { continue }
            let attached = gcp.filter { $0.attachTo?.value == exposure.common.name.value }
            if exposure.mode == .kafkaProxy {
                KafkaProxyGraph(exposure: exposure, cluster: cluster, facts: facts[cluster.name.value]).build(into: &builder)
            } else {
                GcpPortMappingGraph(exposure: exposure, attached: attached, cluster: cluster).build(into: &builder)
            }
        }
        var state = builder.finish()
        state.brokerConfigs = configs
        return state
    }
}
