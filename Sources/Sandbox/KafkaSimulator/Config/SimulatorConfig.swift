public import ServerProperties

/// What one simulated node runs with: the Kafka keys a real broker reads from `server.properties`, plus the
/// simulator's own `simulator.*` keys from the same file (Kafka ignores unknown keys).
public struct SimulatorConfig: Sendable {
    public struct Voter: Sendable, Equatable {
        public var id: Int32
        public var host: String
        public var port: Int
    }

    // Kafka keys.
    public var nodeId: Int32
    public var processRoles: Set<String>
    public var listeners: [ListenerAddress]
    /// nil when `advertised.listeners` is absent (then the broker listeners advertise their bind addresses).
    public var advertisedListeners: [ListenerAddress]?
    public var securityProtocolMap: [String: String]
    public var interBrokerListenerName: String
    public var controllerListenerNames: [String]
    public var voters: [Voter]
    public var rack: String?
    /// Every key of the file (after `--override`s), for DescribeConfigs.
    public var values: [String: String]

    // Simulator keys.
    public var clusterId: String
    public var clusterDirectory: String
    public var topics: [TopicSpec]
    public var fencedMs: Int64
    public var catchupMs: Int64
    public var heartbeatMs: Int64
    public var staleMs: Int64
    public var shutdownMs: Int64
    /// `simulator.bind.host`: binds wildcard listeners (`0.0.0.0`, empty host) to this address instead, so
    /// several simulators with the runbook's `listeners` can share one machine on 127.0.0.x (the sandbox).
    public var bindHost: String?
    public var kafkaVersion: KafkaVersion
    public var misbehaviours: [Misbehaviour]
    public var apiVersionOverrides: [Int16: ClosedRange<Int16>?]
    /// `simulator.dynamic.<key>=value`: a per-broker dynamic override (ConfigSource 2) shadowing the file.
    public var dynamicOverrides: [String: String]
    /// `simulator.broker.ids`: the ids partitions are assigned over (default: the voters plus registered brokers).
    public var brokerIds: [Int32]?
    public var logRequests: Bool

    public var isBroker: Bool { processRoles.contains("broker") }
    public var isController: Bool { processRoles.contains("controller") }
    public var minInsyncReplicas: Int { Int(values["min.insync.replicas"]?.trimmingWhitespace ?? "") ?? 1 }

    public func misbehaves(_ misbehaviour: Misbehaviour) -> Bool { misbehaviours.contains(misbehaviour) }

    /// Parses and validates as Kafka would (see ``ConfigValidation``); throws ``ConfigError``.
    public init(file: PropertiesFile, overrides: [String: String] = [:], clusterDirectory: String? = nil) throws {
        var values = file.values
        for (key, value) in overrides { values[key] = value }
        self.values = values
        func value(_ key: String) -> String? { values[key]?.trimmingWhitespace }
        func milliseconds(_ key: String, _ defaultValue: Int64) throws -> Int64 {
            guard let text = value(key) else { return defaultValue }
            guard let number = Int64(text), number >= 0, number <= 86_400_000 else {
                throw ConfigError("\(key) must be a number of milliseconds, got '\(text)'")
            }
            return number
        }

        guard let idText = value("node.id") ?? value("broker.id") else {
            throw ConfigError("Missing required configuration \"node.id\" which has no default value.")
        }
        guard let id = Int32(idText), id >= 0 else {
            throw ConfigError("Invalid value \(idText) for configuration node.id")
        }
        nodeId = id
        guard let roles = value("process.roles"), !ConfigList.split(roles).isEmpty else {
            throw ConfigError(
                "process.roles is not set: the simulator only runs KRaft nodes (broker, controller or both)")
        }
        processRoles = Set(ConfigList.split(roles).map { $0.lowercased() })
        guard processRoles.isSubset(of: ["broker", "controller"]) else {
            throw ConfigError(
                "Unknown process role in process.roles=\(roles) (must be a list of 'broker' and 'controller')")
        }
        listeners = try ListenerAddress.parseList(value("listeners") ?? "PLAINTEXT://:9092")
        advertisedListeners = try value("advertised.listeners").map(ListenerAddress.parseList)
        controllerListenerNames = ConfigList.split(value("controller.listener.names")).map { $0.uppercased() }
        var protocols = try ConfigList.map(value("listener.security.protocol.map"))
        if value("listener.security.protocol.map") == nil {
            for name in ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] { protocols[name] = name }
            // KRaft maps controller listener names that are not protocol names to PLAINTEXT when the map is unset.
            for name in controllerListenerNames where protocols[name] == nil { protocols[name] = "PLAINTEXT" }
        }
        securityProtocolMap = protocols
        interBrokerListenerName =
            (value("inter.broker.listener.name") ?? value("security.inter.broker.protocol") ?? "PLAINTEXT").uppercased()
        voters = try ConfigList.split(value("controller.quorum.voters")).map { entry in
            guard let at = entry.firstIndex(of: "@"), let voterId = Int32(entry[..<at]),
                let endpoint = try? ListenerAddress.parse("V://" + String(entry[entry.index(after: at)...]))
            else { throw ConfigError("Invalid controller.quorum.voters entry '\(entry)' (expected id@host:port)") }
            return Voter(id: voterId, host: endpoint.host, port: endpoint.port)
        }
        rack = value("broker.rack")

