public import ReconcileModel

/// Marks that say "the reconciler created this": Azure tags and GCP labels/description. A resource without
/// them is foreign and is never changed or deleted unless the manifest adopts it.
public enum Ownership {
    public static let managedByKey = "managed-by"
    public static let managedByValue = "kafka-private-link-reconciler"
    public static let clusterKey = "reconcile-kafka-cluster"
    public static let exposureKey = "reconcile-kafka-exposure"

    public static func azureTags(cluster: String, exposure: String) -> Value {
        [managedByKey: .string(managedByValue), clusterKey: .string(cluster), exposureKey: .string(exposure)]
    }

    /// GCP labels (lowercase, at most 63 characters) for resources that support them.
    public static func gcpLabels(cluster: String, exposure: String) -> Value {
        [managedByKey: .string(managedByValue), clusterKey: .string(gcpLabel(cluster)), exposureKey: .string(gcpLabel(exposure))]
    }

    /// GCP resources without labels carry ownership in their description.
    public static func gcpDescription(cluster: String, exposure: String) -> String {
        "\(managedByKey)=\(managedByValue) cluster=\(cluster) exposure=\(exposure)"
    }

    static func gcpLabel(_ s: String) -> String { String(s.lowercased().prefix(63)) }
}

/// Short names for the type names defined in `ResourceTypes`.
typealias AzureTypes = ResourceTypes.Azure
typealias GcpTypes = ResourceTypes.Gcp
