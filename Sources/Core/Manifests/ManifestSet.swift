public import ReconcileModel

/// Everything loaded from a manifests directory, already cross-checked.
public struct ManifestSet: Sendable {
    public var clusters: [KafkaClusterManifest] = []
    public var azureExposures: [AzureExposureManifest] = []
    public var gcpExposures: [GcpExposureManifest] = []
    /// Files read, in load order (sorted paths).
    public var files: [String] = []

    public init() {}

    public func cluster(named name: String) -> KafkaClusterManifest? { clusters.first { $0.name.value == name } }

    /// Every exposure's common part, Azure first then GCP, each in name order.
    public var exposures: [ExposureCommon] {
        (azureExposures.map(\.common) + gcpExposures.map(\.common)).sorted { $0.name.value < $1.name.value }
    }

    public func exposures(of cluster: String) -> [ExposureCommon] {
        exposures.filter { $0.cluster.value == cluster }
    }

    /// Whether `cluster` is exposed, and only through kafka-proxy: its brokers are then not the reconciler's to
    /// configure (no `server.properties` is managed, no SSH needed); only their advertised addresses are read.
    public func isProxiedOnly(_ cluster: String) -> Bool {
        let all = exposures(of: cluster)
        let proxied = gcpExposures.filter { $0.common.cluster.value == cluster && $0.mode == .kafkaProxy }
        return !all.isEmpty && proxied.count == all.count
    }

    /// The clusters some kafka-proxy exposure fronts: their advertised INTERNAL addresses are read (`ClusterFacts`)
    /// before the desired state is derived.
    public var clustersNeedingFacts: [KafkaClusterManifest] {
        let names = Set(gcpExposures.filter { $0.mode == .kafkaProxy && $0.attachTo == nil }.map(\.common.cluster.value))
        return clusters.filter { names.contains($0.name.value) }.sorted { $0.name.value < $1.name.value }
    }
}

/// The result of a load: what could be decoded plus every problem found. Callers must not act on `manifests`
/// when `diagnostics.hasErrors`.
public struct ManifestLoad: Sendable {
    public var manifests: ManifestSet
    public var diagnostics: [Diagnostic]
}
