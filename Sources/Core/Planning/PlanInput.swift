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
    /// `--allow-destroy` selectors (same syntax as targets): the one-run confirmation that lets a plan delete or
    /// replace a protected resource (`Disruption.isProtected`). Without a match, such a change is a problem.
    public var allowDestroy: [String]
    /// What deleting a resource of each type does (`Declarations.deletionImpact`); unlisted types follow the
    /// disruption recorded for the resource.
    public var deletionImpact: [String: Disruption]
    /// The exposures as the manifests declare them now, by `CLUSTER/EXPOSURE`: their deletion policies and
    /// where their fields are written, to decide and explain what happens to resources that left them.
    public var exposures: [String: ExposureDeclaration]
    /// Each cluster's `kafkaVersion`, for the quorum rule's explanation.
    public var kafkaVersions: [String: String]
    /// Clusters whose restarts are left to the operator (`restart.policy: manual`): restarts are not planned, the
    /// plan warns which brokers need one.
    public var manualRestarts: Set<String> = []
    /// The order each cluster's restarts would take now (the broker provider's prediction from health), by
    /// cluster; clusters without one keep node-id order.
    public var restartOrders: [String: RestartOrder] = [:]

    public init(
        desired: [ResourceSpec] = [],
        observed: [ResourceAddress: ObservedResource] = [:],
        inventories: [String: Inventory] = [:],
        pendingRestarts: [ResourceAddress: String?] = [:],
        targets: [String] = [],
        allowDestroy: [String] = [],
        deletionImpact: [String: Disruption] = [:],
        exposures: [String: ExposureDeclaration] = [:],
        kafkaVersions: [String: String] = [:]
    ) {
        self.desired = desired
        self.observed = observed
        self.inventories = inventories
        self.pendingRestarts = pendingRestarts
        self.targets = targets
        self.allowDestroy = allowDestroy
        self.deletionImpact = deletionImpact
        self.exposures = exposures
        self.kafkaVersions = kafkaVersions
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
