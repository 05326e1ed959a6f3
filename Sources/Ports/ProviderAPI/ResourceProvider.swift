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

    /// Carries out one change of one of `resourceTypes`.
    func apply(_ change: Change) async throws -> ObservedResource?

    /// The capability to roll brokers (`.restartBroker` changes go to it as one roll per cluster, and it predicts
    /// their order); nil for providers that restart nothing.
    var roller: (any BrokerRoller)? { get }
}

extension ResourceProvider {
    /// By default, a provider restarts nothing.
    public var roller: (any BrokerRoller)? { nil }
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
