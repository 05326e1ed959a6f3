import ReconcileModel

/// Earlier generations of immutable resources (`ResourceSpec.generationFamily`): an instance template whose content
/// changed is a new template under a new name; the old one is deleted once everything that used it has moved to the
/// new one, whatever the exposure's deletion policy (nobody but the reconciler uses a generation it created).
///
/// - The delete waits for the new generation and for every declared resource whose inventory entry depended on the
///   old one (the instance group, repointed in the cloud phase); if either is blocked, the delete is left out too.
/// - While the new generation cannot be planned (`unresolved`), old generations are kept as they are.
/// - A generation that no longer carries the reconciler's ownership is a problem, as any other removal.
enum Supersession {
    /// The declared spec whose family `entry` is an earlier generation of, if any.
    static func family(of entry: Inventory.Entry, among specs: [ResourceSpec]) -> ResourceSpec? {
        specs.first { spec in
            guard let family = spec.generationFamily, spec.address.cluster == entry.address.cluster,
                spec.address.type == entry.address.type, spec.address != entry.address
            else { return false }
            return ResourceSpec.isGeneration(entry.address.name, of: family)
        }
    }

    static func drafts(
        for entry: Inventory.Entry, supersededBy current: ResourceSpec, input: PlanInput, findings: inout PlanFindings
    ) -> [PlanDraft] {
        let address = entry.address
        let blocker = PlanDraft.blocker(address, phase: .removal, addressDeps: entry.dependsOn)
        if current.unresolved != nil { return [blocker] }
        let observed: ObservedResource
        switch InventoryPruning.observed(entry, input: input, findings: &findings) {
        case .success(let seen): observed = seen
        case .failure(let undecided): return undecided.drafts
        }
        if observed.ownership == .foreign, entry.origin != .adopted {
            findings.problem(
                address,
                "the inventory says the reconciler created it, but it no longer carries the reconciler's ownership; "
                    + "it is not deleted (delete it by hand, or restore its ownership marks)")
            return [blocker]
        }
        // Adopted generations are only forgotten, as any adopted resource.
        if entry.origin == .adopted {
            return [PlanDraft(phase: .removal, change: InventoryPruning.forget(entry, observed), addressDeps: entry.dependsOn)]
        }
        let entries = input.inventories[address.cluster]?.entries ?? [:]
        let users = entries.values.filter { $0.dependsOn.contains(address) && $0.address != address }.map(\.address)
        var draft = PlanDraft(
            phase: .removal,
            change: Change(
                address: address, action: .delete, reason: .superseded, disruption: .none, after: nil,
                before: observed.properties, cloudID: observed.cloudID ?? entry.cloudID, requires: entry.dependsOn),
            addressDeps: entry.dependsOn)
        draft.after = ([current.address] + users).sorted()
        return [draft]
    }
}
