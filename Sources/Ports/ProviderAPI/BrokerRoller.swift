public import ReconcileModel

/// What happens during a roll, reported as it happens so the executor can journal each broker precisely.
public enum RollEvent: Sendable {
    /// The broker is about to go down (journal "started" before anything is done to it).
    case restarting(Change, reason: String)
    /// The broker is back and passed every post-restart condition (journal "succeeded").
    case restarted(Change)
    /// The broker already runs the config it was given (a previous, interrupted roll restarted it): done
    /// without a restart.
    case alreadyCurrent(Change)
    /// Waiting on a gate; `waitingFor` says what is not yet true. For progress output only.
    case waiting(Change?, waitingFor: [String])
}

/// Thrown by a roll's `events` handler at `.restarting` to stop the roll between brokers (the service is shutting
/// down, or the maintenance window closed): the broker announced is not touched, the brokers already done stay done,
/// and the roll halts with `reason` as it is (no broker is blamed). A later pass resumes from the journal.
public struct RollInterruption: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// How a roll ended. `halt` is set when the roll stopped early; the brokers not listed in `completed` were not
/// touched, except `halt.changeID`, which was being restarted when it failed.
public struct RollResult: Sendable {
    public var completed: [String]
    public var halt: (changeID: String?, reason: String)?

    public init(completed: [String], halt: (changeID: String?, reason: String)? = nil) {
        self.completed = completed
        self.halt = halt
    }
}

/// Restarts brokers of one cluster one at a time, in the order and behind the health gates it decides
/// (active controller last, re-read before every step). A provider of `kafka.brokerConfig` that can roll
/// conforms; the executor hands it all of a cluster's `.restartBroker` changes at once.
///
/// Contract: never two brokers of the cluster down at once; a broker that does not come back halts the roll
/// and no other broker is touched; `events` is awaited before the roll moves on (if it throws, the roll
/// halts before touching the broker; a `RollInterruption`'s reason is the halt's reason).
public protocol BrokerRoller: Sendable {
    /// The order the roll would take now (shown in the plan), with a sentence saying why. Reads only.
    func predictedOrder(_ restarts: [Change]) async -> (order: [ResourceAddress], why: String?)

    func roll(_ restarts: [Change], events: @escaping @Sendable (RollEvent) async throws -> Void) async -> RollResult

    /// The partition replicas node `nodeID` hosts (`topic-partition`, marked when it leads), read from the
    /// cluster itself; empty when it hosts none. Reads only. Throws when the cluster cannot tell.
    func replicasHosted(by nodeID: Int) async throws -> [String]

    /// The brokers of `files` (broker address -> its managed keys as its `server.properties` has them now)
    /// that do not run their file: a restart is pending. Asked of the brokers themselves, so a dry-run on any
    /// machine sees it; a broker that cannot be asked, or a difference the file does not govern, is not
    /// reported. Reads only.
    func notRunning(_ files: [ResourceAddress: Value]) async -> Set<ResourceAddress>
}

extension BrokerRoller {
    /// By default, unknown.
    public func replicasHosted(by nodeID: Int) async throws -> [String] {
        throw ProviderError(.terminal, "this roller cannot read partition placement")
    }

    /// By default, none is known.
    public func notRunning(_ files: [ResourceAddress: Value]) async -> Set<ResourceAddress> { [] }

    /// By default, the order given.
    public func predictedOrder(_ restarts: [Change]) async -> (order: [ResourceAddress], why: String?) {
        (restarts.map(\.address), nil)
    }
}
