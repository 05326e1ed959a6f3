import DesiredState
import Execution
import KafkaBrokers
public import Foundation
public import Manifests
import PlanRendering
import Planning
public import ProviderAPI
public import ReconcileModel

/// One reconcile pass, the same for `--dry-run`, apply and (later) each service tick:
/// load manifests -> derive desired state -> lock (apply only) -> observe -> plan -> render -> apply -> record.
public struct ReconcilePass: Sendable {
    public enum OutputFormat: String, Sendable, CaseIterable { case text, json }

    public struct Options: Sendable {
        public var manifests: String
        public var dryRun: Bool
        public var detailedExitCode: Bool
        public var output: OutputFormat
        public var targets: [String]
        /// `--allow-destroy` selectors: the one-run confirmation for deleting or replacing protected resources.
        public var allowDestroy: [String]

        public init(
            manifests: String, dryRun: Bool, detailedExitCode: Bool = false, output: OutputFormat = .text, targets: [String] = [],
            allowDestroy: [String] = []
        ) {
            self.manifests = manifests
            self.dryRun = dryRun
            self.detailedExitCode = detailedExitCode
            self.output = output
            self.targets = targets
            self.allowDestroy = allowDestroy
        }
    }

    let providers: @Sendable (ManifestSet, [Inventory]) -> [any ResourceProvider]
    let store: any StateStore
    let console: Console
    let now: @Sendable () -> Date
    let runID: String
    let observeConcurrency: Int

    /// - Parameter providers: builds the providers once the manifests and inventories are loaded (brokers' SSH
    ///   endpoints come from the manifests; a cloud whose exposures left the manifests is still in the inventory).
    public init(
        providers: @escaping @Sendable (ManifestSet, [Inventory]) -> [any ResourceProvider], store: any StateStore, console: Console,
        now: @escaping @Sendable () -> Date = Date.init, runID: String = UUID().uuidString.lowercased(), observeConcurrency: Int = 8
    ) {
        self.providers = providers
        self.store = store
        self.console = console
        self.now = now
        self.runID = runID
        self.observeConcurrency = observeConcurrency
    }

    /// A pass over a fixed set of providers.
    public init(
        providers: [any ResourceProvider], store: any StateStore, console: Console,
        now: @escaping @Sendable () -> Date = Date.init, runID: String = UUID().uuidString.lowercased(), observeConcurrency: Int = 8
    ) {
        self.init(providers: { _, _ in providers }, store: store, console: console, now: now, runID: runID, observeConcurrency: observeConcurrency)
    }

    /// Runs the pass and returns the process exit status.
    public func run(_ options: Options) async -> Int32 {
        let load = ManifestLoader.load(directory: options.manifests)
        report(load.diagnostics)
        guard !load.diagnostics.hasErrors else { return ExitStatus.error }
        let desired = DesiredStateCompiler.compile(load.manifests)
        report(desired.diagnostics)
        guard !desired.diagnostics.hasErrors else { return ExitStatus.error }
        let clusters = load.manifests.clusters.map(\.name.value).sorted()

        var locks: [LockInfo] = []
        if !options.dryRun {
            do {
                for cluster in clusters { locks.append(try await store.lock(cluster: cluster, operation: "apply")) }
            } catch {
                console.err("error: \(error)\n")
                await release(locks)
                return ExitStatus.error
            }
        }
        let status = await planAndApply(options, desired: desired, manifests: load.manifests, clusters: clusters)
        await release(locks)
        return status
    }

