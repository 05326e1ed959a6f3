public import ReconcileModel

/// Everything the planner looks at. Built by the caller from the manifests, one observation pass, the
/// inventories and the journal; the planner itself reads nothing else (no clock, no files, no network).
public struct PlanInput: Sendable, Hashable {
    /// What the manifests declare.
    public var desired: [ResourceSpec]
    /// What the providers saw. An absent key means the resource does not exist.
    public var observed: [ResourceAddress: ObservedResource]
    /// What the reconciler manages, by cluster name: the only basis on which anything is ever deleted.
    public var inventories: [String: Inventory]
    /// Brokers whose config was written but whose restart did not finish (from the journal); the value is
    /// the fingerprint of the written config.
    public var pendingRestarts: [ResourceAddress: String?]
    /// `--target` selectors (`ResourceAddress.matches(selector:)`); empty plans everything.
    public var targets: [String]

    public init(
        desired: [ResourceSpec] = [],
        observed: [ResourceAddress: ObservedResource] = [:],
        inventories: [String: Inventory] = [:],
        pendingRestarts: [ResourceAddress: String?] = [:],
        targets: [String] = []
    ) {
        self.desired = desired
        self.observed = observed
        self.inventories = inventories
        self.pendingRestarts = pendingRestarts
        self.targets = targets
    }

    /// Convenience for callers holding the providers' observation lists: later duplicates win.
    public init(
        desired: [ResourceSpec],
        observedList: [ObservedResource],
        inventories: [Inventory],
        pendingRestarts: [ResourceAddress: String?] = [:],
        targets: [String] = []
    ) {
        self.init(
            desired: desired,
            observed: Dictionary(observedList.map { ($0.address, $0) }, uniquingKeysWith: { _, last in last }),
            inventories: Dictionary(inventories.map { ($0.cluster, $0) }, uniquingKeysWith: { _, last in last }),
            pendingRestarts: pendingRestarts,
            targets: targets
        )
    }

    /// The inventory entry for an address, looked up in its cluster's inventory.
    func entry(for address: ResourceAddress) -> Inventory.Entry? {
        inventories[address.cluster]?[address]
    }
}
