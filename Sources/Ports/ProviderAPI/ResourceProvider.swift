public import ReconcileModel

/// Reads and changes one family of real resources (Azure ARM, GCP Compute, broker files over SSH).
///
/// Contract:
/// - `observe` never mutates anything, anywhere. It is safe under `--dry-run` and may run concurrently.
///   An address that cannot be read is returned as `ObservedResource.failed`, so one unreachable broker does
///   not hide the others; throwing means the whole provider could not be observed.
/// - `apply` is idempotent: applying a change that already took effect succeeds without a second effect
///   (create does not fail on "already exists" when the existing resource is ours; delete does not fail on
///   "missing"). It returns the resource as it stands afterwards, or nil after a delete or forget.
/// - Both honour task cancellation between remote calls.
public protocol ResourceProvider: Sendable {
    /// The resource types (`ResourceAddress.type`) this provider owns, e.g. `azure.loadBalancer`.
    var resourceTypes: Set<String> { get }

    /// The current state of every wanted address and of every inventory entry of these types.
    /// Absent resources are simply left out of the result.
    func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource]

    /// The resources of `clusters` that carry the reconciler's ownership marks, wherever this provider can look
    /// (Azure: the subscriptions the manifests and the inventory name; GCP: their projects), except those whose
    /// cloud id an inventory entry already holds. Resources whose marks say they were released (deletionPolicy
    /// Orphan) are never returned. Reads only. Throws when the cloud cannot be listed; the pass then plans from
    /// the inventory alone and says so.
    func discover(clusters: Set<String>, desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [DiscoveredResource]

    /// Carries out one change of one of `resourceTypes`.
    func apply(_ change: Change) async throws -> ObservedResource?

    /// The capability to roll brokers (`.restartBroker` changes go to it as one roll per cluster, and it predicts
    /// their order); nil for providers that restart nothing.
    var roller: (any BrokerRoller)? { get }

    /// Starts, in the background, what this provider's first request of a pass waits for (an access token), so it
    /// is under way while the pass still compiles the desired state and reads its state. Called at the start of a
    /// pass whose manifests declare resources of the provider's family, before `observe`. Returns at once, never mutates anything anywhere (a token request is a read) and never
    /// fails: what goes wrong is met again, and reported, by the `observe` or `discover` that needs it.
    func prepare()
}

extension ResourceProvider {
    /// By default, a provider finds nothing beyond the inventory (broker files are found through the manifests).
    public func discover(clusters: Set<String>, desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [DiscoveredResource] { [] }

    /// By default, a provider restarts nothing.
    public var roller: (any BrokerRoller)? { nil }

    /// By default, nothing to start early.
    public func prepare() {}
}

/// Errors carry a retry class so callers know whether trying again can help.
public struct ProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Transient: throttled, timed out, 5xx, connection dropped. Retrying later may succeed.
        case retryable
        /// Will not succeed without a change by a person (bad request, permission, foreign resource in the way).
        case terminal
    }

    public var kind: Kind
    public var address: ResourceAddress?
    public var message: String
    /// A few words for places that repeat the failure per address while `message` is shown once (a provider
    /// that cannot observe anything: "Azure credentials unavailable"); nil when there is none.
    public var summary: String?

    public init(_ kind: Kind, address: ResourceAddress? = nil, _ message: String, summary: String? = nil) {
        self.kind = kind
        self.address = address
        self.message = message
        self.summary = summary
    }

    public var description: String { message }
}

/// A resource found in the cloud by the reconciler's ownership marks (tags, labels), with what the marks say:
/// what lets a pass on a machine without the inventory (a CI runner) plan the same deletes and forgets.
public struct DiscoveredResource: Sendable, Hashable {
    public var address: ResourceAddress
    public var cloudID: String
    /// What was observed of it when it was found (its GET), as `observe` reports an inventory entry: the pass
    /// need not ask again. Nil when the provider leaves that to `observe`.
    public var observed: ObservedResource?
    /// `.adopted` when the marks say the manifests adopted it (it is then only ever forgotten).
    public var origin: Inventory.Entry.Origin
    /// The exposure its marks name.
    public var exposure: String
    /// The exposure's deletion policy when it was last applied; nil when the marks do not say (a resource marked
    /// before the policy was), which the engine treats as Orphan: never deleted on a guess.
    public var deletionPolicy: DeletionPolicy?
    /// Cloud ids it refers to (its container, subnet, security group, NICs, load balancer frontend): the engine
    /// turns those of managed resources into the entry's dependencies, which order deletes.
    public var references: [String]

    public init(
        address: ResourceAddress, cloudID: String, observed: ObservedResource? = nil, origin: Inventory.Entry.Origin, exposure: String,
        deletionPolicy: DeletionPolicy?, references: [String] = []
    ) {
        self.address = address
        self.cloudID = cloudID
        self.observed = observed
        self.origin = origin
        self.exposure = exposure
        self.deletionPolicy = deletionPolicy
        self.references = references
    }
}
