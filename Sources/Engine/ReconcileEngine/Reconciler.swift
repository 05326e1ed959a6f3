import DesiredState
import Execution
public import Foundation
public import Logging
import Manifests
import Planning
public import ProviderAPI
import ReconcileModel

/// The reconcile pass as a long-lived library: built once, called for every pass (a CLI run, a service tick).
///
/// One pass: derive the desired state (pure) -> lock each cluster (apply only) -> read inventories and journals ->
/// observe (concurrent, bounded) -> plan (pure) -> report the plan -> apply (executor, gated rolls) -> record
/// state. It never prints and never exits: it returns a `PassResult` and reports progress through `events`.
///
/// It logs through swift-log: every record of a pass carries `reconcile.pass` (the pass id), and apply steps carry
/// `resource`, `cluster` and `action` (levels: `info` one line per pass, `notice` applied steps, `warning`
/// skips, `error` failures).
///
/// Providers come from `providers` for each pass; a `ProviderRegistry` keeps cloud providers (their connection
/// pools and token caches) for the reconciler's life. Passes on one reconciler may run one at a time per cluster
/// (the state store's lock refuses a second apply).
public final class Reconciler<C: Clock>: Sendable where C.Duration == Duration {
    let providers: any ProviderSource
    public let store: any StateStore
    let clock: C
    let now: @Sendable () -> Date
    let newPassID: @Sendable () -> String
    let observeConcurrency: Int
    let logger: Logger
    let factsReader: (any ClusterFactsReader)?

