import ServerProperties

@testable import KafkaSimulator

/// In-process fixtures: configs from property text, and hand-built cluster snapshots.
enum Fixture {
    /// The runbook's node file for `id` (three combined nodes, INTERNAL/CONTROLLER/EXTERNAL) plus `extra` lines.
    static func properties(id: Int32, extra: String = "") -> String {
        """
        process.roles=broker,controller
        node.id=\(id)
        controller.quorum.voters=1@10.0.0.4:29092,2@10.0.0.5:29092,3@10.0.0.6:29092
        listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092
        inter.broker.listener.name=INTERNAL
        advertised.listeners=INTERNAL://10.0.0.\(id + 3):9092,EXTERNAL://b\(id).abc.eastus.azure.3199745.tidbcloud.com:\(9092 + id)
        controller.listener.names=CONTROLLER
        listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
        log.dirs=./data
        \(extra)
        """
    }

    static func config(id: Int32, extra: String = "") throws -> SimulatorConfig {
        try SimulatorConfig(
            file: PropertiesFile(bytes: Array(properties(id: id, extra: extra).utf8)), clusterDirectory: "/nonexistent")
    }

    /// A record as node `id` would write it with `config`'s endpoints, in `state`.
    static func record(
        _ config: SimulatorConfig, state: BrokerRecord.State, now: Int64, isrJoinAt: Int64? = 0,
        without listener: String? = nil
    ) -> BrokerRecord {
        let endpoints = config.registeredBrokerEndpoints.filter { $0.name != listener }.map {
            BrokerRecord.Endpoint(listener: $0.name, host: $0.host, port: $0.port, securityProtocol: "PLAINTEXT")
        }
        return BrokerRecord(
            nodeId: config.nodeId, pid: 1, hostName: "elsewhere", processRoles: ["broker", "controller"],
            kafkaVersion: "3.7.1",
            incarnation: 1, state: state, startedAtMs: now - 10_000, heartbeatAtMs: now,
            unfencedAtMs: state == .running ? now - 9_000 : nil, isrJoinAtMs: state == .running ? isrJoinAt : nil,
            quorumCaughtUpAtMs: state == .running ? isrJoinAt : nil, previousSeenAtMs: nil, previousCaughtUp: nil,
            stoppedAtMs: nil,
            endpoints: endpoints, controllerEndpoints: [], rack: nil, misbehaviours: [])
    }

    /// Nodes 1-3 from the runbook files; `alive` ids are up, the rest have stale records.
    static func snapshot(_ records: [BrokerRecord], alive: Set<Int32>, now: Int64 = 1_800_000_000_000)
        -> ClusterSnapshot
    {
        ClusterSnapshot(takenAtMs: now, nowMs: now, records: records, alive: alive)
    }
}
