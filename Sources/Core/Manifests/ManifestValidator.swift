import ReconcileModel

/// Checks that span documents: names, references, broker ids, listeners and ports. Network and zone checks
/// live in `ManifestValidator+Network.swift`.
struct ManifestValidator {
    let sink: DiagnosticSink

    /// `server.properties` keys the reconciler renders itself; `spec.settings` may not set them.
    static let managedKeys: Set<String> = [
        "process.roles", "node.id", "controller.quorum.voters", "listeners", "inter.broker.listener.name",
        "advertised.listeners", "controller.listener.names", "listener.security.protocol.map", "log.dirs",
        "broker.id",
    ]

    func validate(_ set: inout ManifestSet) {
        uniqueNames(set)
        for cluster in set.clusters {
            validateCluster(cluster)
            if !cluster.ssh.declared, !set.isProxiedOnly(cluster.name.value) {
                sink.error(cluster.source, "spec.ssh", "missing required field `ssh`: the reconciler writes the brokers' server.properties over SSH (only a cluster exposed solely through kafka-proxy needs none)")
            }
        }
        for exposure in set.exposures { validateExposure(exposure, in: set) }
        for cluster in set.clusters { validateListeners(of: cluster, in: set) }
        validateAttachments(set)
        for e in set.gcpExposures where e.mode == .kafkaProxy {
            // kafka-proxy v0.3.11 handles brokers up to 3.7.x (the observed versions are checked again when planning).
            if let cluster = set.cluster(named: e.common.cluster.value), cluster.kafkaVersion.value >= KafkaVersion(3, 8, 0) {
                sink.error(cluster.kafkaVersion.location, cluster.kafkaVersion.path,
                           "kafkaVersion \(cluster.kafkaVersion.value) is too new for exposure `\(e.common.name.value)`: kafka-proxy \(e.kafkaProxy?.version ?? "v0.3.11") handles brokers up to Kafka 3.7.x only; run 3.7.x (3.7.2 is the last), or use `mode: portMapping`")
            }
        }
        validatePortSharing(set)
        validateNetworks(set)
    }

    private func uniqueNames(_ set: ManifestSet) {
        var clusters: [String: SourceLocation] = [:]
        for c in set.clusters {
            if let first = clusters[c.name.value] {
                sink.error(c.name.location, c.name.path, "duplicate KafkaCluster name `\(c.name.value)` (first defined at \(first))")
            } else { clusters[c.name.value] = c.name.location }
        }
        var exposures: [String: SourceLocation] = [:]
        for e in set.azureExposures.map(\.common) + set.gcpExposures.map(\.common) {
            if let first = exposures[e.name.value] {
                sink.error(e.name.location, e.name.path, "duplicate exposure name `\(e.name.value)` (first defined at \(first))")
            } else { exposures[e.name.value] = e.name.location }
        }
    }

    private func validateCluster(_ c: KafkaClusterManifest) {
        if c.controllerIDs.isEmpty {
            sink.error(c.source, "spec.brokers", "no broker has the `controller` role; a KRaft cluster needs at least one controller (three for a quorum that survives a restart)")
        }
        if c.internalListener.name == c.controllerListener.name {
            sink.error(c.controllerListener.port.location, "spec.listeners.controller.name", "the controller listener needs its own name, not `\(c.internalListener.name)`")
        }
    }

    private func validateExposure(_ e: ExposureCommon, in set: ManifestSet) {
        guard let cluster = set.cluster(named: e.cluster.value) else {
            let names = set.clusters.map(\.name.value)
            sink.error(e.cluster.location, e.cluster.path, "no KafkaCluster named `\(e.cluster.value)`\(Suggestion.hint(for: e.cluster.value, in: names))")
            return
        }
        for (id, port) in e.brokerPorts where cluster.broker(id) == nil {
            sink.error(port.location, port.path, "cluster `\(cluster.name.value)` has no broker with node id \(id)")
        }
        let isProxy = set.gcpExposures.contains { $0.common.name == e.name && $0.mode == .kafkaProxy }
        guard !isProxy else { return }
        if e.externalPortStart == nil && cluster.brokers.contains(where: { e.brokerPorts[$0.nodeID.value] == nil }) {
            sink.error(e.source, "spec.externalPorts.start", "missing required field `externalPorts.start` (the first advertised port, e.g. 9093)")
            return
        }
        let ports = ExposurePorts.assign(e, cluster: cluster)
        var seen: [Int: Int] = [:]
        for (id, port) in ports.sorted(by: { $0.key < $1.key }) {
            let where_ = e.brokerPorts[id] ?? e.externalPortStart!
            if port > 65535 {
                sink.error(where_.location, where_.path, "broker \(id) would get port \(port), beyond 65535")
            }
            if let other = seen[port] {
                sink.error(where_.location, where_.path, "brokers \(other) and \(id) would both be advertised on port \(port); each broker needs its own port")
            }
            seen[port] = id
        }
    }

