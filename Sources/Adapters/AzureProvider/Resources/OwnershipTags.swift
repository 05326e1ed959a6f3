public import ReconcileModel

/// The tags that say "the reconciler created this" (the same keys as `DesiredState.Ownership`, which this
/// module cannot import). Tag names compare case-insensitively, as ARM treats them; values exactly.
public enum OwnershipTags {
    public static let managedByKey = "managed-by"
    public static let managedByValue = "kafka-private-link-reconciler"
    public static let clusterKey = "reconcile-kafka-cluster"
    /// What discovery reads besides: the exposure, its deletion policy at the last apply, and `adopted` on adopted
    /// resources.
    public static let exposureKey = "reconcile-kafka-exposure"
    public static let deletionPolicyKey = "reconcile-kafka-deletion-policy"
    public static let originKey = "reconcile-kafka-origin"
    public static let adoptedOrigin = "adopted"

    /// Whether `body`'s tags mark it as the reconciler's, for `cluster`.
    public static func isOurs(_ body: Value, cluster: String) -> Bool {
        guard let tags = body["tags"]?.objectValue else { return false }
        func tag(_ name: String) -> String? { tags.first { $0.key.lowercased() == name }?.value.stringValue }
        return tag(managedByKey) == managedByValue && tag(clusterKey) == cluster
    }

    /// Set instead of `managed-by` when the reconciler lets a resource go (deletionPolicy Orphan).
    public static let releasedKey = "released-by"

    /// The tags of a resource the reconciler lets go: `managed-by` removed, `released-by:
    /// kafka-private-link-reconciler` added, every other tag (cluster, exposure, anyone's own) kept.
    public static func released(_ tags: Value?) -> Value {
        var out = tags?.objectValue ?? [:]
        for key in out.keys where key.lowercased() == managedByKey { out.removeValue(forKey: key) }
        out[releasedKey] = .string(managedByValue)
        return .object(out)
    }
}
