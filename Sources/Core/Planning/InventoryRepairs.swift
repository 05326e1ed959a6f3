import ReconcileModel

/// Rule 13: the inventory corrections an apply records before it changes anything (`Plan.inventoryRepairs`).
///
/// - An entry whose resource left the manifests and was not observed (gone) is dropped.
/// - A declared cloud resource that carries the reconciler's ownership for its cluster but has no entry is
///   recorded as created: a create took effect but its result was lost, and without an entry removing it from
///   the manifests would never follow its deletion policy. Broker files are not cloud resources with ownership
///   marks: their entries come from config writes only.
/// - An entry whose declaration differs from the manifests' (a `deletionPolicy` edited in git) remembers the
///   current one, so a later removal follows the policy in force when it was last applied.
enum InventoryRepairs {
    /// - Parameter removed: the entries that left the manifests (`InventoryPruning.removedEntries`).
    static func of(_ input: PlanInput, specs: [ResourceSpec], removed: [Inventory.Entry]) -> [InventoryRepair] {
        var repairs: [InventoryRepair] = removed.filter { input.observed[$0.address] == nil }.map { .drop($0.address) }
        for spec in specs {
            let address = spec.address
            if let entry = input.entry(for: address) {
                if let declaration = spec.declaration, entry.declaration != declaration { repairs.append(.declare(address, declaration)) }
                continue
            }
            guard address.type != BrokerConfigSemantics.resourceType, let found = input.observed[address], found.error == nil,
                found.ownership == .reconciler
            else { continue }
            repairs.append(.record(Inventory.Entry(
                address: address, cloudID: found.cloudID ?? spec.cloudID, origin: .created,
                applied: found.properties.projected(onto: spec.properties), disruption: spec.disruption, dependsOn: spec.dependsOn,
                declaration: spec.declaration)))
        }
        return repairs
    }
}
