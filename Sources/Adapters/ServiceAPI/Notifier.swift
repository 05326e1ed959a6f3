public import Foundation
public import Logging
public import ProviderAPI
public import ReconcileEngine
public import ReconcileService
import ReconcileModel
import Execution
import Synchronization

/// Outgoing notifications (Flux's notification-controller alerts, in small): on drift detected, a failed pass, a
/// halted roll, and a change held by a maintenance window. Each is posted to every target, generic JSON or
/// Slack-compatible (`{"text": ...}`), in the background: retried 3 times with backoff (1 s, 2 s, 4 s) on an error
/// or a 5xx/429 answer, never blocking a pass. An event identical to the last one sent for its cluster and kind
/// (the same drift, the same held changes) is not sent again until it changes.
public final class Notifier: ServiceObserver, Sendable {
    public struct Target: Sendable, Hashable {
        public enum Format: String, Sendable, Hashable { case json, slack }
        public var url: String
        public var format: Format
        public init(url: String, format: Format) {
            self.url = url
            self.format = format
        }
    }

    /// One notification.
    public struct Event: Sendable, Hashable, Codable {
        /// `drift_detected`, `pass_failed`, `roll_halted`, `change_held`.
        public var kind: String
        public var cluster: String
        public var revision: String?
        public var passID: String
        public var message: String
        public var details: [String]
    }

    let targets: [Target]
    let transport: any HTTPTransport
    let logger: Logger
    let retryDelays: [Duration]
    private let lastSent = Mutex<[String: String]>([:])
    private let inFlight = Mutex<[Int: Task<Void, Never>]>([:])
    private let counter = Mutex(0)

    public init(targets: [Target], transport: any HTTPTransport, logger: Logger, retryDelays: [Duration] = [.seconds(1), .seconds(2), .seconds(4)]) {
        self.targets = targets
        self.transport = transport
        self.logger = logger
        self.retryDelays = retryDelays
    }

    public func passFinished(cluster: String, result: PassResult, status: ClusterStatus, seconds: Double) async {
        for event in Self.events(cluster: cluster, result: result, revision: status.revision) { send(event) }
    }

    /// The notifications a finished pass calls for.
    public static func events(cluster: String, result: PassResult, revision: String?) -> [Event] {
        var out: [Event] = []
        func event(_ kind: String, _ message: String, _ details: [String]) {
            out.append(Event(kind: kind, cluster: cluster, revision: revision, passID: result.passID, message: message, details: details))
        }
        if let plan = result.plan, !plan.drift.isEmpty {
            event("drift_detected", "\(plan.drift.count) resource(s) of \(cluster) drifted from the manifests", plan.drift.map(\.description).sorted())
        }
        if !result.succeeded, result.interruptedRoll == nil || !(result.apply?.failed.isEmpty ?? true) {
            let failed = result.apply?.failed.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" } ?? []
            let why = result.stop.map { "\($0)" } ?? (failed.isEmpty ? result.providerFailures.joined(separator: "; ") : "\(failed.count) change(s) failed")
            event("pass_failed", "a pass of \(cluster) failed: \(why)", failed + result.providerFailures)
        }
        let halted = (result.apply?.skipped ?? [:]).values.flatMap { $0 }.filter { $0.hasPrefix("roll halted: ") }
        if let reason = result.interruptedRoll ?? halted.first.map({ String($0.dropFirst("roll halted: ".count)) }) {
            event("roll_halted", "the rolling restart of \(cluster) stopped: \(reason)", [])
        }
        let windowHeld = (result.plan?.held ?? []).filter { $0.reason.hasPrefix("waiting for window") }
        if !windowHeld.isEmpty {
            event("change_held", "\(windowHeld.count) change(s) of \(cluster) wait for a maintenance window", windowHeld.map { "\($0.change.address): \($0.reason)" })
        }
        return out
    }

    /// Queues `event` for every target, unless it repeats the last one of its cluster and kind.
    public func send(_ event: Event) {
        let key = "\(event.cluster)\u{0}\(event.kind)"
        let fingerprint = ([event.message] + event.details).joined(separator: "\n")
        let repeated = lastSent.withLock { last in
            defer { last[key] = fingerprint }
            return last[key] == fingerprint
        }
        guard !repeated else { return }
        for target in targets {
            let id = counter.withLock { n in
                n += 1
                return n
            }
            let task = Task { [self] in
                await deliver(event, to: target)
                _ = inFlight.withLock { $0.removeValue(forKey: id) }
            }
            inFlight.withLock { $0[id] = task }
        }
    }

    /// Waits for the notifications under way (shutdown, tests).
    public func drain() async {
        while let task = inFlight.withLock({ $0.values.first }) { await task.value }
    }

    func deliver(_ event: Event, to target: Target) async {
        let body = Self.body(event, format: target.format)
        var attempt = 0
        while true {
            var failure: String?
            do {
                let response = try await transport.send(HTTPRequest(
                    method: "POST", url: target.url, headers: [("Content-Type", "application/json")], body: body, timeout: 10))
                if response.status < 300 { return }
                failure = "HTTP \(response.status)"
                if response.status < 500 && response.status != 429 { break }
            } catch {
                failure = "\(error)"
            }
            guard attempt < retryDelays.count else {
                logger.warning("notification not delivered", metadata: ["notification": "\(event.kind)", "cluster": "\(event.cluster)", "error": "\(failure ?? "")"])
                return
            }
            try? await Task.sleep(for: retryDelays[attempt])
            attempt += 1
        }
        logger.warning("notification refused", metadata: ["notification": "\(event.kind)", "cluster": "\(event.cluster)"])
    }

    static func body(_ event: Event, format: Target.Format) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        switch format {
        case .json:
            return Array((try? encoder.encode(event)) ?? Data())
        case .slack:
            let lines = ["*\(event.kind.replacingOccurrences(of: "_", with: " "))*: \(event.message)"] + event.details.prefix(10).map { "• \($0)" }
            return Array((try? encoder.encode(["text": lines.joined(separator: "\n")])) ?? Data())
        }
    }
}
