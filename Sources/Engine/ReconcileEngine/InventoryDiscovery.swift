import DesiredState
import ProviderAPI
import ReconcileModel

/// The inventory as a cache of the cloud: resources the providers found by the reconciler's ownership marks that
/// no inventory entry holds and the manifests no longer declare become entries (a declared one is planned from the
/// manifests and its own observation; an entry would only change why a missing one is created), so a pass on a machine with an empty state (a CI runner) plans the
/// same deletes and forgets as one with the full state. Pure.
///
/// A found resource's entry: its origin and its exposure's deletion policy from its marks (no policy mark means
/// Orphan: nothing is deleted on a guess), the field that made it exist from its type, its disruption from its
/// type (`Declarations.recordedDisruption`), and dependencies from the ids it refers to that belong to managed resources (declared, inventoried or
/// found), matched exactly or as the container of the id (a subnet's id names its network). What the inventory
/// alone records stays unknown: the properties last applied (so drift shows as a manifest change) and where the
/// manifests declared it (the plan says which exposure instead).
enum InventoryDiscovery {
    static func merge(
        _ found: [DiscoveredResource], into inventories: [String: Inventory], desired: [ResourceSpec]
    ) -> (inventories: [String: Inventory], added: [ResourceAddress]) {
        var out = inventories
        var owners: [(id: String, address: ResourceAddress)] = desired.compactMap { spec in spec.cloudID.map { ($0.lowercased(), spec.address) } }
        owners += inventories.values.flatMap(\.entries.values).compactMap { entry in entry.cloudID.map { ($0.lowercased(), entry.address) } }
        owners += found.map { ($0.cloudID.lowercased(), $0.address) }
        func owner(of reference: String) -> ResourceAddress? {
            let id = reference.lowercased()
            return owners.filter { id == $0.id || id.hasPrefix($0.id + "/") }.max { $0.id.count < $1.id.count }?.address
        }
        var added: [ResourceAddress] = []
        let declared = Set(desired.map(\.address))
        for resource in found.sorted(by: { $0.address < $1.address }) where !declared.contains(resource.address) {
            let cluster = resource.address.cluster
            var inventory = out[cluster] ?? Inventory(cluster: cluster)
            guard inventory[resource.address] == nil else { continue }
            let dependsOn = Set(resource.references.compactMap(owner(of:))).subtracting([resource.address]).filter { $0.cluster == cluster }
            inventory[resource.address] = Inventory.Entry(
                address: resource.address, cloudID: resource.cloudID, origin: resource.origin,
                disruption: Declarations.recordedDisruption(type: resource.address.type, properties: resource.observed?.properties),
                dependsOn: dependsOn.sorted(),
                declaration: Declaration(
                    exposure: resource.exposure, field: Declarations.field(ofType: resource.address.type),
                    deletionPolicy: resource.deletionPolicy ?? .orphan))
            out[cluster] = inventory
            added.append(resource.address)
        }
        return (out, added)
    }
}
