/// What a change does. Rendered as a symbol, like Terraform's.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    case create
    case update
    /// Add new consumer-facing ports while keeping the old ones, before the brokers advertise the new ones;
    /// the `update` that removes the old ones follows the roll (expand-then-contract).
    case expand
    /// Delete then create (a property that cannot change in place changed).
    case replace
    case delete
    /// Stop managing an adopted resource that left the manifests; the resource itself is kept.
    case forget
    /// Write managed keys into a broker's `server.properties` (line-preserving).
    case writeBrokerConfig = "write_broker_config"
    /// Restart one broker so a written config takes effect; gated, one at a time.
    case restartBroker = "restart_broker"

    public var symbol: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .expand: "+~"
        case .replace: "-/+"
        case .delete: "-"
        case .forget: "~>"
        case .writeBrokerConfig: "~"
        case .restartBroker: "⟳"
        }
    }
}

/// Why a change is planned. For display only: never used to make decisions during apply.
public enum ChangeReason: String, Sendable, Hashable, Codable {
    /// Declared but not there.
    case missing
    /// The real resource no longer matches what was last applied (changed outside the reconciler).
    case drifted
    /// The manifests changed since the last apply.
    case manifestChanged = "manifest_changed"
    /// No longer declared, and the inventory says the reconciler created it.
    case removedFromManifests = "removed_from_manifests"
    /// An earlier generation of an immutable resource (`ResourceSpec.generationFamily`) that a new one replaced.
    case superseded
    /// A written broker config takes effect only after a restart.
    case configChanged = "config_changed"
    /// A previous apply wrote the config but did not finish the restart (read from the journal).
    case restartPending = "restart_pending"
}

/// One attribute-level difference. `path` is dotted (`properties.frontendPort`, `advertised.listeners`).
public struct AttributeChange: Sendable, Hashable, Codable {
    public var path: String
    public var before: Value?
    public var after: Value?
    public var forcesReplacement: Bool
    /// Hidden in every rendering (secrets); the values are still compared.
    public var sensitive: Bool

    public init(path: String, before: Value?, after: Value?, forcesReplacement: Bool = false, sensitive: Bool = false) {
        self.path = path
        self.before = before
        self.after = after
        self.forcesReplacement = forcesReplacement
        self.sensitive = sensitive
    }
}

/// One step of a plan. Plans are data: the executor runs them, renderers print them.
public struct Change: Sendable, Hashable, Codable, Identifiable {
    public var address: ResourceAddress
    public var action: Action
    public var reason: ChangeReason
    public var disruption: Disruption
    public var attributes: [AttributeChange]
    /// Full desired properties (nil for delete and forget).
    public var after: Value?
    /// Observed properties (nil for create).
    public var before: Value?
    /// The cloud id known from observation or inventory, so apply needs no second lookup.
    public var cloudID: String?
    /// Changes (by id) that must succeed before this one runs.
    public var dependsOn: [String]
    /// The resource's own dependencies (from its spec), recorded in the inventory so later deletes can be
    /// ordered even after the manifest entry is gone.
    public var requires: [ResourceAddress]
    /// Where the manifests declare the resource (and its exposure's deletion policy), recorded in the inventory
    /// with the change's result. Nil for changes of resources no exposure declares.
    public var declaration: Declaration?

    /// Unique within a plan: `ADDRESS#action`.
    public var id: String { "\(address)#\(action.rawValue)" }

    public init(
        address: ResourceAddress,
        action: Action,
        reason: ChangeReason,
        disruption: Disruption = .none,
        attributes: [AttributeChange] = [],
        after: Value? = nil,
        before: Value? = nil,
        cloudID: String? = nil,
        dependsOn: [String] = [],
        requires: [ResourceAddress] = [],
        declaration: Declaration? = nil
    ) {
        self.declaration = declaration
        self.address = address
        self.action = action
        self.reason = reason
        self.disruption = disruption
        self.attributes = attributes
        self.after = after
        self.before = before
        self.cloudID = cloudID
        self.dependsOn = dependsOn
        self.requires = requires
    }
}

/// A problem that makes (part of) the plan unsafe to apply, e.g. a foreign resource in the way.
public struct PlanProblem: Sendable, Hashable, Codable {
    public var address: ResourceAddress
    public var message: String

    public init(address: ResourceAddress, message: String) {
        self.address = address
        self.message = message
    }
}

/// The planner's output: ordered changes plus what it noticed.
public struct Plan: Sendable, Hashable, Codable {
    /// Changes in execution order (dependencies first, deletes last and in reverse dependency order).
    public var changes: [Change]
    /// Resources that changed outside the reconciler since the last apply (kept apart from changes, like
    /// Terraform's "Objects have changed outside of Terraform").
    public var drift: [ResourceAddress]
    /// Blocking problems: their addresses get no change, and the plan is not fully applyable.
    public var problems: [PlanProblem]
    /// Informational notes (e.g. "plan is partial because of --target").
    public var warnings: [String]
    /// False when `--target` narrowed the plan or observation failed somewhere.
    public var isComplete: Bool
    /// Read-only facts observed on managed resources, for people (a Private Link Service's alias and its
    /// private endpoint connections), by address in address order. Never a reason for a change.
    public var observations: [Observation]
    /// Failures not tied to one address, each stated once: a provider that could observe nothing (no
    /// credentials, invalid endpoints). Every address it covers also has a problem, in a few words.
    public var errors: [String]
    /// Inventory corrections an apply records before any change runs (see `InventoryRepair`). Not shown: they
    /// touch no real resource; the planner's warnings say what was found.
    public var inventoryRepairs: [InventoryRepair]
    /// Changes the cluster's policy or maintenance windows hold back in this pass (not applied), with why; what
    /// depends on a held change is held too.
    public var held: [HeldChange] = []

    /// A change not applied now: `reason` says which policy or window holds it, and when it may run.
    public struct HeldChange: Sendable, Hashable, Codable {
        public var change: Change
        public var reason: String

        public init(change: Change, reason: String) {
            self.change = change
            self.reason = reason
        }
    }

    public struct Observation: Sendable, Hashable, Codable {
        public var address: ResourceAddress
        public var notes: [String]

        public init(address: ResourceAddress, notes: [String]) {
            self.address = address
            self.notes = notes
        }
    }

    public init(
        changes: [Change] = [],
        drift: [ResourceAddress] = [],
        problems: [PlanProblem] = [],
        warnings: [String] = [],
        isComplete: Bool = true,
        observations: [Observation] = [],
        errors: [String] = [],
        inventoryRepairs: [InventoryRepair] = []
    ) {
        self.inventoryRepairs = inventoryRepairs
        self.changes = changes
        self.drift = drift
        self.problems = problems
        self.warnings = warnings
        self.isComplete = isComplete
        self.observations = observations
        self.errors = errors
    }

    public var hasChanges: Bool { !changes.isEmpty }

    public struct Summary: Sendable, Hashable, Codable {
        public var add = 0
        public var change = 0
        public var destroy = 0
        public var brokerConfigs = 0
        public var brokerRestarts = 0
        public var forget = 0
    }

    public var summary: Summary {
        var s = Summary()
        for c in changes {
            switch c.action {
            case .create: s.add += 1
            case .update, .expand: s.change += 1
            case .replace: s.add += 1; s.destroy += 1
            case .delete: s.destroy += 1
            case .forget: s.forget += 1
            case .writeBrokerConfig: s.brokerConfigs += 1
            case .restartBroker: s.brokerRestarts += 1
            }
        }
        return s
    }
}
