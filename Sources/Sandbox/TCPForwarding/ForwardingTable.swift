import Sockets
import Synchronization

/// The emulated load balancer's data path: a set of loopback TCP listeners, each relaying to a target.
///
/// Contract:
/// - ``apply(_:)`` makes the set of active listeners equal `rules`: it binds new listen keys (with `SO_REUSEADDR`),
///   stops removed ones (their listening socket is closed before `apply` returns; established connections may
///   finish) and retargets changed ones without re-binding (later connections go to the new target). Rules that
///   cannot be bound (address in use, unresolvable host, port out of range) are returned with the reason and are
///   not active; the others are. It throws only for input that names one listen key with two different targets.
///   It is idempotent, and a rule that failed is tried again by the next call.
/// - ``stop()`` closes every listener and every forwarded connection and returns once every thread of the table
///   has returned, so no descriptor or thread outlives it. The table can be used again afterwards.
/// - Calls are serialized; the table may be used from any thread. Dropping the table stops it.
public final class ForwardingTable: Sendable {
    private let listeners = Mutex<[Endpoint: ActiveListener]>([:])
    private let core = Core()

    public init() {}

    deinit { stop() }

    public func apply(_ rules: [ForwardingRule]) throws -> [ForwardingRule: String] {
        var wanted: [Endpoint: ForwardingRule] = [:]
        for rule in rules {
            if let other = wanted[rule.listenKey], other != rule { throw ForwardingError.conflictingRules(other, rule) }
            wanted[rule.listenKey] = rule
        }
        return listeners.withLock { listeners in
            var failures: [ForwardingRule: String] = [:]
            for (key, active) in listeners where wanted[key] == nil || wanted[key]?.invalidReason != nil {
                active.listener.stop()
                listeners[key] = nil
            }
            for (key, rule) in wanted.sorted(by: { $0.key.description < $1.key.description }) {
                if let reason = rule.invalidReason {
                    failures[rule] = reason
                } else if let active = listeners[key] {
                    if active.rule != rule {
                        active.listener.retarget(rule.target)
                        listeners[key] = ActiveListener(rule: rule, listener: active.listener)
                    }
                } else {
                    switch Listener.bind(key, target: rule.target) {
                    case .success(let listener):
                        listener.start(in: core.workers) { [core] client, target in core.accepted(client, target: target) }
                        listeners[key] = ActiveListener(rule: rule, listener: listener)
                    case .failure(let error):
                        failures[rule] = error.message
                    }
                }
            }
            return failures
        }
    }

    /// The rules whose listeners are bound, ordered by listen address.
    public var active: [ForwardingRule] {
        listeners.withLock { listeners in
            listeners.sorted { $0.key.description < $1.key.description }.map(\.value.rule)
        }
    }

    public func stop() {
        listeners.withLock { listeners in
            for active in listeners.values { active.listener.stop() }
            listeners.removeAll()
            // No accept thread runs now, so no relay can appear after this snapshot.
            core.interruptAll()
            core.workers.waitIdle()
        }
    }

    /// Threads of this table still running (accept loops and relays); zero after ``stop()``.
    var liveThreads: Int { core.workers.count }
}

/// Why ``ForwardingTable/apply(_:)`` rejected its whole input.
public enum ForwardingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Two rules share a listen key (host and port) but not a target.
    case conflictingRules(ForwardingRule, ForwardingRule)

    public var description: String {
        switch self {
        case .conflictingRules(let first, let second): "conflicting rules for one listener: \(first) and \(second)"
        }
    }
}

/// A bound listener and the rule it serves.
struct ActiveListener: Sendable {
    var rule: ForwardingRule
    var listener: Listener
}

/// What the threads of a table share (they hold this, not the table, so dropping the table can stop them).
final class Core: Sendable {
    let workers = WorkerGroup()
    private let relays = Mutex<(next: Int, open: [Int: Relay])>((0, [:]))

    /// Takes ownership of an accepted connection: closes it when there is no target (the client reads EOF), else
    /// relays it.
    func accepted(_ client: TCPSocket, target: Endpoint?) {
        guard let target else {
            client.shutdown()
            client.close()
            return
        }
        let relay = Relay(client: client, target: target)
        let id = relays.withLock { relays in
            relays.next += 1
            relays.open[relays.next] = relay
            return relays.next
        }
        workers.spawn(name: "relay \(target)") { [self] in
            relay.run()
            relays.withLock { _ = $0.open.removeValue(forKey: id) }
        }
    }

    func interruptAll() {
        for relay in relays.withLock({ Array($0.open.values) }) { relay.interrupt() }
    }
}
