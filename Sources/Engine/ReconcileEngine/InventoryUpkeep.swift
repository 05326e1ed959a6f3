import ProviderAPI
import ReconcileModel

/// Records the planner's inventory repairs (`Plan.inventoryRepairs`) through the state store before an apply
/// changes anything: the inventory then describes the real world again. Saves only the clusters that changed.
struct InventoryUpkeep: Sendable {
    let store: any StateStore

    /// The inventories after `repairs`, each changed one saved.
    func record(_ repairs: [InventoryRepair], in inventories: [String: Inventory]) async throws -> [String: Inventory] {
        var out = inventories
        for repair in repairs {
            let cluster = repair.address.cluster
            var inventory = out[cluster] ?? Inventory(cluster: cluster)
            switch repair {
            case .drop(let address):
                inventory[address] = nil
            case .record(let entry):
                inventory[entry.address] = entry
            case .declare(let address, let declaration):
                inventory[address]?.declaration = declaration
            }
            out[cluster] = inventory
        }
        for (cluster, inventory) in out.sorted(by: { $0.key < $1.key }) where inventory != inventories[cluster] {
            try await store.saveInventory(inventory)
        }
        return out
    }
}
