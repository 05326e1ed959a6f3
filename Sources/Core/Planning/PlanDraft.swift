import ReconcileModel

/// One node of the plan before ordering: a change, or a blocker standing in for an address that has a
/// problem (so that everything depending on it can be left out).
struct PlanDraft {
    /// Execution phases; edges only ever point to the same or an earlier phase.
    enum Phase: Int, Comparable {
        /// (a) cloud creates, updates and replaces, in dependency order.
        case cloud
        /// (b) broker config writes, after the cluster's cloud changes (expand before brokers advertise).
        case brokerConfig
        /// (c) broker restarts, one at a time, after all of the cluster's config writes.
        case restart
        /// (c') the contract half of an expand-then-contract update, after the cluster's roll.
        case contract
        /// (d) deletes and forgets, in reverse dependency order, after the roll (contract last).
        case removal

        static func < (a: Phase, b: Phase) -> Bool { a.rawValue < b.rawValue }
    }

    var address: ResourceAddress
    var phase: Phase
    /// Nil for a blocker.
    var change: Change?
    /// The address-level dependencies (spec or inventory `dependsOn`).
    var addressDeps: [ResourceAddress]
    /// Addresses whose changes must be done first, besides the phase's rules (a superseded generation waits for
    /// the resources that used it to move to the new one).
    var after: [ResourceAddress] = []

    /// Unique node key: the change id, or `ADDRESS#blocked-PHASE`.
    var key: String { change?.id ?? "\(address)#blocked-\(phase.rawValue)" }
    var isBlocker: Bool { change == nil }

    init(phase: Phase, change: Change, addressDeps: [ResourceAddress]) {
        self.address = change.address
        self.phase = phase
        self.change = change
        self.addressDeps = addressDeps
    }

    private init(blocking address: ResourceAddress, phase: Phase, addressDeps: [ResourceAddress]) {
        self.address = address
        self.phase = phase
        self.change = nil
        self.addressDeps = addressDeps
    }

    static func blocker(_ address: ResourceAddress, phase: Phase, addressDeps: [ResourceAddress] = []) -> PlanDraft {
        PlanDraft(blocking: address, phase: phase, addressDeps: addressDeps)
    }

    /// The phase a desired spec's blocker belongs to.
    static func desiredPhase(of address: ResourceAddress) -> Phase {
        address.type == BrokerConfigSemantics.resourceType ? .brokerConfig : .cloud
    }

    /// Restarts are serialised by broker node id (numeric names first, numerically), then by name.
    static func restartOrder(_ a: ResourceAddress, _ b: ResourceAddress) -> Bool {
        if a.cluster != b.cluster { return a.cluster < b.cluster }
        switch (Int(a.name), Int(b.name)) {
        case let (x?, y?) where x != y: return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        default: return a < b
        }
    }
}

/// What the planner noticed besides changes.
struct PlanFindings {
    var problems: [PlanProblem] = []
    var warnings: [String] = []
    var drift: Set<ResourceAddress> = []
    /// Some address could not be observed: the plan cannot be complete.
    var observationFailed = false
    /// Protected deletes and replaces the plan makes because `--allow-destroy` confirmed them.
    var allowedDestroys: Set<ResourceAddress> = []

    mutating func problem(_ address: ResourceAddress, _ message: String) {
        let problem = PlanProblem(address: address, message: message)
        if !problems.contains(problem) { problems.append(problem) }
    }

    mutating func cannotObserve(_ address: ResourceAddress, _ error: String) {
        observationFailed = true
        problem(address, "cannot observe: \(error)")
    }

    mutating func warn(_ message: String) {
        if !warnings.contains(message) { warnings.append(message) }
    }

    var sortedProblems: [PlanProblem] {
        problems.sorted { ($0.address, $0.message) < ($1.address, $1.message) }
    }
}