    /// - Parameters:
    ///   - clock: measures the phases (`PassResult.timings`).
    ///   - now: wall-clock time for the journal's timestamps.
    ///   - newPassID: a fresh id for every pass (recorded in the journal as the run id).
    ///   - factsReader: reads, over Kafka, the clusters whose desired state depends on them (kafka-proxy's mappings);
    ///     without one, such resources are unresolved (a problem in the plan).
    public init(
        providers: any ProviderSource, store: any StateStore, clock: C, now: @escaping @Sendable () -> Date,
        newPassID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }, observeConcurrency: Int = 8,
        logger: Logger = Logger(label: "reconcile", factory: { _ in SwiftLogNoOpLogHandler() }),
        factsReader: (any ClusterFactsReader)? = nil
    ) {
        self.factsReader = factsReader
        self.logger = logger
        self.providers = providers
        self.store = store
        self.clock = clock
        self.now = now
        self.newPassID = newPassID
        self.observeConcurrency = observeConcurrency
    }

    /// Runs one pass. `events` receives the final plan before anything is applied, then each step of the apply.
    public func reconcile(_ request: PassRequest, events: @escaping @Sendable (PassEvent) async -> Void = { _ in }) async -> PassResult {
        let passID = newPassID()
        return await PassContext.$passID.withValue(passID) { await reconcile(request, passID: passID, events: events) }
    }

    private func reconcile(_ request: PassRequest, passID: String, events: @escaping @Sendable (PassEvent) async -> Void) async -> PassResult {
        var result = PassResult(passID: passID)
        var logger = self.logger
        logger[metadataKey: "reconcile.pass"] = "\(result.passID)"
        defer {
            logger.info("pass finished", metadata: [
                "mode": "\(request.mode == .apply ? "apply" : "dry-run")", "stopped": "\(result.stop.map { "\($0)" } ?? "no")",
                "observe": "\(result.timings.observe)", "plan": "\(result.timings.plan)", "apply": "\(result.timings.apply)",
            ])
        }
        let clusters = request.manifests.clusters.map(\.name.value).sorted()
        // The cloud providers' tokens are asked for now, while the desired state compiles and the state is read (a
        // round trip that would otherwise start only with the observation).
        providers.prepare(for: request.manifests)
        // A dry-run takes no lock, so its state is read while the desired state compiles (on another core); an
        // apply reads it once its locks are held.
        let store = self.store
        async let earlyState = request.mode == .dryRun ? Self.readState(clusters, from: store) : nil
        let factsStarted = clock.now
        let facts = await Self.readFacts(request.manifests, reader: factsReader)
        result.timings.observe = factsStarted.duration(to: clock.now)
        let desired = DesiredStateCompiler.compile(request.manifests, facts: facts)
        result.diagnostics = desired.diagnostics
        guard !desired.diagnostics.hasErrors else {
            result.stop = .invalidDesiredState
            return result
        }
        var locks: [LockInfo] = []
        if request.mode == .apply {
            do {
                for cluster in clusters where request.heldLocks[cluster] == nil {
                    locks.append(try await store.lock(cluster: cluster, operation: "apply"))
                }
            } catch {
                await release(locks, into: &result)
                result.stop = .locked("\(error)")
                return result
            }
        }
        let inForce = request.mode == .apply ? locks + clusters.compactMap { request.heldLocks[$0] } : []
        let early = await earlyState
        let state = if let early { early } else { await Self.readState(clusters, from: store) }
        switch state {
        case .success(let state):
            await run(
                request, desired: desired, clusters: clusters, state: state, locks: inForce, into: &result, logger: logger,
                events: events)
        case .failure(let error):
            result.stop = .state("cannot read state: \(error)")
        }
        await release(locks, into: &result)
        return result
    }

    /// Every cluster's inventory and journal.
    struct StoredState: Sendable {
        var inventories: [String: Inventory] = [:]
        var journals: [String: [JournalEntry]] = [:]
    }

    /// Reads every cluster's state at once: decoding it is most of a many-cluster pass's own work.
    static func readState(_ clusters: [String], from store: any StateStore) async -> Result<StoredState, any Error> {
        do {
            return .success(try await withThrowingTaskGroup(of: (String, Inventory, [JournalEntry]).self) { group in
                for cluster in clusters {
                    group.addTask { (cluster, try await store.inventory(cluster: cluster), try await store.journal(cluster: cluster)) }
                }
                var state = StoredState()
                for try await (cluster, inventory, journal) in group {
                    state.inventories[cluster] = inventory
                    state.journals[cluster] = journal
                }
                return state
            })
        } catch {
            return .failure(error)
        }
    }

    private func run(
        _ request: PassRequest, desired: DesiredState, clusters: [String], state: StoredState, locks: [LockInfo],
        into result: inout PassResult, logger: Logger, events: @escaping @Sendable (PassEvent) async -> Void
    ) async {
        let scope = TargetScope(selectors: request.targets, desired: desired.resources)
        var inventories = state.inventories
        let journals = state.journals
        let inventoryList = clusters.compactMap { inventories[$0] }
        let families = Set(desired.resources.map(\.address.provider) + inventoryList.flatMap { $0.entries.keys.map(\.provider) })
        let providers = self.providers.providers(for: request.manifests, needing: families, inventories: inventoryList)
        var warnings: [String] = []
        if let stored = try? await store.clusters() {
            for orphan in stored where !clusters.contains(orphan) {
                warnings.append("state for cluster `\(orphan)` exists but no manifest declares it; nothing of it is changed or deleted")
            }
        }

        // Discovery runs beside the observation of what the manifests and the inventory name; what it finds comes
        // with its own observation, so a converged pass pays no extra round trip for it.
        var started = clock.now
        let scopedDesired = scope.desired
        let stored = inventories, allDesired = desired.resources
        async let discovering = Self.discover(providers, clusters: Set(clusters), desired: allDesired, inventories: stored)
        var outcome = await Observation(providers: providers, concurrency: observeConcurrency)
            .observe(desired: scopedDesired, inventories: inventories.mapValues(scope.inventory))
        let discovery = await discovering
        let merged = InventoryDiscovery.merge(discovery.found, into: inventories, desired: desired.resources)
        inventories = merged.inventories
        let unmatched = TargetScope.unmatched(request.targets, desired: desired.resources, inventories: inventories)
        guard unmatched.isEmpty else {
            result.stop = .unmatchedTargets(unmatched)
            return
        }
        let scopedInventories = inventories.mapValues(scope.inventory)
        let added = Set(merged.added)
        var unobserved: [String: Inventory] = [:]
        for resource in discovery.found where added.contains(resource.address) && scope.contains(resource.address) {
            if let seen = resource.observed {
                outcome.observed[resource.address] = seen
            } else if let entry = inventories[resource.address.cluster]?[resource.address] {
                unobserved[resource.address.cluster, default: Inventory(cluster: resource.address.cluster)][resource.address] = entry
            }
        }
        if !unobserved.isEmpty {
            let more = await Observation(providers: providers, concurrency: observeConcurrency).observe(desired: [], inventories: unobserved)
            outcome.observed.merge(more.observed) { first, _ in first }
            outcome.failures += more.failures
        }
        result.providerFailures = discovery.failures + outcome.failures.map(\.description)

        var pending = PendingRestarts.from(journals: journals).filter { scope.contains($0.key) }
        for address in await Self.restartsPendingOnBrokers(scopedDesired, observed: outcome.observed, providers: providers)
        where pending[address] == nil {
            pending[address] = .some(nil)
        }
        result.timings.observe += started.duration(to: clock.now)

        started = clock.now
        var input = PlanInput(
            desired: scopedDesired, observed: outcome.observed, inventories: scopedInventories,
            pendingRestarts: pending, targets: request.targets,
            allowDestroy: request.allowDestroy, deletionImpact: Declarations.deletionImpact,
            exposures: Declarations.exposures(request.manifests),
            kafkaVersions: Dictionary(
                request.manifests.clusters.map { ($0.name.value, $0.kafkaVersion.value.description) }, uniquingKeysWith: { a, _ in a }))
        input.manualRestarts = Set(request.manifests.clusters.filter { $0.restartPolicy == .manual }.map(\.name.value))
        var plan = Planner.plan(input)
        // Where restarts are planned, their order is the roller's prediction from the cluster's health now (read
        // only then), and the planner lists them in that order.
        let toOrder = Planner.clustersToOrder(plan)
        if !toOrder.isEmpty {
            for (cluster, restarts) in toOrder {
                guard let roller = providers.first(where: { $0.resourceTypes.contains(restarts[0].address.type) })?.roller else { continue }
                let (order, why) = await roller.predictedOrder(restarts)
                input.restartOrders[cluster] = RestartOrder(order: order, note: why)
            }
            plan = Planner.plan(input)
        }
        if request.honourPolicy { plan = Self.gate(request.manifests).gate(plan, at: now()) }
        plan.warnings += warnings
        plan.errors = result.providerFailures
        result.timings.plan = started.duration(to: clock.now)
        result.plan = plan
        await events(.planned(plan))

        if !plan.problems.isEmpty {
            result.stop = .problems(plan.problems.count)
            return
        }
        guard request.mode == .apply else { return }
        do {
            inventories = try await InventoryUpkeep(store: store).record(plan.inventoryRepairs, in: inventories)
        } catch {
            result.stop = .state("cannot save state: \(error)")
            return
        }
        guard plan.hasChanges else { return }
        started = clock.now
        let gate = request.honourPolicy ? Self.gate(request.manifests) : nil
        let interruption = Interruption()
        let asked = request.beforeRestart, now = self.now, store = self.store
        let held = Dictionary(locks.map { ($0.cluster, $0) }, uniquingKeysWith: { first, _ in first })
        let executor = Executor(
            providers: providers, store: store, runID: result.passID, now: now,
            events: { event in
                ApplyProgress.log(event, to: logger)
                await events(.applying(event))
            },
            beforeRestart: { change in
                let reason: String?
                if let asked = await asked?(change) { reason = asked } else { reason = gate?.disruptionHeld(change.address.cluster, at: now()) }
                if let reason { await interruption.note(reason) }
                return reason
            },
            confirmLock: { change in
                guard let lock = held[change.address.cluster] else { return nil }
                do {
                    try await store.confirm(lock)
                    return nil
                } catch {
                    return "\(error)"
                }
            }, revision: request.revision)
        let report = await executor.apply(plan, inventories: inventories)
        logger.log(level: report.isSuccess ? .notice : .error, "\(ApplyProgress.summary(report))")
        result.timings.apply = started.duration(to: clock.now)
        result.apply = report
        result.interruptedRoll = await interruption.reason
    }

    /// What every provider finds by the reconciler's ownership marks (concurrently), and a line for each that
    /// could not look: the pass then plans from the inventory alone for that provider's resources.
    static func discover(
        _ providers: [any ResourceProvider], clusters: Set<String>, desired: [ResourceSpec], inventories: [String: Inventory]
    ) async -> (found: [DiscoveredResource], failures: [String]) {
        let entries = inventories.values.flatMap(\.entries.values)
        return await withTaskGroup(of: Result<[DiscoveredResource], any Error>.self) { group in
            for provider in providers {
                let types = provider.resourceTypes
                group.addTask {
                    do {
                        return .success(try await provider.discover(
                            clusters: clusters, desired: desired.filter { types.contains($0.address.type) },
                            inventory: entries.filter { types.contains($0.address.type) }))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var found: [DiscoveredResource] = []
            var failures: [String] = []
            for await result in group {
                switch result {
                case .success(let resources): found += resources
                case .failure(let error):
                    failures.append("\(error); resources the inventory does not hold may be missing from this plan")
                }
            }
            return (found.sorted { $0.address < $1.address }, failures.sorted())
        }
    }

    /// Declared brokers whose file already says what the manifests want but which run something else (asked of
    /// the brokers themselves through their roller): their restart is pending whatever this machine's journal
    /// holds. Brokers whose file is about to be written get a restart anyway and are not asked.
    static func restartsPendingOnBrokers(
        _ desired: [ResourceSpec], observed: [ResourceAddress: ObservedResource], providers: [any ResourceProvider]
    ) async -> Set<ResourceAddress> {
        var files: [ResourceAddress: Value] = [:]
        for spec in desired where spec.address.type == BrokerConfigSemantics.resourceType {
            guard let seen = observed[spec.address], seen.error == nil,
                BrokerConfigSemantics.differences(desired: spec.properties, observed: seen.properties).isEmpty
            else { continue }
            files[spec.address] = seen.properties
        }
        guard !files.isEmpty,
            let roller = providers.first(where: { $0.resourceTypes.contains(BrokerConfigSemantics.resourceType) })?.roller
        else { return [] }
        return await roller.notRunning(files)
    }

    /// Each cluster's `spec.reconcile` as the planner's gate.
    static func gate(_ manifests: ManifestSet) -> PlanGate {
        PlanGate(policies: Dictionary(manifests.clusters.map { cluster in
            let r = cluster.reconcile
            let apply: PlanGate.Policy.Apply = switch r.apply {
            case .always: .always
            case .nonDisruptive: .nonDisruptive
            case .never: .never
            }
            return (cluster.name.value, PlanGate.Policy(apply: apply, suspended: r.suspend, windows: r.windows))
        }, uniquingKeysWith: { a, _ in a }))
    }

    /// The facts of every cluster `ManifestSet.clustersNeedingFacts` names, read concurrently (a handful of clusters
    /// at most), on each cluster's INTERNAL listener.
    static func readFacts(_ manifests: ManifestSet, reader: (any ClusterFactsReader)?) async -> [String: ClusterFacts] {
        let clusters = manifests.clustersNeedingFacts
        guard let reader, !clusters.isEmpty else { return [:] }
        return await withTaskGroup(of: (String, ClusterFacts).self) { group in
            for cluster in clusters {
                let port = cluster.internalListener.port.value
                let request = ClusterFactsRequest(
                    cluster: cluster.name.value, bootstrap: cluster.brokers.map { "\($0.address.value):\(port)" }, listenerPort: port)
                group.addTask { (cluster.name.value, await reader.facts(request)) }
            }
            var out: [String: ClusterFacts] = [:]
            for await (name, facts) in group { out[name] = facts }
            return out
        }
    }

    private func release(_ locks: [LockInfo], into result: inout PassResult) async {
        for lock in locks {
            do { try await store.unlock(lock) } catch { result.warnings.append("cannot release lock of \(lock.cluster): \(error)") }
        }
    }
}

/// The first reason a roll of the pass was stopped between brokers.
private actor Interruption {
    var reason: String?
    func note(_ reason: String) { if self.reason == nil { self.reason = reason } }
}
