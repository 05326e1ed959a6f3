public import ReconcileModel

/// Marks that say "the reconciler created this": Azure tags and GCP labels/description. A resource without
/// them is foreign and is never changed or deleted unless the manifest adopts it.
public enum Ownership {
    public static let managedByKey = "managed-by"
    public static let managedByValue = "kafka-private-link-reconciler"
    public static let clusterKey = "reconcile-kafka-cluster"
    public static let exposureKey = "reconcile-kafka-exposure"

    /// The exposure's `deletionPolicy` when the resource was last applied: what a dry-run that finds the resource
    /// in the cloud (without the inventory) goes by once the exposure has left the manifests.
    public static let deletionPolicyKey = "reconcile-kafka-deletion-policy"
    /// `adopted` on a resource the manifests adopted (absent on the ones the reconciler created): found in the
    /// cloud, such a resource is only ever forgotten, never deleted.
    public static let originKey = "reconcile-kafka-origin"
    public static let adoptedOrigin = "adopted"

    public static func azureTags(cluster: String, exposure: String, deletionPolicy: DeletionPolicy) -> Value {
        [
            managedByKey: .string(managedByValue), clusterKey: .string(cluster), exposureKey: .string(exposure),
            deletionPolicyKey: .string(deletionPolicy.rawValue),
        ]
    }

    /// GCP labels (lowercase, at most 63 characters) for resources that support them (instances, forwarding rules).
    /// `deletionPolicy` (lowercase: label values are) is left out of labels that end up in an instance template,
    /// whose content names it: a policy change must not make a new template and recreate the proxy VM.
    public static func gcpLabels(cluster: String, exposure: String, deletionPolicy: DeletionPolicy? = nil, adopted: Bool = false) -> Value {
        var labels: [String: Value] = [
            managedByKey: .string(managedByValue), clusterKey: .string(gcpLabel(cluster)), exposureKey: .string(gcpLabel(exposure)),
        ]
        if let deletionPolicy { labels[deletionPolicyKey] = .string(deletionPolicy.rawValue.lowercased()) }
        if adopted { labels[originKey] = .string(adoptedOrigin) }
        return .object(labels)
    }

    /// GCP resources without labels carry ownership in their description: `managed-by=kafka-private-link-reconciler
    /// cluster=C exposure=E`, and ` origin=adopted` on adopted ones. The deletion policy is not in it: several of
    /// these types (networks, NEGs, instance templates) cannot change their description, so discovery reads the
    /// policy from the labels of the exposure's forwarding rule and instances.
    public static func gcpDescription(cluster: String, exposure: String, adopted: Bool = false) -> String {
        "\(managedByKey)=\(managedByValue) cluster=\(cluster) exposure=\(exposure)" + (adopted ? " origin=\(adoptedOrigin)" : "")
    }

    static func gcpLabel(_ s: String) -> String { String(s.lowercased().prefix(63)) }
}

/// Short names for the type names defined in `ResourceTypes`.
typealias AzureTypes = ResourceTypes.Azure
typealias GcpTypes = ResourceTypes.Gcp
