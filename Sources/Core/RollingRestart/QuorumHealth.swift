/// The KRaft controller quorum as DescribeQuorum (v1+) reports it, and the caught-up arithmetic of
/// Strimzi's `KafkaQuorumCheck` (kafka.md §4.2).
public struct QuorumHealth: Sendable, Hashable {
    /// The active controller, −1 when there is none.
    public var leaderID: Int
    public var voters: [VoterState]

    public init(leaderID: Int, voters: [VoterState]) {
        self.leaderID = leaderID
        self.voters = voters
    }

    /// The active controller, if any voter leads.
    public var leader: Int? { leaderID >= 0 ? leaderID : nil }

    public func voter(_ id: Int) -> VoterState? { voters.first { $0.id == id } }

    /// Whether `id` is a caught-up voter:
    /// - the leader is caught up by definition (but only if it reports a timestamp, as in Strimzi);
    /// - any other voter is caught up if `leader.lastCaughtUp − voter.lastCaughtUp < quorumFetchTimeoutMs`;
    /// - a voter without a timestamp (−1, DescribeQuorum v0) is never caught up;
    /// - with `maxVoterLogLag` set, a follower must also be within that many offsets of the leader's log end
    ///   (cp-ansible's check).
    /// Returns nil when caught up, else why not.
    public func lagReason(of id: Int, policy: GatePolicy) -> String? {
        guard let leader, let leaderState = voter(leader) else { return "no quorum leader" }
        guard let state = voter(id) else { return "controller \(id) is not a voter" }
        guard leaderState.lastCaughtUpTimestamp >= 0 else {
            return "the quorum leader \(leader) reports no lastCaughtUpTimestamp"
        }
        if id == leader { return nil }
        guard state.lastCaughtUpTimestamp >= 0 else { return "voter \(id) reports no lastCaughtUpTimestamp" }
        let behindMs = leaderState.lastCaughtUpTimestamp - state.lastCaughtUpTimestamp
        if behindMs >= policy.quorumFetchTimeoutMs {
            return "voter \(id) last caught up \(behindMs) ms before the leader \(leader)"
                + " (needs < \(policy.quorumFetchTimeoutMs) ms)"
        }
        if let maxLag = policy.maxVoterLogLag {
            let lag = leaderState.logEndOffset - state.logEndOffset
            if lag > maxLag { return "voter \(id) is \(lag) offsets behind the leader \(leader) (allowed \(maxLag))" }
        }
        return nil
    }

    /// Strimzi's controller rule: with `candidate` stopped, would the quorum still have a caught-up majority?
    /// Excluding the candidate, caught-up voters must number at least `(N+2)/2` (integer division), N being
    /// the number of voters: both other voters for N = 3, three of the other four for N = 5.
    ///
    /// Unlike Strimzi there is no special case for N ≤ 2: restarting one of one or two voters always loses
    /// the majority, so it is refused.
    /// Returns the reasons the candidate may not be restarted (empty when it may).
    public func blockers(restarting candidate: Int, policy: GatePolicy) -> [String] {
        guard let leader else { return ["the controller quorum has no leader"] }
        guard voter(leader) != nil else { return ["the quorum leader \(leader) is not among the voters"] }
        let others = voters.filter { $0.id != candidate }.map(\.id).sorted()
        var lagging: [String] = []
        var caughtUp = 0
        for id in others {
            if let reason = lagReason(of: id, policy: policy) { lagging.append(reason) } else { caughtUp += 1 }
        }
        let needed = (voters.count + 2) / 2
        guard caughtUp < needed else { return [] }
        let summary = "restarting controller \(candidate) would leave \(caughtUp) caught-up voter(s) of"
            + " \(voters.count), at least \(needed) are needed"
        return [summary] + lagging
    }
}

/// One voter of the quorum (DescribeQuorum `CurrentVoters`).
public struct VoterState: Sendable, Hashable {
    public var id: Int
    public var logEndOffset: Int64
    /// Milliseconds (leader clock); −1 when unknown.
    public var lastCaughtUpTimestamp: Int64

    public init(id: Int, logEndOffset: Int64, lastCaughtUpTimestamp: Int64) {
        self.id = id
        self.logEndOffset = logEndOffset
        self.lastCaughtUpTimestamp = lastCaughtUpTimestamp
    }
}
