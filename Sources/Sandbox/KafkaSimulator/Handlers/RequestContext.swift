/// What a handler knows about the request beyond its bytes: the node answering, the listener the request arrived
/// on, and the cluster as of now.
public struct RequestContext: Sendable {
    public var config: SimulatorConfig
    public var listener: String
    public var snapshot: ClusterSnapshot
    public var apiVersions: ApiVersionTable

    public init(config: SimulatorConfig, listener: String, snapshot: ClusterSnapshot) {
        self.config = config
        self.listener = listener
        self.snapshot = snapshot
        self.apiVersions = ApiVersionTable.forVersion(
            config.kafkaVersion, controller: config.isControllerListener(listener),
            overrides: config.apiVersionOverrides)
    }

    public var isControllerListener: Bool { config.isControllerListener(listener) }

    /// Voter ids from `controller.quorum.voters`, else (dynamic quorum) the controller-role nodes on record.
    public var voterIds: [Int32] {
        if !config.voters.isEmpty { return config.voters.map(\.id) }
        return snapshot.records.values.filter(\.isController).map(\.nodeId).sorted()
    }
}

/// Bit fields returned when authorized operations are requested (no authorizer: everything allowed).
enum AuthorizedOperations {
    static let notRequested = Int32.min
    /// CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE.
    static let cluster: Int32 = [5, 7, 8, 9, 10, 11, 12].reduce(0) { $0 | Int32(1) << $1 }
    /// READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS.
    static let topic: Int32 = [3, 4, 5, 6, 7, 8, 10, 11].reduce(0) { $0 | Int32(1) << $1 }
}