    private func validateListeners(of cluster: KafkaClusterManifest, in set: ManifestSet) {
        var names: [String: String] = [cluster.internalListener.name: "spec.listeners.internal", cluster.controllerListener.name: "spec.listeners.controller"]
        var ports: [Int: String] = [cluster.internalListener.port.value: "the \(cluster.internalListener.name) listener"]
        if cluster.controllerListener.port.value == cluster.internalListener.port.value {
            sink.error(cluster.controllerListener.port.location, cluster.controllerListener.port.path, "port \(cluster.controllerListener.port.value) is already used by the \(cluster.internalListener.name) listener; each listener must have a different port")
        }
        ports[cluster.controllerListener.port.value] = "the \(cluster.controllerListener.name) listener"
        for e in set.exposures(of: cluster.name.value) {
            guard let name = e.listenerName, let port = e.listenerPort else { continue }
            if let owner = names[name.value] {
                sink.error(name.location, name.path, "listener name `\(name.value)` is already used by \(owner); each exposure needs its own listener (EXTERNAL, EXTERNAL2, ...)")
            }
            names[name.value] = "exposure `\(e.name.value)`"
            if let owner = ports[port.value] {
                sink.error(port.location, port.path, "port \(port.value) is already used by \(owner); Kafka requires a different port per listener")
            }
            ports[port.value] = "the \(name.value) listener of exposure `\(e.name.value)`"
        }
    }

    private func validateAttachments(_ set: ManifestSet) {
        for g in set.gcpExposures {
            guard let target = g.attachTo else { continue }
            guard let host = set.gcpExposures.first(where: { $0.common.name.value == target.value }) else {
                sink.error(target.location, target.path, "no GcpPrivateServiceConnectExposure named `\(target.value)`\(Suggestion.hint(for: target.value, in: set.gcpExposures.map(\.common.name.value)))")
                continue
            }
            if host.mode != .portMapping || host.attachTo != nil || g.mode != .portMapping {
                sink.error(target.location, target.path, "`attachTo` needs two portMapping exposures, and the target must own its load balancer (no chains)")
            }
            if host.common.cluster.value != g.common.cluster.value || host.project.value != g.project.value || host.region.value != g.region.value {
                sink.error(target.location, target.path, "`\(target.value)` exposes cluster `\(host.common.cluster.value)` in \(host.project.value)/\(host.region.value); an attached exposure must use the same cluster, project and region")
            }
        }
    }

    /// Two exposures behind one load balancer (GCP `attachTo`, or two Azure exposures naming the same LB) share
    /// its frontend ports, so their advertised ports must not overlap.
    private func validatePortSharing(_ set: ManifestSet) {
        var groups: [String: [ExposureCommon]] = [:]
        for a in set.azureExposures {
            groups["azure/\(a.subscriptionID.value)/\(a.resourceGroup.value.lowercased())/\(a.loadBalancer.name.lowercased())", default: []].append(a.common)
        }
        for g in set.gcpExposures where g.mode == .portMapping {
            groups["gcp/\(g.attachTo?.value ?? g.common.name.value)", default: []].append(g.common)
        }
        for (_, members) in groups.sorted(by: { $0.key < $1.key }) where members.count > 1 {
            var used: [Int: String] = [:]
            for e in members {
                guard let cluster = set.cluster(named: e.cluster.value), e.externalPortStart != nil || !e.brokerPorts.isEmpty else { continue }
                for (_, port) in ExposurePorts.assign(e, cluster: cluster).sorted(by: { $0.key < $1.key }) {
                    if let other = used[port], other != e.name.value {
                        let at = e.externalPortStart ?? e.brokerPorts.values.first!
                        sink.error(at.location, at.path, "advertised port \(port) overlaps exposure `\(other)`, which shares this load balancer; the ranges must not overlap")
                        break
                    }
                    used[port] = e.name.value
                }
            }
        }
    }
}

/// Advertised (load-balancer) port of each broker for one exposure: explicit `externalPorts.brokers` entries,
/// else `externalPorts.start` plus the broker's rank in node-id order.
public enum ExposurePorts {
    public static func assign(_ e: ExposureCommon, cluster: KafkaClusterManifest) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for (rank, id) in cluster.brokers.map(\.nodeID.value).sorted().enumerated() {
            if let explicit = e.brokerPorts[id] { out[id] = explicit.value }
            else if let start = e.externalPortStart { out[id] = start.value + rank }
        }
        return out
    }
}
