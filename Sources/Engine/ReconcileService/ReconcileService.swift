public import Foundation
public import Manifests
public import ReconcileEngine
public import ReconcileModel
public import Scheduling
import Execution

/// The long-lived loop of `reconcile serve`: reads the manifests' source, schedules a pass per cluster
/// (`PassSchedule`: a new revision, the drift interval, a request; backoff after a failure; never two passes of one
/// cluster at once; at most `maxParallel` clusters at once) and runs each through the same `Reconciler` as the CLI,
/// keeping providers, token caches and connection pools across passes. It reports each cluster's status.
///
/// A revision that does not load cleanly is not applied: its diagnostics go into every cluster's status (condition
/// `Stalled`) and the last good revision stays in force. The instant (`now`) and the jitter's random draw are
/// injected, so tests drive it tick by tick.
public actor ReconcileService<C: Clock> where C.Duration == Duration {
    let reconciler: Reconciler<C>
    let source: any ManifestSource
    let maxParallel: Int
    let now: @Sendable () -> Date
    let random: @Sendable () -> Double
    var schedule: PassSchedule
    var manifests: ManifestSet?
    var revision: String?
    var sourceProblem: String?
    var statuses: [String: ClusterStatus] = [:]
    public private(set) var lastTick: Date?

    public init(
        reconciler: Reconciler<C>, source: any ManifestSource, settings: PassSchedule.Settings = .init(), maxParallel: Int = 4,
        now: @escaping @Sendable () -> Date = Date.init, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.reconciler = reconciler
        self.source = source
        self.maxParallel = max(1, maxParallel)
        self.now = now
        self.random = random
        schedule = PassSchedule(settings: settings)
    }

    /// One step: read the source, then run every cluster due now to completion.
    public func tick() async {
        lastTick = now()
        await refreshSource()
        await runDue()
    }

    /// Reads the source. A new, valid revision replaces the manifests and triggers every cluster (`revision`); an
    /// invalid one, or a source that cannot be read, is reported and changes nothing.
    public func refreshSource() async {
        let snapshot = await source.snapshot()
        if let error = snapshot.error {
            sourceProblem = "cannot read the manifests' source: \(error)"
            return
        }
        guard let load = snapshot.load else { return }
        if load.diagnostics.hasErrors {
            let lines = load.diagnostics.filter { $0.severity == .error }.prefix(20).map(\.description)
            sourceProblem = "revision \(snapshot.revision) is not applied (the last good one stays in force): " + lines.joined(separator: "; ")
            return
        }
        sourceProblem = nil
        guard snapshot.revision != revision else { return }
        let first = revision == nil
        revision = snapshot.revision
        manifests = load.manifests
        let names = load.manifests.clusters.map(\.name.value).sorted()
        schedule.track(names, at: now())
        for name in names where !first { schedule.trigger(name, .revision, at: now()) }
        for name in statuses.keys where !names.contains(name) { statuses[name] = nil }
        for name in names where statuses[name] == nil { statuses[name] = ClusterStatus(name: name) }
    }

    /// Runs the clusters due now, at most `maxParallel` at once, and waits for them.
    public func runDue() async {
        guard let manifests else { return }
        let due = schedule.due(at: now(), limit: maxParallel)
        guard !due.isEmpty else { return }
        let revision = self.revision
        var started: [(String, Date)] = []
        for name in due {
            schedule.started(name)
            let at = now()
            started.append((name, at))
            statuses[name, default: ClusterStatus(name: name)].lastPassStarted = at
        }
        let reconciler = self.reconciler
        await withTaskGroup(of: (String, PassResult).self) { group in
            for (name, _) in started {
                let request = PassRequest(manifests: manifests.only(cluster: name), mode: .apply)
                group.addTask { (name, await reconciler.reconcile(request)) }
            }
            for await (name, result) in group { record(name, result, revision: revision) }
        }
    }

    func record(_ name: String, _ result: PassResult, revision: String?) {
        let at = now()
        let held = result.plan?.held ?? []
        let succeeded = result.succeeded
        schedule.finished(name, succeeded: succeeded, at: at, unit: random())
        var status = statuses[name, default: ClusterStatus(name: name)]
        status.revision = revision
        status.lastPassFinished = at
        status.passes += 1
        status.plan = result.plan
        status.drifted = result.plan?.drift.count ?? 0
        status.held = Dictionary(grouping: held, by: { $0.change.disruption.rawValue }).mapValues(\.count)
        status.result = !succeeded ? "failed" : held.isEmpty ? "succeeded" : "held"
        status.lastError = succeeded ? nil : Self.failure(result)
        status.nextPass = schedule.clusters[name]?.nextDue
        statuses[name] = status
    }

    static func failure(_ result: PassResult) -> String {
        if let stop = result.stop {
            switch stop {
            case .problems(let n): return "the plan has \(n) problem(s): " + (result.plan?.problems.prefix(5).map { "\($0.address): \($0.message)" }.joined(separator: "; ") ?? "")
            default: return "\(stop)"
            }
        }
        if let apply = result.apply, !apply.isSuccess { return "apply failed: \(apply)" }
        return result.providerFailures.joined(separator: "; ")
    }

    // MARK: - Requests

    /// Asks for a pass of `name` now (or right after the one running). False for an unknown cluster.
    @discardableResult
    public func requestReconcile(_ name: String, reason: PassSchedule.Trigger = .request) -> Bool {
        guard schedule.clusters[name] != nil else { return false }
        schedule.trigger(name, reason, at: now())
        return true
    }

    /// Suspends or resumes `name`'s passes (the API's; `spec.reconcile.suspend` in the manifests holds changes too).
    @discardableResult
    public func setSuspended(_ name: String, _ suspended: Bool) -> Bool {
        guard schedule.clusters[name] != nil else { return false }
        schedule.setSuspended(name, suspended, at: now())
        statuses[name]?.suspended = suspended
        return true
    }

    /// Every cluster's status, by name, with its conditions as of now.
    public func status() -> [ClusterStatus] { statuses.keys.sorted().compactMap { status(of: $0) } }

    public func status(of name: String) -> ClusterStatus? {
        guard var status = statuses[name] else { return nil }
        let state = schedule.clusters[name]
        status.nextPass = state.map { $0.suspended ? nil : $0.nextDue } ?? nil
        status.conditions = Self.conditions(status, running: state?.running ?? false, sourceProblem: sourceProblem)
        return status
    }

    /// Ready when a good revision is loaded (the state store is checked by the caller).
    public var readiness: (ready: Bool, reason: String) {
        guard let revision else { return (false, sourceProblem ?? "no revision of the manifests loaded yet") }
        return (true, "revision \(revision) loaded")
    }

    public var currentRevision: String? { revision }

    /// When the loop must act next: the earliest due pass.
    public var nextWake: Date? { schedule.nextWake }

    /// Ticks until cancelled: on every source poll and whenever a pass falls due.
    public func run(sourcePoll: Duration, sleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) async {
        while !Task.isCancelled {
            await tick()
            var wait = sourcePoll
            if let next = schedule.nextWake {
                let seconds = max(0, next.timeIntervalSince(now()))
                wait = min(wait, .milliseconds(Int64(seconds * 1000)))
            }
            do { try await sleep(max(wait, .milliseconds(50))) } catch { return }
        }
    }

    static func conditions(_ s: ClusterStatus, running: Bool, sourceProblem: String?) -> [ClusterStatus.Condition] {
        var out: [ClusterStatus.Condition] = []
        let ready = s.result == "succeeded" && sourceProblem == nil && !s.suspended
        out.append(.init(type: "Ready", status: ready, reason: s.result ?? "NoPassYet", message: s.lastError ?? (s.result.map { "last pass \($0)" } ?? "no pass yet")))
        out.append(.init(type: "Reconciling", status: running, reason: running ? "PassRunning" : "Idle", message: running ? "a pass is running" : ""))
        if let sourceProblem { out.append(.init(type: "Stalled", status: true, reason: "SourceNotApplied", message: sourceProblem)) }
        out.append(.init(type: "Suspended", status: s.suspended, reason: s.suspended ? "SuspendedByAPI" : "Active", message: ""))
        let waiting = s.plan?.held.first { $0.reason.hasPrefix("waiting for window") }
        out.append(.init(type: "WaitingForWindow", status: waiting != nil, reason: waiting == nil ? "NotWaiting" : "OutsideWindow", message: waiting?.reason ?? ""))
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
