public import Foundation
public import ReconcileModel
public import Scheduling

/// What a cluster's policy lets a pass apply now (`spec.reconcile` of the manifests): pure, from the plan, the policy
/// and the instant (an injected clock's).
///
/// - `never`, or suspended: every change of the cluster is held (drift is still detected and reported).
/// - `nonDisruptive`: disruptive changes are held; the rest applies.
/// - `always`: disruptive changes are held while the maintenance windows are closed (Argo CD's rules: no window =
///   open; an active deny window closes; allow windows open only while one is active; deny beats allow), with the
///   next opening in the reason; the rest applies.
/// - Disruptive: a broker config write or restart, an update of a consumer-visible or data-bearing resource, or any
///   delete or replace. Creating something new disturbs nobody, whatever its class. A change that depends on a held
///   one is held too (it cannot run without it).
public struct PlanGate: Sendable {
    public struct Policy: Sendable, Hashable {
        public enum Apply: Sendable, Hashable { case always, nonDisruptive, never }
        public var apply: Apply
        public var suspended: Bool
        public var windows: [MaintenanceWindow]

        public init(apply: Apply = .always, suspended: Bool = false, windows: [MaintenanceWindow] = []) {
            self.apply = apply
            self.suspended = suspended
            self.windows = windows
        }
    }

    /// Policies by cluster; a cluster without one applies everything.
    public var policies: [String: Policy]

    public init(policies: [String: Policy]) { self.policies = policies }

    public static func isDisruptive(_ change: Change) -> Bool {
        switch change.action {
        // A written file takes effect at the broker's next restart, whoever causes it: written only when it may roll.
        case .delete, .replace, .writeBrokerConfig, .restartBroker: true
        case .create, .forget: false
        default: change.disruption != .none
        }
    }

    /// `plan` with the changes held at `now` moved to `held`.
    public func gate(_ plan: Plan, at now: Date) -> Plan {
        var reasons: [String: String] = [:]
        var verdicts: [String: WindowVerdict] = [:]
        for change in plan.changes {
            guard let policy = policies[change.address.cluster] else { continue }
            if policy.suspended {
                reasons[change.id] = "cluster \(change.address.cluster) is suspended"
            } else if policy.apply == .never {
                reasons[change.id] = "apply policy is never: drift is reported, not corrected"
            } else if Self.isDisruptive(change) {
                if policy.apply == .nonDisruptive {
                    reasons[change.id] = "apply policy is nonDisruptive and this change is \(Self.kind(of: change))"
                } else {
                    let verdict = verdicts[change.address.cluster] ?? MaintenanceWindows.verdict(policy.windows, at: now)
                    verdicts[change.address.cluster] = verdict
                    if !verdict.open { reasons[change.id] = Self.waiting(verdict) }
                }
            }
        }
        guard !reasons.isEmpty else { return plan }
        // What depends on a held change waits with it (changes are in execution order: dependencies first).
        for change in plan.changes where reasons[change.id] == nil {
            if let blocker = change.dependsOn.first(where: { reasons[$0] != nil }) {
                reasons[change.id] = "depends on held \(blocker)"
            }
        }
        var gated = plan
        gated.changes = plan.changes.filter { reasons[$0.id] == nil }
        gated.held = plan.held + plan.changes.compactMap { change in reasons[change.id].map { Plan.HeldChange(change: change, reason: $0) } }
        return gated
    }

    /// Why a disruptive change of `cluster` may not start at `now` (suspended, an apply policy that forbids it, or
    /// no open window), or nil when it may. Asked again before each broker of a roll, so a window that closes
    /// during a roll stops it between brokers.
    public func disruptionHeld(_ cluster: String, at now: Date) -> String? {
        guard let policy = policies[cluster] else { return nil }
        if policy.suspended { return "cluster \(cluster) is suspended" }
        switch policy.apply {
        case .never: return "apply policy is never: drift is reported, not corrected"
        case .nonDisruptive: return "apply policy is nonDisruptive"
        case .always:
            let verdict = MaintenanceWindows.verdict(policy.windows, at: now)
            return verdict.open ? nil : Self.waiting(verdict)
        }
    }

    static func waiting(_ verdict: WindowVerdict) -> String {
        let next = verdict.nextOpening.map { "; next opening \($0.formatted(.iso8601))" } ?? "; no opening within a year"
        return "waiting for window: \(verdict.reason)\(next)"
    }

    static func kind(of change: Change) -> String {
        switch (change.action, change.disruption) {
        case (_, .dataLoss): "data-destroying"
        case (_, .consumerVisible): "consumer visible"
        case (.writeBrokerConfig, _), (.restartBroker, _), (_, .brokerRestart): "a broker restart or config change"
        case (.delete, _), (.replace, _): "a delete or replace"
        default: "disruptive"
        }
    }
}
