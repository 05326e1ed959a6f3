/// A correction of the inventory that makes it describe the real world again, decided by the planner and
/// recorded by an apply before any change runs (never by a dry-run). None of them touches a real resource.
public enum InventoryRepair: Sendable, Hashable, Codable {
    /// The entry's resource left the manifests and no longer exists (deleted by hand, or a delete whose result
    /// was lost): the entry is dropped.
    case drop(ResourceAddress)
    /// A declared resource that carries the reconciler's ownership for its cluster but has no entry (a create
    /// took effect but its result was lost): recorded as created, so removing it later follows its policy.
    case record(Inventory.Entry)
    /// A declared resource whose entry records another declaration (a `deletionPolicy` edited in git, a field
    /// moved): the entry remembers the current one.
    case declare(ResourceAddress, Declaration)

    public var address: ResourceAddress {
        switch self {
        case .drop(let address), .declare(let address, _): address
        case .record(let entry): entry.address
        }
    }
}

/// The order one cluster's restarts would take now, as the broker provider predicts it from the cluster's health
/// (an input of planning, so the plan lists restarts in that order), with a sentence saying why.
public struct RestartOrder: Sendable, Hashable {
    public var order: [ResourceAddress]
    public var note: String?

    public init(order: [ResourceAddress], note: String? = nil) {
        self.order = order
        self.note = note
    }
}
