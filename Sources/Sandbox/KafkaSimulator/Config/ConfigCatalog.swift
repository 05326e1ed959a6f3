/// The Kafka broker and topic configs the simulator knows defaults and types for (a subset of `KafkaConfig`),
/// used by DescribeConfigs. Keys of the file outside this list are still described (as STRING) when asked for.
enum ConfigCatalog {
    /// ConfigType codes of DescribeConfigs v3+.
    enum Kind: Int8 {
        case boolean = 1, string = 2, int = 3, short = 4, long = 5, list = 7, password = 9
    }

    struct Entry {
        var defaultValue: String?
        var kind: Kind
        /// Per-broker or cluster-wide dynamic (DescribeConfigs `ReadOnly` false).
        var dynamic: Bool
    }

    static let broker: [String: Entry] = [
        "advertised.listeners": Entry(defaultValue: nil, kind: .string, dynamic: true),
        "listeners": Entry(defaultValue: "PLAINTEXT://:9092", kind: .string, dynamic: true),
        "listener.security.protocol.map": Entry(
            defaultValue: "SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT", kind: .string,
            dynamic: true),
        "inter.broker.listener.name": Entry(defaultValue: nil, kind: .string, dynamic: false),
        "controller.listener.names": Entry(defaultValue: nil, kind: .string, dynamic: false),
        "controller.quorum.voters": Entry(defaultValue: "", kind: .list, dynamic: false),
        "controller.quorum.bootstrap.servers": Entry(defaultValue: "", kind: .list, dynamic: false),
        "controller.quorum.fetch.timeout.ms": Entry(defaultValue: "2000", kind: .int, dynamic: false),
        "process.roles": Entry(defaultValue: "", kind: .list, dynamic: false),
        "node.id": Entry(defaultValue: "-1", kind: .int, dynamic: false),
        "broker.id": Entry(defaultValue: "-1", kind: .int, dynamic: false),
        "broker.rack": Entry(defaultValue: nil, kind: .string, dynamic: false),
        "log.dirs": Entry(defaultValue: nil, kind: .string, dynamic: false),
        "log.dir": Entry(defaultValue: "/tmp/kafka-logs", kind: .string, dynamic: false),
        "min.insync.replicas": Entry(defaultValue: "1", kind: .int, dynamic: true),
        "num.partitions": Entry(defaultValue: "1", kind: .int, dynamic: true),
        "default.replication.factor": Entry(defaultValue: "1", kind: .int, dynamic: false),
        "auto.create.topics.enable": Entry(defaultValue: "true", kind: .boolean, dynamic: false),
        "auto.leader.rebalance.enable": Entry(defaultValue: "true", kind: .boolean, dynamic: false),
        "leader.imbalance.check.interval.seconds": Entry(defaultValue: "300", kind: .long, dynamic: false),
        "controlled.shutdown.enable": Entry(defaultValue: "true", kind: .boolean, dynamic: false),
        "unclean.leader.election.enable": Entry(defaultValue: "false", kind: .boolean, dynamic: true),
        "num.network.threads": Entry(defaultValue: "3", kind: .int, dynamic: true),
        "num.io.threads": Entry(defaultValue: "8", kind: .int, dynamic: true),
        "socket.send.buffer.bytes": Entry(defaultValue: "102400", kind: .int, dynamic: false),
        "socket.receive.buffer.bytes": Entry(defaultValue: "102400", kind: .int, dynamic: false),
        "socket.request.max.bytes": Entry(defaultValue: "104857600", kind: .int, dynamic: false),
        "log.retention.hours": Entry(defaultValue: "168", kind: .int, dynamic: false),
        "log.segment.bytes": Entry(defaultValue: "1073741824", kind: .int, dynamic: true),
        "offsets.topic.replication.factor": Entry(defaultValue: "3", kind: .short, dynamic: false),
        "transaction.state.log.replication.factor": Entry(defaultValue: "3", kind: .short, dynamic: false),
        "transaction.state.log.min.isr": Entry(defaultValue: "2", kind: .int, dynamic: false),
    ]

    /// Topic configs: default and the broker key that supplies the cluster-wide value.
    static let topic: [String: (defaultValue: String, brokerKey: String, kind: Kind)] = [
        "min.insync.replicas": ("1", "min.insync.replicas", .int),
        "cleanup.policy": ("delete", "log.cleanup.policy", .list),
        "retention.ms": ("604800000", "log.retention.ms", .long),
        "unclean.leader.election.enable": ("false", "unclean.leader.election.enable", .boolean),
    ]

    static func isSensitive(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower.contains("password") || lower.hasSuffix(".jaas.config") || lower.contains("secret")
    }
}

/// One config entry of a DescribeConfigs result.
struct DescribedConfig {
    /// ConfigSource codes.
    enum Source: Int8 {
        case topic = 1
        case dynamicBroker = 2
        case dynamicDefaultBroker = 3
        case staticBroker = 4
        case defaultConfig = 5
    }

    var name: String
    var value: String?
    var readOnly: Bool
    var source: Source
    var sensitive: Bool
    var synonyms: [(name: String, value: String?, source: Source)]
    var kind: ConfigCatalog.Kind
}
