import ReconcileModel

/// Keeps the inventories in step with what an apply actually did. Pure: the executor saves the result.
///
/// | change               | inventory                                                                   |
/// |----------------------|-----------------------------------------------------------------------------|
/// | create               | entry, origin `created`                                                     |
/// | replace, update      | entry refreshed; a new entry is `adopted` (the manifest took it over)        |
/// | write_broker_config  | entry refreshed; a new entry is `created`                                   |
/// | restart_broker       | nothing                                                                     |
/// | delete, forget       | entry removed (only after success: a failed delete keeps tracking the survivor) |
struct InventoryRecorder {
    private(set) var inventories: [String: Inventory]

    init(_ inventories: [String: Inventory]) {
        self.inventories = inventories
    }

    /// Records one successful change and returns its cluster's updated inventory.
    @discardableResult
    mutating func record(_ change: Change, result: ObservedResource?) -> Inventory {
        let address = change.address
        var inventory = inventories[address.cluster] ?? Inventory(cluster: address.cluster)
        inventory[address] = Self.entry(after: change, result: result, existing: inventory[address])
        inventories[address.cluster] = inventory
        return inventory
    }

    /// The entry an address has after `change` succeeded; nil when it is no longer managed.
    static func entry(after change: Change, result: ObservedResource?, existing: Inventory.Entry?) -> Inventory.Entry? {
        let origin: Inventory.Entry.Origin
        switch change.action {
        case .delete, .forget: return nil
        case .restartBroker: return existing
        case .create: origin = .created
        case .update, .expand, .replace: origin = existing?.origin ?? .adopted
        case .writeBrokerConfig: origin = existing?.origin ?? .created
        }
        return Inventory.Entry(
            address: change.address,
            cloudID: result?.cloudID ?? change.cloudID ?? existing?.cloudID,
            origin: origin,
            applied: change.after,
            disruption: change.disruption,
            dependsOn: change.requires,
            declaration: change.declaration ?? existing?.declaration
        )
    }
}