        clusterId = value("simulator.cluster.id") ?? "BRl69zcmTFmiPaoaANybiw"
        self.clusterDirectory =
            clusterDirectory ?? value("simulator.cluster.dir") ?? "/tmp/kafka-broker-sim/\(clusterId)"
        topics = try TopicSpec.parseList(values["simulator.topics"])
        fencedMs = try milliseconds("simulator.fenced.ms", 1500)
        catchupMs = try milliseconds("simulator.catchup.ms", 1500)
        heartbeatMs = max(20, try milliseconds("simulator.heartbeat.ms", 200))
        staleMs = max(heartbeatMs * 2, try milliseconds("simulator.stale.ms", 1000))
        shutdownMs = try milliseconds("simulator.shutdown.ms", 300)
        bindHost = values["simulator.bind.host"].flatMap { $0.isEmpty ? nil : $0 }
        kafkaVersion = try KafkaVersion(parsing: value("simulator.kafka.version") ?? "3.7.1")
        misbehaviours = try Misbehaviour.parseList(value("simulator.misbehave"))
        apiVersionOverrides = try Self.parseApiOverrides(value("simulator.api.versions"))
        var dynamic: [String: String] = [:]
        for (key, value) in values where key.hasPrefix("simulator.dynamic.") && key.count > "simulator.dynamic.".count {
            dynamic[String(key.dropFirst("simulator.dynamic.".count))] = value
        }
        dynamicOverrides = dynamic
        brokerIds = try value("simulator.broker.ids").map { text in
            try ConfigList.split(text).map {
                guard let id = Int32($0), id >= 0 else { throw ConfigError("simulator.broker.ids: bad id '\($0)'") }
                return id
            }
        }
        logRequests = value("simulator.log.requests")?.lowercased() == "true"
        try ConfigValidation.validate(self)
    }

    /// `ApiVersions:0-2,Metadata:0-8,DescribeQuorum:none` (names or numeric keys).
    static func parseApiOverrides(_ text: String?) throws -> [Int16: ClosedRange<Int16>?] {
        let names: [String: ApiKey] = [
            "metadata": .metadata, "apiversions": .apiVersions, "describeconfigs": .describeConfigs,
            "describequorum": .describeQuorum, "describecluster": .describeCluster, "findcoordinator": .findCoordinator,
        ]
        var result: [Int16: ClosedRange<Int16>?] = [:]
        for item in ConfigList.split(text) {
            let parts = item.split(separator: ":").map { String($0).trimmingWhitespace }
            guard parts.count == 2, let key = names[parts[0].lowercased()]?.rawValue ?? Int16(parts[0]),
                let implemented = ApiVersionTable.implemented[key]
            else { throw ConfigError("simulator.api.versions: '\(item)' is not API:min-max for an implemented API") }
            if parts[1].lowercased() == "none" {
                result[key] = .some(nil)
                continue
            }
            let bounds = parts[1].split(separator: "-").compactMap { Int16($0) }
            guard bounds.count == 2, bounds[0] <= bounds[1], implemented.contains(bounds[0]),
                implemented.contains(bounds[1])
            else {
                throw ConfigError("simulator.api.versions: '\(item)' is outside the implemented \(implemented)")
            }
            result[key] = bounds[0]...bounds[1]
        }
        return result
    }
}
