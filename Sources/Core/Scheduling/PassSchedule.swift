public import Foundation

/// When each cluster's next pass is due, and why: the decisions of `reconcile serve`'s loop, pure (the instant and
/// the jitter's random draw are given), so every rule is tested with an injected clock.
///
/// - A pass per cluster on a new revision, a webhook or a request (due at once), and on the drift-detection
///   interval (default 5 minutes) with ±`jitter` spread so clusters do not tick together.
/// - After a failed pass, exponential backoff (Argo CD's model: 5 s, doubling, at most 3 minutes) instead of the
///   interval; a success resets it.
/// - Never two passes of one cluster at once: a trigger that arrives while its pass runs is kept and runs right
///   after it (once, whatever the number of triggers).
/// - A suspended cluster is never due (its triggers are kept for when it resumes).
public struct PassSchedule: Sendable, Hashable {
    public struct Settings: Sendable, Hashable {
        public var interval: Duration
        /// Fraction of the interval the next tick may move either way (0.1: ±10 %).
        public var jitter: Double
        public var backoffBase: Duration
        public var backoffFactor: Double
        public var backoffMax: Duration

        public init(
            interval: Duration = .seconds(300), jitter: Double = 0.1, backoffBase: Duration = .seconds(5), backoffFactor: Double = 2,
            backoffMax: Duration = .seconds(180)
        ) {
            self.interval = interval
            self.jitter = min(max(jitter, 0), 0.5)
            self.backoffBase = backoffBase
            self.backoffFactor = max(backoffFactor, 1)
            self.backoffMax = backoffMax
        }
    }

    /// Why a pass runs.
    public enum Trigger: String, Sendable, Hashable, Codable {
        case started, revision, interval, webhook, request, retry, resumed
    }

    public struct Cluster: Sendable, Hashable {
        public var nextDue: Date
        public var reason: Trigger
        public var running = false
        /// Consecutive failed passes.
        public var failures = 0
        /// A trigger that arrived while a pass was running (or while suspended).
        public var pending: Trigger?
        public var suspended = false
    }

    public let settings: Settings
    public private(set) var clusters: [String: Cluster] = [:]

    public init(settings: Settings = Settings()) { self.settings = settings }

    /// Adds clusters (due at once, reason `started`) and drops those no longer declared (unless running).
    public mutating func track(_ names: [String], at now: Date) {
        for name in names where clusters[name] == nil { clusters[name] = Cluster(nextDue: now, reason: .started) }
        for name in clusters.keys where !names.contains(name) && clusters[name]?.running == false { clusters[name] = nil }
    }

    /// A new revision, a webhook or a request: due now, or right after the pass that is running.
    public mutating func trigger(_ name: String, _ reason: Trigger, at now: Date) {
        guard var c = clusters[name] else { return }
        if c.running || c.suspended {
            c.pending = c.pending ?? reason
        } else {
            c.nextDue = min(c.nextDue, now)
            c.reason = reason
        }
        clusters[name] = c
    }

    public mutating func setSuspended(_ name: String, _ suspended: Bool, at now: Date) {
        guard var c = clusters[name], c.suspended != suspended else { return }
        c.suspended = suspended
        if !suspended {
            c.nextDue = now
            c.reason = c.pending ?? .resumed
            c.pending = nil
        }
        clusters[name] = c
    }

    /// The clusters due at `now`, oldest due first (then by name), at most `limit` (the parallelism left).
    public func due(at now: Date, limit: Int = .max) -> [String] {
        clusters.filter { !$0.value.running && !$0.value.suspended && $0.value.nextDue <= now }
            .sorted { ($0.value.nextDue, $0.key) < ($1.value.nextDue, $1.key) }
            .prefix(max(0, limit)).map(\.key)
    }

    /// Marks a pass of `name` as running; returns why it runs.
    @discardableResult
    public mutating func started(_ name: String) -> Trigger? {
        guard var c = clusters[name], !c.running else { return nil }
        c.running = true
        clusters[name] = c
        return c.reason
    }

    /// Records a finished pass and schedules the next: right away for a trigger kept meanwhile; else the interval
    /// (`unit` in 0..<1 draws the jitter) after a success, the backoff after a failure.
    public mutating func finished(_ name: String, succeeded: Bool, at now: Date, unit: Double) {
        guard var c = clusters[name] else { return }
        c.running = false
        c.failures = succeeded ? 0 : c.failures + 1
        if let pending = c.pending, !c.suspended {
            c.nextDue = now
            c.reason = pending
            c.pending = nil
        } else if succeeded {
            let spread = (unit * 2 - 1) * settings.jitter
            c.nextDue = now.addingTimeInterval(Self.seconds(settings.interval) * (1 + spread))
            c.reason = .interval
        } else {
            c.nextDue = now.addingTimeInterval(backoff(afterFailures: c.failures))
            c.reason = .retry
        }
        clusters[name] = c
    }

    /// No pass ran: another replica leads `name`. It is asked again at `until`, keeping what triggered it.
    public mutating func standBy(_ name: String, until: Date) {
        guard var c = clusters[name] else { return }
        c.running = false
        if let pending = c.pending {
            c.reason = pending
            c.pending = nil
        }
        c.nextDue = until
        clusters[name] = c
    }

    /// Seconds to wait after `failures` consecutive failures: base × factor^(failures-1), at most the maximum.
    public func backoff(afterFailures failures: Int) -> TimeInterval {
        let raw = Self.seconds(settings.backoffBase) * pow(settings.backoffFactor, Double(max(failures, 1) - 1))
        return min(raw, Self.seconds(settings.backoffMax))
    }

    /// When the loop must wake next (the earliest due of clusters not running or suspended), if any.
    public var nextWake: Date? {
        clusters.values.filter { !$0.running && !$0.suspended }.map(\.nextDue).min()
    }

    static func seconds(_ d: Duration) -> TimeInterval {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
