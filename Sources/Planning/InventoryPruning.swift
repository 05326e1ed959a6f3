import ReconcileModel

/// Rule 6: what happens to managed resources that left the manifests. Only inventory entries are ever
/// deleted; observed resources that are neither declared nor inventoried are ignored entirely.
enum InventoryPruning {
    /// Inventory entries with no desired spec, sorted by address.
    static func removedEntries(_ input: PlanInput, desired: Set<ResourceAddress>) -> [Inventory.Entry] {
        input.inventories.values
            .flatMap(\.entries.values)
            .filter { !desired.contains($0.address) }
            .sorted { $0.address < $1.address }
    }

    static func drafts(for entry: Inventory.Entry, input: PlanInput, findings: inout PlanFindings) -> [PlanDraft] {
        let address = entry.address
        let blocker = PlanDraft.blocker(address, phase: .removal, addressDeps: entry.dependsOn)
        guard let observed = input.observed[address] else {
            findings.warn("\(address) already gone; will be dropped from the inventory")
            return []
        }
        if let error = observed.error {
            findings.cannotObserve(address, error)
            return [blocker]
        }

        // A broker's server.properties is never ours to delete: dropping it from the manifests only stops
        // managing its keys.
        let keepsResource = entry.origin == .adopted || address.type == BrokerConfigSemantics.resourceType
        if !keepsResource, observed.ownership == .foreign {
            findings.problem(
                address,
                "the inventory says the reconciler created it, but it no longer carries the reconciler's "
                    + "ownership; it is not deleted (delete it by hand, or restore its ownership tags)"
            )
            return [blocker]
        }
        let change = Change(
            address: address,
            action: keepsResource ? .forget : .delete,
            reason: .removedFromManifests,
            disruption: keepsResource ? .none : entry.disruption,
            after: nil,
            before: observed.properties,
            cloudID: observed.cloudID ?? entry.cloudID,
            requires: entry.dependsOn
        )
        return [PlanDraft(phase: .removal, change: change, addressDeps: entry.dependsOn)]
    }

    /// A broker with a restart pending (from the journal) that the manifests no longer declare: it still
    /// needs the restart for the written config to take effect.
    static func pendingRestartDrafts(_ input: PlanInput, desired: Set<ResourceAddress>, findings: inout PlanFindings)
        -> [PlanDraft]
    {
        var drafts: [PlanDraft] = []
        for address in input.pendingRestarts.keys.sorted() where !desired.contains(address) {
            guard let observed = input.observed[address] else {
                findings.warn("pending restart of \(address) dropped: the broker is no longer observed")
                continue
            }
            if let error = observed.error {
                findings.cannotObserve(address, error)
                drafts.append(.blocker(address, phase: .brokerConfig))
                continue
            }
            let restart = DesiredChanges.restart(address, .restartPending, config: nil, cloudID: observed.cloudID)
            drafts.append(PlanDraft(phase: .restart, change: restart, addressDeps: []))
        }
        return drafts
    }
}
