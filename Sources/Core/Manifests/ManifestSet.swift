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
}

/// The result of a load: what could be decoded plus every problem found. Callers must not act on `manifests`
/// when `diagnostics.hasErrors`.
public struct ManifestLoad: Sendable {
    public var manifests: ManifestSet
    public var diagnostics: [Diagnostic]
}
