import ReconcileModel

/// Rules 7-8 and the blocking part of rule 2: wires drafts into a dependency graph by phase, leaves out
/// whatever depends on a blocker, narrows to `--target`, and orders the rest deterministically.
struct PlanAssembly {
    private var drafts: [String: PlanDraft] = [:]
    private var graph = DependencyGraph<String>()
    /// Declared address-level dependencies, so `--target` takes in what a target depends on even when the
    /// target itself needs no change.
    private var addressDependencies: [ResourceAddress: [ResourceAddress]] = [:]

    /// `specs` are the declared resources (for "who still depends on this address" when ordering deletes).
    init(drafts list: [PlanDraft], specs: [ResourceSpec]) {
        for draft in list where drafts[draft.key] == nil { drafts[draft.key] = draft }
        graph = DependencyGraph(nodes: drafts.keys)
        for spec in specs { addressDependencies[spec.address, default: []] += spec.dependsOn }
        wire(specs: specs)
    }

    // MARK: - Edges

    private mutating func wire(specs: [ResourceSpec]) {
        let all = drafts.values.sorted { $0.key < $1.key }
        var cloudByAddress: [ResourceAddress: String] = [:]
        var blockersByAddress: [ResourceAddress: [String]] = [:]
        var cloudByCluster: [String: [String]] = [:]
        var writesByCluster: [String: [String]] = [:]
        var restartsByCluster: [String: [PlanDraft]] = [:]
        var contractsByCluster: [String: [String]] = [:]
        var removals: [PlanDraft] = []
        for draft in all {
            if draft.isBlocker { blockersByAddress[draft.address, default: []].append(draft.key) }
            switch draft.phase {
            case .cloud:
                cloudByAddress[draft.address] = draft.key
                cloudByCluster[draft.address.cluster, default: []].append(draft.key)
            case .brokerConfig: writesByCluster[draft.address.cluster, default: []].append(draft.key)
            case .restart: restartsByCluster[draft.address.cluster, default: []].append(draft)
            case .contract: contractsByCluster[draft.address.cluster, default: []].append(draft.key)
            case .removal: removals.append(draft)
            }
        }
        for cluster in restartsByCluster.keys {
            restartsByCluster[cluster]!.sort { PlanDraft.restartOrder($0.address, $1.address) }
        }
        var declaredDependents: [ResourceAddress: [ResourceAddress]] = [:]
        for spec in specs {
            for dep in spec.dependsOn { declaredDependents[dep, default: []].append(spec.address) }
        }
        /// The nodes standing for "this address is ready": its cloud change or its blockers.
        func readiness(of address: ResourceAddress) -> [String] {
            (cloudByAddress[address].map { [$0] } ?? []) + (blockersByAddress[address] ?? [])
        }

        for draft in all where !draft.isBlocker {
            let key = draft.key
            let cluster = draft.address.cluster
            var deps: [String] = []
            switch draft.phase {
            case .cloud:
                deps = draft.addressDeps.flatMap(readiness)
            case .brokerConfig:
                deps = (cloudByCluster[cluster] ?? []) + draft.addressDeps.flatMap(readiness)
            case .restart:
                let chain = restartsByCluster[cluster] ?? []
                if let index = chain.firstIndex(where: { $0.key == key }), index > 0 {
                    deps = [chain[index - 1].key]
                } else {
                    deps = writesByCluster[cluster] ?? []
                }
            case .contract:
                // After its own expand and the cluster's whole roll (or its config writes when nothing restarts).
                deps = cloudByAddress[draft.address].map { [$0] } ?? []
                deps += restartsByCluster[cluster]?.last.map { [$0.key] } ?? (writesByCluster[cluster] ?? [])
                deps += draft.addressDeps.flatMap(readiness)
            case .removal:
                // Delete a dependent before what it depends on; let declared users move away first.
                deps = removals.filter { $0.addressDeps.contains(draft.address) }.map(\.key)
                deps += (declaredDependents[draft.address] ?? []).flatMap(readiness)
                if let lastRestart = restartsByCluster[cluster]?.last { deps.append(lastRestart.key) }
                deps += contractsByCluster[cluster] ?? []
                deps += draft.after.flatMap(readiness)
            }
            for dep in deps where dep != key { graph.addEdge(key, dep) }
        }
    }

    // MARK: - Resolution

    /// The final, ordered changes.
    func resolve(targets: [String], findings: inout PlanFindings) -> [Change] {
        var kept = Set(drafts.values.filter { !$0.isBlocker }.map(\.key))

        for key in kept.sorted() {
            let blockers = graph.transitiveDependencies(of: key).compactMap { drafts[$0] }.filter { $0.isBlocker }
            guard !blockers.isEmpty else { continue }
            let names = Set(blockers.map { $0.address.description }).sorted().joined(separator: ", ")
            findings.warn("\(key) left out: it depends on \(names), which has a problem")
            kept.remove(key)
        }

        if !targets.isEmpty {
            let declared = Set(drafts.values.map(\.address)).union(addressDependencies.keys)
            var targeted: Set<ResourceAddress> = []
            for selector in targets {
                let reach = TargetSelection.reach(of: selector, among: declared) { addressDependencies[$0] ?? [] }
                if !kept.contains(where: { reach.contains(drafts[$0]!.address) }) {
                    findings.warn("--target \(selector) matches no planned change")
                }
                targeted.formUnion(reach)
            }
            let selected = kept.filter { targeted.contains(drafts[$0]!.address) }
            var closure = selected
            for key in selected { closure.formUnion(graph.transitiveDependencies(of: key)) }
            kept.formIntersection(closure)
            findings.warn("plan is partial: --target \(targets.joined(separator: " --target ")); "
                + "other changes wait for a full plan")
        }

        return order(kept)
    }

    /// Phase by phase; within a phase by dependency depth, then address.
    private func order(_ kept: Set<String>) -> [Change] {
        var sub = DependencyGraph<String>(nodes: kept)
        for key in kept {
            for dep in graph.dependencies(of: key) where kept.contains(dep) { sub.addEdge(key, dep) }
        }
        let depth = sub.depths()
        let ordered = kept.sorted { a, b in
            let (x, y) = (drafts[a]!, drafts[b]!)
            if x.phase != y.phase { return x.phase < y.phase }
            if depth[a, default: 0] != depth[b, default: 0] { return depth[a, default: 0] < depth[b, default: 0] }
            if x.address != y.address { return x.address < y.address }
            return a < b
        }
        let position = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1, $0) })
        return ordered.map { key in
            var change = drafts[key]!.change!
            change.dependsOn = sub.dependencies(of: key).sorted { position[$0]! < position[$1]! }
            return change
        }
    }
}
