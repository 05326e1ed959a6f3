/// A Kafka API key. Any INT16 is representable, because brokers advertise keys this codec does not implement.
public struct ApiKey: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByIntegerLiteral {
    public var rawValue: Int16

    public init(rawValue: Int16) { self.rawValue = rawValue }

    public init(integerLiteral value: Int16) { self.rawValue = value }

    public static let produce = ApiKey(rawValue: 0)
    public static let metadata = ApiKey(rawValue: 3)
    public static let findCoordinator = ApiKey(rawValue: 10)
    public static let apiVersions = ApiKey(rawValue: 18)
    public static let describeConfigs = ApiKey(rawValue: 32)
    public static let describeQuorum = ApiKey(rawValue: 55)
    public static let describeCluster = ApiKey(rawValue: 60)

    /// The name as `kafka-broker-api-versions` prints it, or nil for a key unknown to this table.
    public var name: String? { Self.names[rawValue] }

    public static func < (lhs: ApiKey, rhs: ApiKey) -> Bool { lhs.rawValue < rhs.rawValue }

    private static let names: [Int16: String] = [
        0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 4: "LeaderAndIsr", 5: "StopReplica",
        6: "UpdateMetadata", 7: "ControlledShutdown", 8: "OffsetCommit", 9: "OffsetFetch", 10: "FindCoordinator",
        11: "JoinGroup", 12: "Heartbeat", 13: "LeaveGroup", 14: "SyncGroup", 15: "DescribeGroups", 16: "ListGroups",
        17: "SaslHandshake", 18: "ApiVersions", 19: "CreateTopics", 20: "DeleteTopics", 21: "DeleteRecords",
        22: "InitProducerId", 23: "OffsetForLeaderEpoch", 24: "AddPartitionsToTxn", 25: "AddOffsetsToTxn",
        26: "EndTxn", 27: "WriteTxnMarkers", 28: "TxnOffsetCommit", 29: "DescribeAcls", 30: "CreateAcls",
        31: "DeleteAcls", 32: "DescribeConfigs", 33: "AlterConfigs", 34: "AlterReplicaLogDirs",
        35: "DescribeLogDirs", 36: "SaslAuthenticate", 37: "CreatePartitions", 38: "CreateDelegationToken",
        39: "RenewDelegationToken", 40: "ExpireDelegationToken", 41: "DescribeDelegationToken", 42: "DeleteGroups",
        43: "ElectLeaders", 44: "IncrementalAlterConfigs", 45: "AlterPartitionReassignments",
        46: "ListPartitionReassignments", 47: "OffsetDelete", 48: "DescribeClientQuotas", 49: "AlterClientQuotas",
        50: "DescribeUserScramCredentials", 51: "AlterUserScramCredentials", 52: "Vote", 53: "BeginQuorumEpoch",
        54: "EndQuorumEpoch", 55: "DescribeQuorum", 56: "AlterPartition", 57: "UpdateFeatures", 58: "Envelope",
        59: "FetchSnapshot", 60: "DescribeCluster", 61: "DescribeProducers", 62: "BrokerRegistration",
        63: "BrokerHeartbeat", 64: "UnregisterBroker", 65: "DescribeTransactions", 66: "ListTransactions",
        67: "AllocateProducerIds", 68: "ConsumerGroupHeartbeat", 69: "ConsumerGroupDescribe",
        70: "ControllerRegistration", 71: "GetTelemetrySubscriptions", 72: "PushTelemetry",
        73: "AssignReplicasToDirs", 74: "ListClientMetricsResources", 75: "DescribeTopicPartitions",
        80: "AddRaftVoter", 81: "RemoveRaftVoter", 82: "UpdateRaftVoter",
    ]
}

extension ApiKey: CustomStringConvertible {
    /// `Name(key)` as `kafka-broker-api-versions` prints it, `UNKNOWN(key)` for keys outside the table.
    public var description: String { "\(name ?? "UNKNOWN")(\(rawValue))" }
}
