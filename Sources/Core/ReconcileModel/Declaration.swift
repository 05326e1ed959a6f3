/// What happens to a managed resource when it leaves the manifests, modelled on Crossplane's `deletionPolicy`.
public enum DeletionPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// The default: the resource is forgotten and keeps running; its ownership tags are marked as released, so
    /// a later manifest must adopt it explicitly.
    case orphan = "Orphan"
    /// The resource is deleted. A protected one (see `Disruption.isProtected`) still needs `--allow-destroy`.
    case delete = "Delete"
}

/// Where a managed resource comes from in the manifests: the exposure that declares it, the manifest field
/// whose value makes it exist (`spec.vms.mode`, `spec.resourceGroup`), where that was, and the exposure's
/// deletion policy. Kept in the inventory, so a plan can still explain a resource whose manifest is gone.
public struct Declaration: Sendable, Hashable, Codable {
    /// The exposure's `metadata.name`; empty for cluster-level resources (broker files).
    public var exposure: String
    /// The manifest field path that makes the resource exist.
    public var field: String
    /// Where that field (or, when it was left to its default, the exposure document) was written.
    public var location: SourceLocation?
    public var deletionPolicy: DeletionPolicy

    public init(exposure: String, field: String, location: SourceLocation? = nil, deletionPolicy: DeletionPolicy = .orphan) {
        self.exposure = exposure
        self.field = field
        self.location = location
        self.deletionPolicy = deletionPolicy
    }
}

/// One exposure as the manifests declare it now, for explaining removals: its deletion policy and where each
/// field that makes resources exist is written (a field left to its default maps to the document).
public struct ExposureDeclaration: Sendable, Hashable {
    public var name: String
    public var cluster: String
    public var deletionPolicy: DeletionPolicy
    /// Where `deletionPolicy` is written, or the document when it is the default.
    public var policyLocation: SourceLocation
    /// The document (`kind:` line).
    public var source: SourceLocation
    /// Field path -> where it is written.
    public var fields: [String: SourceLocation]

    public init(
        name: String, cluster: String, deletionPolicy: DeletionPolicy, policyLocation: SourceLocation, source: SourceLocation,
        fields: [String: SourceLocation] = [:]
    ) {
        self.name = name
        self.cluster = cluster
        self.deletionPolicy = deletionPolicy
        self.policyLocation = policyLocation
        self.source = source
        self.fields = fields
    }

    /// Where `field` is written, else the document.
    public func location(of field: String) -> SourceLocation { fields[field] ?? source }
}
