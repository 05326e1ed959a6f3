/// How strict the gates are. The defaults are kafka.md §4.3's recommendation for the three-node runbook
/// cluster.
public struct GatePolicy: Sendable, Hashable {
    /// How under-replication is judged.
    public enum UnderReplicated: Sendable, Hashable {
        /// Zero under-replicated partitions cluster-wide (`|ISR| < |replicas|`) before and after every
        /// restart. Recommended for three nodes; with RF 3 and minISR ≤ 2 it implies the Strimzi rule.
        case strict
        /// Strimzi's `KafkaAvailability` broker rule, to tolerate pre-existing under-replication: do not
        /// restart *b* if a partition with a replica on *b* has `|ISR| < minISR`, or `|ISR| == minISR` with
        /// *b* in the ISR. Partitions with `|replicas| ≤ minISR` never block and are reported as notes.
        case minIsr
    }

    public var underReplicated: UnderReplicated
    /// `controller.quorum.fetch.timeout.ms`: a follower voter is caught up when its lastCaughtUpTimestamp is
    /// less than this many milliseconds behind the leader's.
    public var quorumFetchTimeoutMs: Int64
    /// If set, a follower voter must also be at most this many offsets behind the leader's log end
    /// (cp-ansible uses 1000).
    public var maxVoterLogLag: Int64?

    public init(
        underReplicated: UnderReplicated = .strict, quorumFetchTimeoutMs: Int64 = 2000, maxVoterLogLag: Int64? = nil
    ) {
        self.underReplicated = underReplicated
        self.quorumFetchTimeoutMs = quorumFetchTimeoutMs
        self.maxVoterLogLag = maxVoterLogLag
    }
}

/// The verdict of the pre-restart gate.
public enum GateResult: Sendable, Hashable {
    /// Restarting the candidate cannot take a second broker, a partition or the quorum below what it needs.
    case pass
    /// The reasons, each naming the topics, partitions or brokers involved.
    case blocked([String])

    public var passed: Bool { self == .pass }

    public var reasons: [String] {
        switch self {
        case .pass: []
        case .blocked(let reasons): reasons
        }
    }
}

/// The pre-restart gate's verdict plus what it noticed without blocking (partitions whose replication
/// factor is at most their minISR, which Strimzi only logs so they cannot block a roll forever).
public struct GateReport: Sendable, Hashable {
    public var result: GateResult
    public var notes: [String]

    public init(result: GateResult, notes: [String] = []) {
        self.result = result
        self.notes = notes
    }
}
