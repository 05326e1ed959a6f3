/// What the caller of `RollingRestartMachine.next(now:health:)` must do next. The machine performs no IO:
/// every effect (reading health, running the restart command, sleeping) is one of these actions.
public enum RollAction: Sendable, Hashable {
    /// Read a fresh `ClusterHealth` snapshot (over INTERNAL) and call `next` again with it.
    case readHealth
    /// Run the restart command for `broker` (graceful stop, generous stop timeout, never `kill -9`), then
    /// call `restartCompleted(broker:now:)` or `restartFailed(broker:error:now:)`. `reason` says why this
    /// broker and why now, for logs and the journal.
    case restart(broker: Int, reason: String)
    /// Nothing to do before `until` (elapsed roll time). Then read a fresh snapshot and call `next` with it
    /// (or call `next` with nil, which asks for one). `waitingFor` lists what is not yet true, for progress
    /// output; `broker` is the broker the wait concerns, if any.
    case wait(until: Duration, broker: Int?, waitingFor: [String])
    /// Every broker that needed a restart has been restarted and verified. `restarted` lists the brokers this
    /// machine restarted, in order (not those skipped as `alreadyRestarted`).
    case finished(restarted: [Int])
    /// The roll stopped; no further broker will be touched. `broker` is the broker that was restarted and did
    /// not come back, or whose restart command failed; nil when the roll stopped before touching a broker
    /// (a pre-restart gate that never opened). Terminal: `next` keeps returning it.
    case halt(broker: Int?, reason: String)
}

/// Where the roll is, for journaling and progress output.
public enum RollPhase: Sendable, Hashable {
    /// Choosing the next broker and waiting for its pre-restart gate; `candidate` is the broker last judged.
    case gating(candidate: Int?)
    /// `.restart` was returned and the command has not reported back yet.
    case restarting(broker: Int)
    /// Restarted; polling the post-restart conditions.
    case verifying(broker: Int)
    case finished
    case halted(broker: Int?, reason: String)

    /// `finished` or `halted`.
    public var isTerminal: Bool {
        switch self {
        case .finished, .halted: true
        case .gating, .restarting, .verifying: false
        }
    }
}

/// The roll's time limits, as durations of the caller's (injected) clock.
public struct RollTimeouts: Sendable, Hashable {
    /// How long one step may wait for its pre-restart gate before the roll halts.
    public var preGate: Duration
    /// How long a restarted broker may take to pass every post-restart condition before the roll halts.
    public var postRestart: Duration
    /// The interval between health reads while waiting. Must be positive.
    public var poll: Duration

    /// Strimzi's readiness/operation timeout (300 s, polled every second) for both waits.
    public init(
        preGate: Duration = .seconds(300), postRestart: Duration = .seconds(300), poll: Duration = .seconds(1)
    ) {
        precondition(poll > .zero, "RollTimeouts.poll must be positive")
        self.preGate = preGate
        self.postRestart = postRestart
        self.poll = poll
    }
}

extension RollPhase: CustomStringConvertible {
    public var description: String {
        switch self {
        case .gating(let candidate): candidate.map { "gating broker \($0)" } ?? "gating"
        case .restarting(let broker): "restarting broker \(broker)"
        case .verifying(let broker): "verifying broker \(broker)"
        case .finished: "finished"
        case .halted(let broker, let reason): "halted" + (broker.map { " at broker \($0)" } ?? "") + ": \(reason)"
        }
    }
}
