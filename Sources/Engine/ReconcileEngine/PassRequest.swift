public import Manifests
public import ReconcileModel
public import ProviderAPI

/// What one pass is asked to do: the loaded manifests (the caller reports their load diagnostics), whether to
/// apply, and the operator's narrowing and confirmations.
public struct PassRequest: Sendable {
    public enum Mode: Sendable, Hashable {
        /// Observe and plan; take no lock, write nothing, change nothing anywhere.
        case dryRun
        /// Observe, plan and apply under each cluster's lock.
        case apply
    }

    public var manifests: ManifestSet
    public var mode: Mode
    /// `--target` selectors (`ResourceAddress.matches(selector:)`); empty plans everything.
    public var targets: [String]
    /// `--allow-destroy` selectors: the one-run confirmation for deleting or replacing protected resources.
    public var allowDestroy: [String]
    /// Hold changes as each cluster's `spec.reconcile` says (apply policy, suspend, maintenance windows), at the
    /// reconciler's `now`. On by default: the policy is part of the reviewed manifests.
    public var honourPolicy = true
    /// Asked before each broker of a roll goes down: a reason stops the roll there (the broker before it has
    /// finished; the rest resume in a later pass). The service says so when it shuts down. With `honourPolicy`,
    /// the reconciler also stops a roll whose cluster's maintenance window has closed meanwhile.
    public var beforeRestart: (@Sendable (Change) async -> String?)?
    /// The manifests' revision (`main@sha1:...`), recorded in the journal's entries.
    public var revision: String?
    /// Locks the caller already holds and keeps after the pass, by cluster (a `serve` replica's leadership): the
    /// pass neither takes nor releases them, and confirms them before every step as its own.
    public var heldLocks: [String: LockInfo] = [:]

    public init(manifests: ManifestSet, mode: Mode, targets: [String] = [], allowDestroy: [String] = []) {
        self.manifests = manifests
        self.mode = mode
        self.targets = targets
        self.allowDestroy = allowDestroy
    }
}