    private func planAndApply(_ options: Options, desired: DesiredState, manifests: ManifestSet, clusters: [String]) async -> Int32 {
        let scope = TargetScope(selectors: options.targets, desired: desired.resources)
        var inventories: [String: Inventory] = [:]
        var journals: [String: [JournalEntry]] = [:]
        do {
            for cluster in clusters {
                inventories[cluster] = try await store.inventory(cluster: cluster)
                journals[cluster] = try await store.journal(cluster: cluster)
            }
        } catch {
            console.err("error: cannot read state: \(error)\n")
            return ExitStatus.error
        }
        let unmatched = TargetScope.unmatched(options.targets, desired: desired.resources, inventories: inventories)
        if !unmatched.isEmpty {
            let list = unmatched.map { "--target \($0)" }.joined(separator: ", ")
            console.err("error: \(list) \(unmatched.count == 1 ? "matches" : "match") no address in the manifests or the state "
                + "(addresses are CLUSTER/TYPE/NAME, e.g. \(desired.resources.first?.address.description ?? "tidb-kafka/azure.loadBalancer/kafka-lb"); "
                + "a prefix selects everything below it, `*` matches one segment)\n")
            return ExitStatus.error
        }
        let providers = self.providers(manifests, clusters.compactMap { inventories[$0] })
        var warnings: [String] = []
        if let stored = try? await store.clusters() {
            for orphan in stored where !clusters.contains(orphan) {
                warnings.append("state for cluster `\(orphan)` exists but no manifest declares it; nothing of it is changed or deleted")
            }
        }
        let scopedDesired = scope.desired
        let scopedInventories = inventories.mapValues(scope.inventory)
        let outcome = await Observation(providers: providers, concurrency: observeConcurrency)
            .observe(desired: scopedDesired, inventories: scopedInventories)
        let observed = outcome.observed
        // A provider that could observe nothing is explained once here; each of its addresses says a few words.
        for failure in outcome.failures { console.err("error: \(failure)\n") }
        var plan = Planner.plan(PlanInput(
            desired: scopedDesired, observed: observed, inventories: scopedInventories,
            pendingRestarts: PendingRestarts.from(journals: journals).filter { scope.contains($0.key) }, targets: options.targets,
            allowDestroy: options.allowDestroy, deletionImpact: Declarations.deletionImpact,
            exposures: Declarations.exposures(manifests),
            kafkaVersions: Dictionary(manifests.clusters.map { ($0.name.value, $0.kafkaVersion.value.description) }, uniquingKeysWith: { a, _ in a })))
        let manual = Set(manifests.clusters.filter { $0.restartPolicy == .manual }.map(\.name.value))
        plan = plan.leavingRestartsToOperator(in: manual)
        plan = await orderingRestarts(plan, providers: providers)
        plan.warnings += warnings
        plan.errors = outcome.failures.map(\.description)
        render(plan, options)

        if !plan.problems.isEmpty {
            console.err("error: the plan has \(plan.problems.count) problem(s); nothing was applied\n")
            return ExitStatus.error
        }
        if options.dryRun {
            return options.detailedExitCode && plan.hasChanges ? ExitStatus.changesPending : ExitStatus.success
        }
        do {
            inventories = try await dropVanished(inventories, desired: desired, observed: observed, scope: scope)
            inventories = try await recordUntracked(inventories, desired: scopedDesired, observed: observed)
            inventories = try await recordDeclarations(inventories, desired: scopedDesired)
        } catch {
            console.err("error: cannot save state: \(error)\n")
            return ExitStatus.error
        }
        guard plan.hasChanges else { return ExitStatus.success }
        let console = self.console
        let executor = Executor(providers: providers, store: store, runID: runID, now: now) { event in
            console.err(ProgressText.line(for: event))
        }
        let result = await executor.apply(plan, inventories: inventories)
        do {
            _ = try await recordDeclarations(result.inventories, desired: scopedDesired)
        } catch {
            console.err("warning: cannot record where resources are declared: \(error)\n")
        }
        console.err(ProgressText.summary(result))
        return result.isSuccess ? ExitStatus.success : ExitStatus.error
    }

    /// Inventory entries that are no longer declared and no longer exist (deleted by hand, or a delete whose
    /// result was lost) are dropped, so the inventory keeps describing the real world.
    private func dropVanished(
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
    private func recordUntracked(
        _ inventories: [String: Inventory], desired: [ResourceSpec], observed: [ResourceAddress: ObservedResource]
    ) async throws -> [String: Inventory] {
        var out = inventories
        for spec in desired where spec.address.type != BrokerConfigProvider.type {
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
    private func recordDeclarations(_ inventories: [String: Inventory], desired: [ResourceSpec]) async throws -> [String: Inventory] {
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

    /// Lists each cluster's restarts in the order its roller would take them now.
    private func orderingRestarts(_ plan: Plan, providers: [any ResourceProvider]) async -> Plan {
        var plan = plan
        let clusters = Set(plan.changes.filter { $0.action == .restartBroker }.map(\.address.cluster))
        for cluster in clusters.sorted() {
            let restarts = plan.changes.filter { $0.action == .restartBroker && $0.address.cluster == cluster }
            guard restarts.count > 1,
                let roller = providers.first(where: { $0.resourceTypes.contains(restarts[0].address.type) }) as? any BrokerRoller
            else { continue }
            let (order, why) = await roller.predictedOrder(restarts)
            plan = plan.reorderingRestarts(of: cluster, order: order, note: why)
        }
        return plan
    }

    private func render(_ plan: Plan, _ options: Options) {
        switch options.output {
        case .json:
            console.out(JSONPlanRenderer().render(plan) + "\n")
        case .text:
            let color = TextPlanRenderer.shouldUseColor(isTTY: console.isTTY, environment: console.environment)
            console.out(TextPlanRenderer(color: color).render(plan) + "\n")
        }
    }

    private func report(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        console.err(DiagnosticRenderer.render(diagnostics, format: .text) + "\n")
    }

    private func release(_ locks: [LockInfo]) async {
        for lock in locks {
            do { try await store.unlock(lock) } catch { console.err("warning: cannot release lock of \(lock.cluster): \(error)\n") }
        }
    }
}
