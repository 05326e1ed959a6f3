public import ReconcileModel

/// Stands in for a provider that cannot be built (bad endpoint configuration): observing throws the reason,
/// so each of its addresses is reported as not observable and nothing that depends on them is applied.
public struct UnavailableProvider: ResourceProvider {
    public let resourceTypes: Set<String>
    let reason: String
    /// What each address says, pointing at `reason` (reported once).
    let summary: String

    public init(types: Set<String>, reason: String, summary: String) {
        self.resourceTypes = types
        self.reason = reason
        self.summary = summary
    }

    public func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource] {
        throw ProviderError(.terminal, reason, summary: summary)
    }

    public func apply(_ change: Change) async throws -> ObservedResource? {
        throw ProviderError(.terminal, address: change.address, reason)
    }
}

