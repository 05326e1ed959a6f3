import ReconcileModel

/// What a pass with `--target` looks at: the matching desired resources plus everything they depend on, and
/// the matching inventory entries. Nothing outside the scope is observed, so an unobservable resource the
/// operator did not target cannot block the targeted work.
struct TargetScope: Sendable {
    let selectors: [String]
    let desired: [ResourceSpec]
    private let addresses: Set<ResourceAddress>

    init(selectors: [String], desired all: [ResourceSpec]) {
        self.selectors = selectors
        guard !selectors.isEmpty else {
            self.desired = all
            self.addresses = Set(all.map(\.address))
            return
        }
        let byAddress = Dictionary(all.map { ($0.address, $0) }, uniquingKeysWith: { first, _ in first })
        var keep = Set(all.map(\.address).filter { address in selectors.contains { address.matches(selector: $0) } })
        var frontier = Array(keep)
        while let next = frontier.popLast() {
            for dep in byAddress[next]?.dependsOn ?? [] where !keep.contains(dep) {
                keep.insert(dep)
                frontier.append(dep)
            }
        }
        self.desired = all.filter { keep.contains($0.address) }
        self.addresses = keep
    }

    /// The selectors that match no declared address and no inventory entry of any cluster: a typo or a wrong
    /// cluster, which must be an error rather than an empty plan that reads like "nothing to do".
    static func unmatched(_ selectors: [String], desired: [ResourceSpec], inventories: [String: Inventory]) -> [String] {
        let known = desired.map(\.address) + inventories.values.flatMap { $0.entries.keys }
        return selectors.filter { selector in !known.contains { $0.matches(selector: selector) } }
    }

    func contains(_ address: ResourceAddress) -> Bool {
        selectors.isEmpty || addresses.contains(address) || selectors.contains { address.matches(selector: $0) }
    }

    func inventory(_ inventory: Inventory) -> Inventory {
        guard !selectors.isEmpty else { return inventory }
        var scoped = inventory
        scoped.entries = inventory.entries.filter { contains($0.key) }
        return scoped
    }
}
