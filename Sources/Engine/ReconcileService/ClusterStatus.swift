public import Foundation
public import ReconcileModel

/// What `reconcile serve` reports for one cluster (the API's `GET /api/v1/clusters/{name}`), with conditions named as
/// Flux and Kubernetes name them.
public struct ClusterStatus: Sendable, Hashable, Codable {
    public struct Condition: Sendable, Hashable, Codable {
        /// `Ready`, `Reconciling`, `Stalled`, `Suspended`, `WaitingForWindow`.
        public var type: String
        public var status: Bool
        public var reason: String
        public var message: String
    }

    public var name: String
    /// The revision of the manifests the last pass used.
    public var revision: String?
    public var lastPassStarted: Date?
    public var lastPassFinished: Date?
    /// `succeeded`, `failed`, `held` (applied what it could; some changes are held), or nil before the first pass.
    public var result: String?
    public var lastError: String?
    public var conditions: [Condition] = []
    /// Changes of the last plan not applied (held by policy or window, failed, skipped), by disruption class
    /// (`none`, `broker_restart`, `consumer_visible`, `data_loss`).
    public var held: [String: Int] = [:]
    public var drifted: Int = 0
    public var nextPass: Date?
    /// Suspended through the API.
    public var suspended = false
    /// `spec.reconcile.suspend` in the manifests (the pass runs and reports; every change is held).
    public var suspendedByManifest = false
    /// Why the last pass stopped a roll between brokers (a window closed, the service stopped), if it did.
    public var interruptedRoll: String?
    public var lastPassID: String?
    /// When a pass last ended with nothing failed and nothing held.
    public var lastSuccess: Date?
    public var passes = 0
    /// With several replicas: the replica leading this cluster (this one or another), nil when unknown.
    public var leader: String?
    /// Whether this replica leads it (always, with one replica).
    public var leading = true
    /// The last plan (the same schema as `--output json` when rendered).
    public var plan: Plan?

    public init(name: String) { self.name = name }
}
