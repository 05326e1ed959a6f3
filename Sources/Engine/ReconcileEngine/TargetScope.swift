import ReconcileModel

/// What a pass with `--target` looks at: the matching desired resources plus everything they depend on, and
/// the matching inventory entries. Nothing outside the scope is observed, so an unobservable resource the
/// operator did not target cannot block the targeted work.
struct TargetScope: Sendable {
    let selection: TargetSelection
    let desired: [ResourceSpec]
    private let addresses: Set<ResourceAddress>

    init(selectors: [String], desired all: [ResourceSpec]) {
        selection = TargetSelection(selectors)
        let byAddress = Dictionary(all.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        let reach = selection.reach(among: all.map(\.address)) { byAddress[$0]?.dependsOn ?? [] }
        addresses = reach
        desired = all.filter { reach.contains($0.address) }
    }

    /// The selectors that match no declared address and no inventory entry of any cluster.
    static func unmatched(_ selectors: [String], desired: [ResourceSpec], inventories: [String: Inventory]) -> [String] {
        TargetSelection(selectors).unmatched(known: desired.map(\.address) + inventories.values.flatMap { $0.entries.keys })
    }

    func contains(_ address: ResourceAddress) -> Bool {
        selection.selectsEverything || addresses.contains(address) || selection.names(address)
    }

    func inventory(_ inventory: Inventory) -> Inventory {
        guard !selection.selectsEverything else { return inventory }
        var scoped = inventory
        scoped.entries = inventory.entries.filter { contains($0.key) }
        return scoped
    }
}
