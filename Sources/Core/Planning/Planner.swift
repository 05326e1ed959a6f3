public import ReconcileModel

/// Turns desired state, observed state, inventories and the journal's pending restarts into an ordered
/// plan. Pure and deterministic: the same input (in any order) gives the identical plan.
///
/// Safety rules, in short: only inventory entries are ever deleted; a resource the reconciler did not create
/// is never touched unless the manifest says `adopt: true`; an address that cannot be observed (or is
/// refused, or sits on a dependency cycle) gets no change, and neither does anything depending on it; a resource
/// that leaves the manifests is forgotten unless its exposure says `deletionPolicy: Delete`, and a protected one
/// (data loss, consumers cut off) is deleted or replaced only with `--allow-destroy` (rule 10); a static KRaft
/// quorum's voters are never rewritten and a broker leaves only when it hosts no replica (rule 11).
public enum Planner {
    public static func plan(_ input: PlanInput) -> Plan {
        var findings = PlanFindings()
        let (specs, conflicting) = uniqueSpecs(input.desired, findings: &findings)
        let declared = Set(specs.map(\.address)).union(conflicting.map(\.address))
        let removed = InventoryPruning.removedEntries(input, desired: declared)
        let onCycle = cycleMembers(specs: specs + conflicting, removed: removed, findings: &findings)

        var drafts: [PlanDraft] = conflicting.map {
            .blocker($0.address, phase: PlanDraft.desiredPhase(of: $0.address), addressDeps: $0.dependsOn)
        }
        for spec in specs {
            if let why = spec.unresolved {
                findings.problem(spec.address, why)
                drafts.append(.blocker(spec.address, phase: PlanDraft.desiredPhase(of: spec.address), addressDeps: spec.dependsOn))
            } else if onCycle.contains(spec.address) {
                drafts.append(.blocker(spec.address, phase: PlanDraft.desiredPhase(of: spec.address)))
            } else {
                drafts += DesiredChanges.drafts(for: spec, input: input, findings: &findings)
            }
        }
        for entry in removed {
            if onCycle.contains(entry.address) {
                drafts.append(.blocker(entry.address, phase: .removal))
            } else if let family = Supersession.family(of: entry, among: specs) {
                drafts += Supersession.drafts(for: entry, supersededBy: family, input: input, findings: &findings)
            } else {
                drafts += InventoryPruning.drafts(for: entry, input: input, findings: &findings)
            }
        }
        drafts += InventoryPruning.pendingRestartDrafts(input, desired: declared, findings: &findings)

        let changes = PlanAssembly(drafts: drafts, specs: specs + conflicting)
            .resolve(targets: input.targets, findings: &findings)
        var plan = Plan(
            changes: changes,
            drift: findings.drift.sorted(),
            problems: findings.sortedProblems,
            warnings: findings.warnings + unusedAllowances(input, findings: findings),
            isComplete: !findings.observationFailed && input.targets.isEmpty,
            observations: Self.observations(input, declared: declared, specs: specs),
            inventoryRepairs: InventoryRepairs.of(input, specs: specs, removed: removed)
        )
        // Rule 12: restarts left to the operator, then each cluster's restarts in the order its roll would take.
        plan = plan.leavingRestartsToOperator(in: input.manualRestarts)
        for (cluster, order) in input.restartOrders.sorted(by: { $0.key < $1.key }) {
            plan = plan.reorderingRestarts(of: cluster, order: order.order, note: order.note)
        }
        return plan
    }

    /// The clusters with more than one restart in `plan`, whose order is worth predicting (an input of the next
    /// planning, `PlanInput.restartOrders`).
    /// The observed section: each declared resource's consumer facts (from the manifests) then what its provider
    /// observed (notes), for every declared address that has either.
    static func observations(_ input: PlanInput, declared: Set<ResourceAddress>, specs: [ResourceSpec]) -> [Plan.Observation] {
        var facts: [ResourceAddress: [String]] = [:]
        for spec in specs where !spec.consumerFacts.isEmpty { facts[spec.address, default: []] += spec.consumerFacts }
        let addresses = Set(facts.keys).union(input.observed.values.filter { !$0.notes.isEmpty && declared.contains($0.address) }.map(\.address))
        return addresses.sorted().map { address in
            Plan.Observation(address: address, notes: (facts[address] ?? []) + (input.observed[address]?.notes ?? []))
        }
    }

    public static func clustersToOrder(_ plan: Plan) -> [String: [Change]] {
        Dictionary(grouping: plan.changes.filter { $0.action == .restartBroker }, by: \.address.cluster).filter { $0.value.count > 1 }
    }

    /// `--allow-destroy` selectors that confirmed nothing: said, so a typo does not pass unnoticed.
    private static func unusedAllowances(_ input: PlanInput, findings: PlanFindings) -> [String] {
        input.allowDestroy.filter { selector in !findings.allowedDestroys.contains { $0.matches(selector: selector) } }
            .map { "--allow-destroy \($0) matched no protected delete or replace in this plan" }
    }

    /// One spec per address, sorted. Identical duplicates collapse; differing ones are a problem, and the
    /// address gets no change (the first of them is returned in `conflicting` so dependents are blocked).
    private static func uniqueSpecs(_ desired: [ResourceSpec], findings: inout PlanFindings)
        -> (specs: [ResourceSpec], conflicting: [ResourceSpec])
    {
        var byAddress: [ResourceAddress: [ResourceSpec]] = [:]
        for spec in desired { byAddress[spec.address, default: []].append(spec) }
        var specs: [ResourceSpec] = []
        var conflicting: [ResourceSpec] = []
        for address in byAddress.keys.sorted() {
            let group = byAddress[address]!
            if group.count == 1 || group.allSatisfy({ $0 == group[0] }) {
                specs.append(group[0])
            } else {
                let places = group.compactMap(\.source).sorted().map(\.description)
                let whereText = places.isEmpty ? "" : " (\(places.joined(separator: ", ")))"
                findings.problem(address, "declared more than once with different settings\(whereText)")
                var merged = group.min { $0.properties.description < $1.properties.description }!
                merged.dependsOn = Array(Set(group.flatMap(\.dependsOn))).sorted()
                conflicting.append(merged)
            }
        }
        return (specs, conflicting)
    }

    /// Rule 9: dependency cycles among declared resources and removed inventory entries. Each member gets
    /// a problem naming the cycle and no change.
    private static func cycleMembers(
        specs: [ResourceSpec],
        removed: [Inventory.Entry],
        findings: inout PlanFindings
    ) -> Set<ResourceAddress> {
        var graph = DependencyGraph<ResourceAddress>()
        for spec in specs {
            graph.addNode(spec.address)
            for dep in spec.dependsOn { graph.addEdge(spec.address, dep) }
        }
        for entry in removed {
            graph.addNode(entry.address)
            for dep in entry.dependsOn { graph.addEdge(entry.address, dep) }
        }
        var members: Set<ResourceAddress> = []
        for cycle in graph.cycles() {
            let text = (cycle + [cycle[0]]).map { $0.description }.joined(separator: " -> ")
            for address in cycle.sorted() {
                findings.problem(address, "dependency cycle: \(text)")
                members.insert(address)
            }
        }
        return members
    }
}
