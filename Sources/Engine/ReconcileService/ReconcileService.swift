public import Foundation
public import Manifests
public import ReconcileEngine
public import ReconcileModel
public import Scheduling
import Execution
public import Logging
public import ProviderAPI

/// The long-lived loop of `reconcile serve`: reads the manifests' source, schedules a pass per cluster
/// (`PassSchedule`: a new revision, the drift interval, a webhook or a request; backoff after a failure; never two
/// passes of one cluster at once; at most `maxParallel` clusters at once) and runs each through the same
/// `Reconciler` as the CLI, keeping providers, token caches and connection pools across passes. It reports each
/// cluster's status, and tells its observers (metrics, notifications) what happens.
///
/// A revision that does not load cleanly is not applied: its diagnostics go into every cluster's status (condition
/// `Stalled`) and the last good revision stays in force.
///
/// Stopping (`stop`): no new pass starts; a roll in progress finishes the broker it is on and stops before the
/// next one (the journal lets a later start resume it); `run` returns once the running passes have ended. The
/// instant (`now`) and the jitter's random draw are injected, so tests drive it tick by tick (`tick`).
public actor ReconcileService<C: Clock> where C.Duration == Duration {
    let reconciler: Reconciler<C>
    let source: any ManifestSource
    let maxParallel: Int
    let sourcePoll: Duration
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    let observers: [any ServiceObserver]
    let logger: Logger
    /// Rung by webhooks, requests, finished passes and shutdown, so the loop acts at once.
    public nonisolated let doorbell = Doorbell()
    /// Set by `stop`: the reason every roll gives for stopping before its next broker.
    public nonisolated let stopping = StopFlag()
    var schedule: PassSchedule
    var manifests: ManifestSet?
    var revision: String?
    var sourceProblem: String?
    /// When the source is read next: `sourcePoll` after the last read, ±10% jitter (so replicas and neighbours do
    /// not poll a git server in step).
    public private(set) var nextSourceRead: Date?
    var sourceRefreshWanted = false
    var statuses: [String: ClusterStatus] = [:]
    var suspendedByManifest: Set<String> = []
    public private(set) var lastTick: Date?
    /// HA: this replica's name when several replicas share the state store (nil: the only one).
    public let replica: String?
    /// How often a standby replica asks again for a cluster it does not lead (one read of the lock; a lease only
    /// when it is free): a dead leader's clusters are taken within its lease TTL plus this.
    let campaignInterval: Duration
    /// The clusters this replica leads, with the lock that is its leadership (kept across passes).
    var leading: [String: LockInfo] = [:]

    public init(
        reconciler: Reconciler<C>, source: any ManifestSource, settings: PassSchedule.Settings = .init(), maxParallel: Int = 4,
        sourcePoll: Duration = .seconds(60), observers: [any ServiceObserver] = [],
        logger: Logger = Logger(label: "reconcile.serve", factory: { _ in SwiftLogNoOpLogHandler() }),
        now: @escaping @Sendable () -> Date = Date.init, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        replica: String? = nil, campaignInterval: Duration = .seconds(1)
    ) {
        self.replica = reconciler.store.isShared ? replica : nil
        self.campaignInterval = campaignInterval
        self.reconciler = reconciler
        self.source = source
        self.maxParallel = max(1, maxParallel)
        self.sourcePoll = sourcePoll
        self.observers = observers
        self.logger = logger
        self.now = now
        self.random = random
        schedule = PassSchedule(settings: settings)
    }

    /// One step: read the source, then run every cluster due now to completion (tests and benchmarks; `run` does
    /// the same without waiting for passes).
    public func tick() async {
        lastTick = now()
        await refreshSource()
        let started = startDue()
        await withTaskGroup(of: Void.self) { group in
            for pass in started { group.addTask { await self.execute(pass) } }
        }
    }

    /// Reads the source. A new, valid revision replaces the manifests and triggers every cluster (`revision`); an
    /// invalid one, or a source that cannot be read, is reported and changes nothing.
    public func refreshSource() async {
        let started = now()
        nextSourceRead = started.addingTimeInterval(Self.seconds(sourcePoll) * (1 + (random() * 2 - 1) * 0.1))
        sourceRefreshWanted = false
        let snapshot = await source.snapshot()
        let seconds = now().timeIntervalSince(started)
        for observer in observers { await observer.sourceRead(revision: snapshot.revision, seconds: seconds, error: snapshot.error) }
        if let error = snapshot.error {
            sourceProblem = "cannot read the manifests' source: \(error)"
            logger.error("cannot read the manifests' source", metadata: ["error": "\(error)"])
            return
        }
        guard let load = snapshot.load else { return }
        if load.diagnostics.hasErrors {
            let lines = load.diagnostics.filter { $0.severity == .error }.prefix(20).map(\.description)
            let problem = "revision \(snapshot.revision) is not applied (the last good one stays in force): " + lines.joined(separator: "; ")
            if problem != sourceProblem { logger.error("\(problem)", metadata: ["revision": "\(snapshot.revision)"]) }
            sourceProblem = problem
            return
        }
        sourceProblem = nil
        guard snapshot.revision != revision else { return }
        let first = revision == nil
        revision = snapshot.revision
        manifests = load.manifests
        logger.notice("revision \(snapshot.revision) loaded", metadata: ["revision": "\(snapshot.revision)"])
        suspendedByManifest = Set(load.manifests.clusters.filter(\.reconcile.suspend).map(\.name.value))
        let names = load.manifests.clusters.map(\.name.value).sorted()
        schedule.track(names, at: now())
        for name in names where !first { schedule.trigger(name, .revision, at: now()) }
        for name in statuses.keys where !names.contains(name) { statuses[name] = nil }
        for name in names where statuses[name] == nil { statuses[name] = ClusterStatus(name: name) }
    }

    struct Launch: Sendable {
        var name: String
        var request: PassRequest
        var revision: String?
        var trigger: PassSchedule.Trigger
        var started: Date
    }

    /// Marks the clusters due now as running (at most `maxParallel` passes at once) and returns their passes.
    func startDue() -> [Launch] {
        guard let manifests, stopping.requested == nil else { return [] }
        let running = schedule.clusters.values.filter(\.running).count
        let due = schedule.due(at: now(), limit: maxParallel - running)
        let stopping = self.stopping
        return due.map { name in
            let trigger = schedule.started(name) ?? .interval
            let at = now()
            statuses[name, default: ClusterStatus(name: name)].lastPassStarted = at
            var request = PassRequest(manifests: manifests.only(cluster: name), mode: .apply)
            request.beforeRestart = { _ in stopping.requested }
            request.revision = revision
            return Launch(name: name, request: request, revision: revision, trigger: trigger, started: at)
        }
    }

    /// Runs one pass (off the actor) and records it. With several replicas, only the cluster's leader runs it; a
    /// standby records who leads and asks again after `campaignInterval`.
    nonisolated func execute(_ launch: Launch) async {
        var request = launch.request
        if replica != nil {
            switch await lead(launch.name) {
            case .leader(let lock): request.heldLocks[launch.name] = lock
            case .standby:
                doorbell.ring()
                return
            }
        }
        for observer in observers { await observer.passStarted(cluster: launch.name, revision: launch.revision, trigger: launch.trigger) }
        let observers = self.observers, name = launch.name
        let result = await PassContext.$cluster.withValue(name) {
            await PassContext.$revision.withValue(launch.revision) {
                await reconciler.reconcile(request) { event in
                    for observer in observers { await observer.passEvent(cluster: name, event: event) }
                }
            }
        }
        let status = await record(name, result, revision: launch.revision)
        let seconds = status.lastPassFinished.map { $0.timeIntervalSince(launch.started) } ?? 0
        for observer in observers { await observer.passFinished(cluster: name, result: result, status: status, seconds: seconds) }
        if replica != nil { await handOverIfOverShare(name, after: result) }
        doorbell.ring()
    }

    enum Leadership { case leader(LockInfo), standby }

    /// Keeps or takes this replica's leadership of `name`: a lease-bound lock in the shared store, held across passes
    /// and confirmed before each. A replica takes a cluster only while it leads fewer than its fair share of them
    /// (the clusters over the replicas alive, rounded up), so clusters spread across replicas; one that leads more
    /// than its share lets the extra ones go after their pass. Never throws: anything but a lock is standing by.
    func lead(_ name: String) async -> Leadership {
        let store = reconciler.store
        if let lock = leading[name] {
            do {
                try await store.confirm(lock)
                return .leader(lock)
            } catch {
                leading[name] = nil
                try? await store.unlock(lock)
                statuses[name]?.leading = false
                logger.error("no longer the leader of \(name): \(error)", metadata: ["cluster": "\(name)"])
                for observer in observers { await observer.leadership(cluster: name, leader: false, holder: nil) }
            }
        }
        var holder: String?
        do {
            let replicas = try await store.replicas(announcing: replica ?? "")
            let share = (schedule.clusters.count + max(replicas.count, 1) - 1) / max(replicas.count, 1)
            // A read first: a standby asks every campaign interval, and only a free lock is worth a lease.
            let current = try await store.currentLock(cluster: name)
            if current == nil, leading.count < share {
                let lock = try await store.lock(cluster: name, operation: "serve \(replica ?? "")")
                leading[name] = lock
                logger.notice("leading \(name)", metadata: ["cluster": "\(name)", "replica": "\(replica ?? "")"])
                statuses[name]?.leader = replica
                statuses[name]?.leading = true
                for observer in observers { await observer.leadership(cluster: name, leader: true, holder: replica) }
                return .leader(lock)
            }
            holder = current.map(Self.holderName)
        } catch StateStoreError.locked(let lock) {
            holder = Self.holderName(lock)
        } catch {
            logger.error("cannot take part in electing \(name)'s leader: \(error)", metadata: ["cluster": "\(name)"])
            statuses[name]?.lastError = "standing by: \(error)"
        }
        statuses[name]?.leader = holder
        statuses[name]?.leading = false
        for observer in observers { await observer.leadership(cluster: name, leader: false, holder: holder) }
        schedule.standBy(name, until: now().addingTimeInterval(Self.seconds(campaignInterval)))
        return .standby
    }

    /// After a pass that left nothing behind (no roll stopped midway, nothing failed or held), a replica leading more
    /// than its fair share lets this cluster go, so a replica that joined later gets some.
    func handOverIfOverShare(_ name: String, after result: PassResult) async {
        guard let lock = leading[name], result.succeeded, result.interruptedRoll == nil, (result.plan?.held ?? []).isEmpty,
            let replicas = try? await reconciler.store.replicas(announcing: replica ?? "")
        else { return }
        let share = (schedule.clusters.count + max(replicas.count, 1) - 1) / max(replicas.count, 1)
        guard leading.count > share, leading[name] != nil else { return }
        leading[name] = nil
        try? await reconciler.store.unlock(lock)
        statuses[name]?.leading = false
        statuses[name]?.leader = nil
        logger.notice("handing \(name) over: leading \(leading.count + 1) clusters, more than a fair share of \(share)", metadata: ["cluster": "\(name)"])
        for observer in observers { await observer.leadership(cluster: name, leader: false, holder: nil) }
        schedule.standBy(name, until: now().addingTimeInterval(Self.seconds(campaignInterval) * 2))
    }

    /// The replica a lock names (`serve <replica>`), else its host and pid.
    static func holderName(_ lock: LockInfo) -> String {
        lock.operation.hasPrefix("serve ") ? String(lock.operation.dropFirst("serve ".count)) : "\(lock.operation) (pid \(lock.pid) on \(lock.host))"
    }

    /// Lets every leadership go (shutdown), so standbys take over at once instead of after the lease.
    func resign() async {
        for (_, lock) in leading { try? await reconciler.store.unlock(lock) }
        leading = [:]
        if let replica { await reconciler.store.withdraw(replica: replica) }
    }

    /// Records a finished pass. A roll stopped by a closing window or by shutdown is not a failure: the pass
    /// applied what it could and the restarts left wait (`held`), with no backoff.
    func record(_ name: String, _ result: PassResult, revision: String?) -> ClusterStatus {
        let at = now()
        let held = result.plan?.held ?? []
        let interrupted = result.interruptedRoll
        let succeeded = result.succeeded || (interrupted != nil && result.stop == nil && (result.apply?.failed.isEmpty ?? true))
        schedule.finished(name, succeeded: succeeded, at: at, unit: random())
        var status = statuses[name, default: ClusterStatus(name: name)]
        status.revision = revision
        status.lastPassFinished = at
        status.passes += 1
        status.plan = result.plan
        status.drifted = result.plan?.drift.count ?? 0
        status.held = Self.pendingByClass(result)
        status.interruptedRoll = interrupted
        status.result = !succeeded ? "failed" : (held.isEmpty && interrupted == nil) ? "succeeded" : "held"
        status.lastError = succeeded ? nil : Self.failure(result)
        status.nextPass = schedule.clusters[name]?.nextDue
        status.lastPassID = result.passID
        if result.succeeded, held.isEmpty, interrupted == nil { status.lastSuccess = at }
        statuses[name] = status
        return self.status(of: name) ?? status
    }

    /// The last plan's changes that did not take effect, by disruption class: held by policy or window, and those an
    /// apply did not get done (failed, skipped, or behind a roll that stopped); all of them when nothing was applied
    /// because the pass stopped early.
    static func pendingByClass(_ result: PassResult) -> [String: Int] {
        guard let plan = result.plan else { return [:] }
        var pending = plan.held.map(\.change)
        if let report = result.apply {
            let done = Set(report.succeeded)
            pending += plan.changes.filter { !done.contains($0.id) }
        } else if result.stop != nil {
            pending += plan.changes
        }
        return Dictionary(grouping: pending, by: { $0.disruption.rawValue }).mapValues(\.count)
    }

    static func failure(_ result: PassResult) -> String {
        if let stop = result.stop {
            switch stop {
            case .problems(let n): return "the plan has \(n) problem(s): " + (result.plan?.problems.prefix(5).map { "\($0.address): \($0.message)" }.joined(separator: "; ") ?? "")
            default: return "\(stop)"
            }
        }
        if let apply = result.apply, !apply.isSuccess {
            let failed = apply.failed.sorted { $0.key < $1.key }.prefix(5).map { "\($0.key): \($0.value)" }
            return "apply failed: " + failed.joined(separator: "; ")
        }
        return result.providerFailures.joined(separator: "; ")
    }

    // MARK: - Requests

    /// Asks for a pass of `name` now (or right after the one running). False for an unknown cluster.
    @discardableResult
    public func requestReconcile(_ name: String, reason: PassSchedule.Trigger = .request) -> Bool {
        guard schedule.clusters[name] != nil else { return false }
        schedule.trigger(name, reason, at: now())
        doorbell.ring()
        return true
    }

    /// A webhook: read the source now and run every cluster (Flux's receivers ask the source, then the sync).
    public func webhookReceived() {
        sourceRefreshWanted = true
        for name in schedule.clusters.keys { schedule.trigger(name, .webhook, at: now()) }
        doorbell.ring()
    }

    /// Suspends or resumes `name`'s passes (the API's; `spec.reconcile.suspend` in the manifests holds changes too).
    @discardableResult
    public func setSuspended(_ name: String, _ suspended: Bool) -> Bool {
        guard schedule.clusters[name] != nil else { return false }
        schedule.setSuspended(name, suspended, at: now())
        statuses[name]?.suspended = suspended
        doorbell.ring()
        return true
    }

    /// Every cluster's status, by name, with its conditions as of now.
    public func status() -> [ClusterStatus] { statuses.keys.sorted().compactMap { status(of: $0) } }

    public func status(of name: String) -> ClusterStatus? {
        guard var status = statuses[name] else { return nil }
        let state = schedule.clusters[name]
        status.nextPass = state.map { $0.suspended ? nil : $0.nextDue } ?? nil
        status.suspendedByManifest = suspendedByManifest.contains(name)
        status.conditions = Self.conditions(status, running: state?.running ?? false, sourceProblem: sourceProblem)
        return status
    }

    /// Ready when a good revision is loaded (the state store is checked by the caller).
    public var readiness: (ready: Bool, reason: String) {
        guard let revision else { return (false, sourceProblem ?? "no revision of the manifests loaded yet") }
        return (true, "revision \(revision) loaded")
    }

    public var currentRevision: String? { revision }

    public var currentSourceProblem: String? { sourceProblem }

    /// When the loop must act next: the earliest due pass.
    public var nextWake: Date? { schedule.nextWake }

    /// Stops taking new passes; rolls stop before their next broker, giving `reason`.
    public nonisolated func stop(_ reason: String = "reconcile serve is shutting down") {
        stopping.request(reason)
        doorbell.ring()
    }

    /// The loop: reads the source every `sourcePoll` ±10% (at once after a webhook), starts the passes due without
    /// waiting for them, and sleeps until the next due pass, poll or ring. Returns after `stop` (or cancellation),
    /// once the passes running have ended.
    public func run() async {
        await withTaskCancellationHandler {
            // Discarding: a plain task group keeps every finished child (and what it captured) until `next()`
            // collects it, which a loop that never waits for its passes would not do: memory grew with every pass.
            await withDiscardingTaskGroup { group in
                while stopping.requested == nil {
                    lastTick = now()
                    let pollDue = nextSourceRead.map { now() >= $0 } ?? true
                    if pollDue || sourceRefreshWanted { await refreshSource() }
                    for launch in startDue() { group.addTask { await self.execute(launch) } }
                    await doorbell.wait(timeout: waitTime())
                }
                logger.notice("stopping: no new passes; waiting for the running ones", metadata: ["reason": "\(stopping.requested ?? "")"])
            }
            await resign()
        } onCancel: {
            stop("reconcile serve was cancelled")
        }
    }

    /// Until the next source poll or due pass, at least 10 ms and at most the poll interval.
    func waitTime() -> Duration {
        var wait = Self.seconds(sourcePoll)
        if let next = nextSourceRead { wait = max(0, next.timeIntervalSince(now())) }
        if let next = schedule.nextWake { wait = min(wait, max(0, next.timeIntervalSince(now()))) }
        return .milliseconds(Int64(max(wait, 0.01) * 1000))
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    static func conditions(_ s: ClusterStatus, running: Bool, sourceProblem: String?) -> [ClusterStatus.Condition] {
        var out: [ClusterStatus.Condition] = []
        let suspended = s.suspended || s.suspendedByManifest
        let ready = s.result == "succeeded" && sourceProblem == nil && !suspended
        out.append(.init(type: "Ready", status: ready, reason: s.result ?? "NoPassYet", message: s.lastError ?? (s.result.map { "last pass \($0)" } ?? "no pass yet")))
        out.append(.init(type: "Reconciling", status: running, reason: running ? "PassRunning" : "Idle", message: running ? "a pass is running" : ""))
        if let sourceProblem { out.append(.init(type: "Stalled", status: true, reason: "SourceNotApplied", message: sourceProblem)) }
        let suspendReason = s.suspended ? "SuspendedByAPI" : s.suspendedByManifest ? "SuspendedByManifest" : "Active"
        out.append(.init(type: "Suspended", status: suspended, reason: suspendReason, message: ""))
        let waiting = s.plan?.held.first { $0.reason.hasPrefix("waiting for window") }?.reason
            ?? s.interruptedRoll.flatMap { $0.hasPrefix("waiting for window") ? $0 : nil }
        out.append(.init(type: "WaitingForWindow", status: waiting != nil, reason: waiting == nil ? "NotWaiting" : "OutsideWindow", message: waiting ?? ""))
        return out
    }
}

extension ManifestSet {
    /// The manifests of one cluster: the cluster and its exposures.
    public func only(cluster name: String) -> ManifestSet {
        var set = self
        set.clusters = clusters.filter { $0.name.value == name }
        set.azureExposures = azureExposures.filter { $0.common.cluster.value == name }
        set.gcpExposures = gcpExposures.filter { $0.common.cluster.value == name }
        return set
    }
}
