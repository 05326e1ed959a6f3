import DesiredState
import Planning
import ProviderAPI
import ReconcileModel

/// Keeps the inventories describing the real world around an apply (the executor records what each change did;
/// these record what happened outside it). Each saves through the state store only what changed.
struct InventoryUpkeep: Sendable {
    let store: any StateStore

    /// Inventory entries that are no longer declared and no longer exist (deleted by hand, or a delete whose
    /// result was lost) are dropped, so the inventory keeps describing the real world.
    func dropVanished(
        _ inventories: [String: Inventory], desired: DesiredState, observed: [ResourceAddress: ObservedResource], scope: TargetScope
    ) async throws -> [String: Inventory] {
        let wanted = Set(desired.resources.map(\.address))
        var out = inventories
        for (cluster, inventory) in inventories.sorted(by: { $0.key < $1.key }) {
            let vanished = inventory.entries.keys.filter { !wanted.contains($0) && scope.contains($0) && observed[$0] == nil }
            guard !vanished.isEmpty else { continue }
            var updated = inventory
            for address in vanished { updated[address] = nil }
            try await store.saveInventory(updated)
            out[cluster] = updated
        }
        return out
    }

    /// Declared cloud resources that carry the reconciler's tags for their cluster but have no inventory entry are
    /// recorded as created. That happens when a create took effect but its result was lost (a dropped connection,
    /// a failed pass): the next pass finds the resource as desired and plans nothing for it, and without an entry
    /// removing it from the manifests would never delete it. Broker files are not cloud resources with tags: their
    /// entries come from config writes only.
    func recordUntracked(
        _ inventories: [String: Inventory], desired: [ResourceSpec], observed: [ResourceAddress: ObservedResource]
    ) async throws -> [String: Inventory] {
        var out = inventories
        for spec in desired where spec.address.type != BrokerConfigSemantics.resourceType {
            let address = spec.address
            guard out[address.cluster]?[address] == nil, let found = observed[address], found.error == nil, found.ownership == .reconciler
            else { continue }
            var inventory = out[address.cluster] ?? Inventory(cluster: address.cluster)
            inventory[address] = Inventory.Entry(
                address: address, cloudID: found.cloudID ?? spec.cloudID, origin: .created,
                applied: found.properties.projected(onto: spec.properties), disruption: spec.disruption, dependsOn: spec.dependsOn,
                declaration: spec.declaration)
            out[address.cluster] = inventory
        }
        for (cluster, inventory) in out.sorted(by: { $0.key < $1.key }) where inventory != inventories[cluster] {
            try await store.saveInventory(inventory)
        }
        return out
    }

    /// Every inventory entry of a declared resource remembers where it is declared and its exposure's deletion
    /// policy, so a later plan can follow that policy and explain itself once the manifest is gone. Saved only
    /// when something changed (a policy edited in git is recorded by the next apply, even with no other change).
    func recordDeclarations(_ inventories: [String: Inventory], desired: [ResourceSpec]) async throws -> [String: Inventory] {
        var out = inventories
        for spec in desired {
            guard let declaration = spec.declaration, var entry = out[spec.address.cluster]?[spec.address],
                entry.declaration != declaration
            else { continue }
            entry.declaration = declaration
            out[spec.address.cluster]?[spec.address] = entry
        }
        for (cluster, inventory) in out.sorted(by: { $0.key < $1.key }) where inventory != inventories[cluster] {
            try await store.saveInventory(inventory)
        }
        return out
    }
}
