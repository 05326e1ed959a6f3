public import Execution
public import ReconcileModel

/// Everything one pass found and did, as a value: the caller renders it and maps it to an exit code. The engine
/// never prints and never exits.
public struct PassResult: Sendable {
    /// Why a pass stopped short of what it was asked. Each carries the text a person needs.
    public enum Stop: Sendable, Hashable {
        /// The desired state could not be derived (two exposures declaring one resource, ...).
        case invalidDesiredState
        /// A cluster's lock is held, or could not be taken.
        case locked(String)
        /// The state store could not be read or written.
        case state(String)
        /// `--target` selectors that match no address in the manifests or the state.
        case unmatchedTargets([String])
        /// The plan has problems; nothing was applied.
        case problems(Int)
    }

    /// Fresh for every pass; the journal records it as the run id.
    public var passID: String
    /// Diagnostics from deriving the desired state (errors stop the pass).
    public var diagnostics: [Diagnostic] = []
    /// The plan, once the pass got that far (problems, warnings and provider errors included).
    public var plan: Plan?
    /// Providers that could observe nothing, each explained once (also in `plan.errors`).
    public var providerFailures: [String] = []
    /// Set when the pass stopped before finishing what was asked.
    public var stop: Stop?
    /// The apply, when one ran.
    public var apply: ApplyReport?
    /// Non-fatal trouble after the apply (e.g. declarations that could not be recorded).
    public var warnings: [String] = []
    /// Why a roll was stopped between brokers (`PassRequest.beforeRestart`, or its cluster's window closed), if one
    /// was: the restarts not reached are skipped and resume in a later pass.
    public var interruptedRoll: String?
    public var timings = Timings()

    /// How long the phases took (zero for phases that did not run).
    public struct Timings: Sendable, Hashable {
        public var observe: Duration = .zero
        public var plan: Duration = .zero
        public var apply: Duration = .zero
    }

    public init(passID: String) { self.passID = passID }

    /// The pass did what it was asked, without problems (a dry-run that planned, or an apply that fully succeeded).
    public var succeeded: Bool { stop == nil && (apply?.isSuccess ?? true) }
}

/// What a pass reports while it runs, in order, so a caller can show progress: the plan before anything is
/// applied, then each step of the apply.
public enum PassEvent: Sendable {
    /// The plan is final; if the pass applies, it applies exactly this.
    case planned(Plan)
    /// One step of the apply (see `ApplyEvent`).
    case applying(ApplyEvent)
}
