/// The `<cluster dir>/broker-<id>.json` file one simulator process owns and rewrites (atomically) every heartbeat.
///
/// Everything another process needs to answer for this node is in here: its registration (endpoints per
/// listener), its lifecycle state and the times the state machine decided (so every reader computes the same
/// ISR and quorum answers from the same file), and what makes it count as down (pid, heartbeat).
public struct BrokerRecord: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        /// Process up, not registered (listeners may be bound); `never-come-back` stays here.
        case starting
        /// Registered but fenced: absent from Metadata, not in any ISR.
        case fenced
        /// Unfenced (RUNNING): listed in Metadata on every listener it registered.
        case running
        /// SIGTERM received: counts as down at once.
        case stopping
        /// Exited cleanly.
        case stopped
    }

    public struct Endpoint: Sendable, Codable, Equatable {
        public var listener: String
        public var host: String
        public var port: Int
        public var securityProtocol: String

        public init(listener: String, host: String, port: Int, securityProtocol: String) {
            self.listener = listener
            self.host = host
            self.port = port
            self.securityProtocol = securityProtocol
        }
    }

    public var nodeId: Int32
    public var pid: Int32
    public var hostName: String
    public var processRoles: [String]
    public var kafkaVersion: String
    /// Counts starts of this node id in this cluster directory (1 for the first).
    public var incarnation: Int
    public var state: State
    public var startedAtMs: Int64
    public var heartbeatAtMs: Int64
    /// When it was unfenced (state running), nil before.
    public var unfencedAtMs: Int64?
    /// From when it is in the ISR of its partitions; nil means never (`stay-under-replicated`) or not yet unfenced.
    public var isrJoinAtMs: Int64?
    /// From when its metadata-log replica is caught up with the quorum leader; nil before unfencing.
    public var quorumCaughtUpAtMs: Int64?
    /// The last time the previous incarnation was seen alive (its final heartbeat), for quorum lag.
    public var previousSeenAtMs: Int64?
    /// Whether the previous incarnation was caught up when last seen.
    public var previousCaughtUp: Bool?
    public var stoppedAtMs: Int64?
    /// Registered broker listeners (what Metadata returns per listener).
    public var endpoints: [Endpoint]
    /// Controller listeners (DescribeCluster to controllers, DescribeQuorum v2 nodes).
    public var controllerEndpoints: [Endpoint]
    public var rack: String?
    public var misbehaviours: [String]

    public var isBroker: Bool { processRoles.contains("broker") }
    public var isController: Bool { processRoles.contains("controller") }

    public func endpoint(_ listener: String) -> Endpoint? { endpoints.first { $0.listener == listener } }

    /// The last time this incarnation was alive: its stop time or final heartbeat.
    public var lastSeenAtMs: Int64 { stoppedAtMs ?? heartbeatAtMs }

    public func isInSync(at now: Int64) -> Bool {
        guard state == .running, let join = isrJoinAtMs else { return false }
        return now >= join
    }

    public func isQuorumCaughtUp(at now: Int64) -> Bool {
        guard state == .running || state == .fenced, let caughtUp = quorumCaughtUpAtMs else { return false }
        return now >= caughtUp
    }
}
