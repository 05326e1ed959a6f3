/// A post-restart condition (kafka.md §4.3 "post-restart waits"), in the order they are checked and reported.
public enum PostCondition: String, Sendable, Hashable, CaseIterable {
    /// The snapshot has no observation errors (a partial read could hide a failing condition).
    case snapshotComplete = "snapshot complete"
    /// 1. The node answers ApiVersions on INTERNAL.
    case answersApiVersions = "answers ApiVersions"
    /// 2. The node id is in the Metadata broker list fetched from another node (registered and unfenced).
    case registered
    /// 3. A quorum leader exists and, for a controller, the node is a caught-up voter.
    case quorum
    /// 4. Strict: no under-replicated partition. minIsr: the node rejoined its ISRs and none is below min ISR.
    case replication
    /// 5. Through every exposure listener, the node advertises the expected `host:port`.
    case externalEndpoints = "external endpoints"
}

/// One post-restart condition's outcome.
public struct PostConditionResult: Sendable, Hashable {
    public var condition: PostCondition
    public var passed: Bool
    /// What was seen: why it passed, or what is not yet true.
    public var detail: String

    public init(condition: PostCondition, passed: Bool, detail: String) {
        self.condition = condition
        self.passed = passed
        self.detail = detail
    }
}

/// All post-restart conditions of one node on one snapshot, in `PostCondition` order.
public struct PostRestartReport: Sendable, Hashable {
    public var node: Int
    public var conditions: [PostConditionResult]

    public init(node: Int, conditions: [PostConditionResult]) {
        self.node = node
        self.conditions = conditions
    }

    public var passed: Bool { conditions.allSatisfy(\.passed) }
    public var failing: [PostConditionResult] { conditions.filter { !$0.passed } }
    public subscript(_ condition: PostCondition) -> Bool? { conditions.first { $0.condition == condition }?.passed }
    /// `condition: detail` for every failing condition, for progress and halt reasons.
    public var waitingFor: [String] { failing.map { "\($0.condition.rawValue): \($0.detail)" } }
}

extension Gates {
    /// Evaluates every post-restart condition of `node` on `health`.
    /// - Parameters:
    ///   - expectedExternal: per exposure listener, node id -> expected `host:port`. Listeners without an entry
    ///     for `node` are not checked for it.
    ///   - isController: whether `node` is a controller; nil infers it from the voters.
    public static func postRestart(
        node: Int, health: ClusterHealth, policy: GatePolicy, expectedExternal: [String: [Int: String]],
        isController: Bool? = nil
    ) -> PostRestartReport {
        func result(_ condition: PostCondition, _ failure: String?, ok: String) -> PostConditionResult {
            PostConditionResult(condition: condition, passed: failure == nil, detail: failure ?? ok)
        }
        let errors = health.observationErrors
        let controller = isController ?? (health.quorum?.voter(node) != nil)
        let replication = switch policy.underReplicated {
        case .strict: ReplicationRules.strictLeftovers(partitions: health.partitions)
        case .minIsr: ReplicationRules.minIsrLeftovers(node: node, health: health)
        }
        let endpoints = externalMismatches(node: node, health: health, expected: expectedExternal)
        return PostRestartReport(node: node, conditions: [
            result(.snapshotComplete, errors.isEmpty ? nil : errors.joined(separator: "; "), ok: "no read failed"),
            result(
                .answersApiVersions,
                health.reachable.contains(node) ? nil : "broker \(node) does not answer ApiVersions on INTERNAL",
                ok: "broker \(node) answers ApiVersions"),
            result(.registered, registrationFailure(node: node, health: health), ok: registrationSuccess(node, health)),
            result(
                .quorum, quorumFailure(node: node, controller: controller, health: health, policy: policy),
                ok: controller ? "broker \(node) is a caught-up voter" : "the quorum has a leader"),
            result(
                .replication, replication.isEmpty ? nil : replication.joined(separator: "; "),
                ok: policy.underReplicated == .strict
                    ? "no under-replicated partition" : "broker \(node) is in every ISR it belongs to"),
            result(.externalEndpoints, endpoints.isEmpty ? nil : endpoints.joined(separator: "; "), ok: "as expected"),
        ])
    }

    private static func registrationFailure(node: Int, health: ClusterHealth) -> String? {
        guard let source = health.metadataSource else {
            return "the Metadata broker list came from an unknown node; it must come from a node other than \(node)"
        }
        if source == node { return "the Metadata broker list was fetched from broker \(node) itself" }
        if !health.registeredBrokers.contains(node) {
            return "broker \(node) is not in the Metadata broker list of broker \(source) (not registered or fenced)"
        }
        return nil
    }

    private static func registrationSuccess(_ node: Int, _ health: ClusterHealth) -> String {
        "broker \(health.metadataSource.map(String.init) ?? "?") lists broker \(node)"
    }

    private static func quorumFailure(
        node: Int, controller: Bool, health: ClusterHealth, policy: GatePolicy
    ) -> String? {
        guard let quorum = health.quorum else { return "DescribeQuorum was not read" }
        guard let leader = quorum.leader else { return "the controller quorum has no leader" }
        guard controller else { return nil }
        guard quorum.voter(leader) != nil else { return "the quorum leader \(leader) is not among the voters" }
        return quorum.lagReason(of: node, policy: policy)
    }

    private static func externalMismatches(
        node: Int, health: ClusterHealth, expected: [String: [Int: String]]
    ) -> [String] {
        var out: [String] = []
        for listener in expected.keys.sorted() {
            guard let want = expected[listener]?[node] else { continue }
            switch health.externalEndpoints[listener]?[node] {
            case nil: out.append("\(listener) does not list broker \(node) (expected \(want))")
            case let got? where got != want:
                out.append("\(listener) advertises broker \(node) as \(got), expected \(want)")
            default: break
            }
        }
        return out
    }
}
