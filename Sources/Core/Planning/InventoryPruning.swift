import ReconcileModel

/// Rule 6: what happens to managed resources that left the manifests. Only inventory entries are ever
/// deleted, and only those the reconciler created under `deletionPolicy: Delete` (rule 10 adds `--allow-destroy`
/// for protected ones); adopted resources, broker files (rule 11) and `Orphan` resources are forgotten. Observed
/// resources that are neither declared nor inventoried are ignored entirely.
enum InventoryPruning {
    /// Inventory entries with no desired spec, sorted by address.
    static func removedEntries(_ input: PlanInput, desired: Set<ResourceAddress>) -> [Inventory.Entry] {
        input.inventories.values
            .flatMap(\.entries.values)
            .filter { !desired.contains($0.address) }
            .sorted { $0.address < $1.address }
    }

    /// What was observed of a removed entry, or the drafts standing for it when there is nothing to decide: none
    /// when it is already gone (warned), a blocker when it could not be observed.
    static func observed(_ entry: Inventory.Entry, input: PlanInput, findings: inout PlanFindings) -> Result<ObservedResource, Undecided> {
        guard let observed = input.observed[entry.address] else {
            findings.warn("\(entry.address) already gone; will be dropped from the inventory")
            return .failure(Undecided(drafts: []))
        }
        if let error = observed.error {
            findings.cannotObserve(entry.address, error)
            return .failure(Undecided(drafts: [.blocker(entry.address, phase: .removal, addressDeps: entry.dependsOn)]))
        }
        return .success(observed)
    }

    struct Undecided: Error {
        var drafts: [PlanDraft]
    }

    static func drafts(for entry: Inventory.Entry, input: PlanInput, findings: inout PlanFindings) -> [PlanDraft] {
        let address = entry.address
        let blocker = PlanDraft.blocker(address, phase: .removal, addressDeps: entry.dependsOn)
        let observed: ObservedResource
        switch Self.observed(entry, input: input, findings: &findings) {
        case .success(let seen): observed = seen
        case .failure(let undecided): return undecided.drafts
        }

        if address.type == BrokerConfigSemantics.resourceType {
            return BrokerRemoval.drafts(for: entry, observed: observed, input: input, findings: &findings)
        }
        // Adopted resources are only ever forgotten; created ones follow their exposure's deletion policy.
        let (policy, cause) = Protection.removal(of: entry, input: input)
        if entry.origin == .adopted || policy == .orphan {
            return [PlanDraft(phase: .removal, change: forget(entry, observed), addressDeps: entry.dependsOn)]
        }
        if observed.ownership == .foreign {
            findings.problem(
                address,
                "the inventory says the reconciler created it, but it no longer carries the reconciler's "
                    + "ownership; it is not deleted (delete it by hand, or restore its ownership tags)"
            )
            return [blocker]
        }
        let impact = Protection.impact(of: address, recorded: entry.disruption, input: input)
        if let contents = observed.contents {
            let untracked = Protection.untracked(contents: contents, input: input)
            if !untracked.isEmpty {
                let shown = untracked.prefix(10).joined(separator: ", ")
                findings.problem(
                    address,
                    "refusing to delete it: it holds \(untracked.count) resource(s) the inventory does not: \(shown)"
                        + "\(untracked.count > 10 ? ", ..." : ""); deleting it would delete them too (move or delete them first, "
                        + "or set deletionPolicy: Orphan)")
                return [blocker]
            }
        }
        let losses = observed.dependents + (observed.contents ?? []).sorted().map { id in
            // `…/providers/Microsoft.Compute/virtualMachines/vm1` -> `virtualMachines/vm1`.
            "\(id.split(separator: "/").suffix(2).joined(separator: "/"))"
        }
        guard Protection.check(address, verb: "delete", impact: impact, cause: cause, losses: losses, input: input, findings: &findings)
        else { return [blocker] }
        let change = Change(
            address: address,
            action: .delete,
            reason: .removedFromManifests,
            disruption: impact,
            after: nil,
            before: observed.properties,
            cloudID: observed.cloudID ?? entry.cloudID,
            requires: entry.dependsOn
        )
        return [PlanDraft(phase: .removal, change: change, addressDeps: entry.dependsOn)]
    }

    /// Stop managing a resource that stays: its provider marks its ownership as released (a broker file is
    /// left as it is).
    static func forget(_ entry: Inventory.Entry, _ observed: ObservedResource) -> Change {
        Change(
            address: entry.address, action: .forget, reason: .removedFromManifests, disruption: .none,
            after: nil, before: observed.properties, cloudID: observed.cloudID ?? entry.cloudID, requires: entry.dependsOn)
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
