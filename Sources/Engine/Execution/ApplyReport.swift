public import ReconcileModel

/// Progress of an apply, reported as it happens (for live output).
public enum ApplyEvent: Sendable, Hashable {
    case started(Change)
    case succeeded(Change)
    case failed(Change, String)
    /// Not run because the named changes failed or were skipped (or `cancelled`).
    case skipped(Change, because: [String])
    /// A long step is waiting (a broker roll's gates); `waitingFor` says what is not yet true.
    case progress(Change?, [String])

    public var change: Change? {
        switch self {
        case .started(let c), .succeeded(let c), .failed(let c, _), .skipped(let c, _): c
        case .progress(let c, _): c
        }
    }
}

/// The outcome of one apply. Every change of the plan ends up in exactly one of `succeeded`, `failed` and
/// `skipped`.
public struct ApplyReport: Sendable, Hashable {
    /// Change ids, in completion order.
    public var succeeded: [String]
    /// Change id -> why it failed.
    public var failed: [String: String]
    /// Change id -> the change ids it waited for that failed or were skipped (or `cancelled`).
    public var skipped: [String: [String]]
    /// The inventories as they stand after the apply (every cluster passed in, plus any the apply touched).
    /// Each was also saved through the state store after every successful step.
    public var inventories: [String: Inventory]

    public init(
        succeeded: [String] = [],
        failed: [String: String] = [:],
        skipped: [String: [String]] = [:],
        inventories: [String: Inventory] = [:]
    ) {
        self.succeeded = succeeded
        self.failed = failed
        self.skipped = skipped
        self.inventories = inventories
    }

    /// Everything in the plan took effect.
    public var isSuccess: Bool { failed.isEmpty && skipped.isEmpty }

    /// Whether the apply was stopped by cancellation before running everything.
    public var wasCancelled: Bool { skipped.values.contains { $0 == [ApplyReport.cancelled] } }

    /// The `because` of changes that were not started because the apply was cancelled.
    public static let cancelled = "cancelled"
}
