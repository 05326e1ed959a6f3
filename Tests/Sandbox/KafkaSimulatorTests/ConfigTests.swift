import ServerProperties
import Testing

@testable import KafkaSimulator

@Suite("server.properties: the Kafka keys, simulator.* keys and Kafka's start-up validation")
struct ConfigTests {
    @Test("The runbook file: listeners, advertised endpoints per listener, voters, defaults")
    func runbookFile() throws {
        let config = try Fixture.config(id: 2)
        #expect(config.nodeId == 2)
        #expect(config.processRoles == ["broker", "controller"])
        #expect(config.listeners.map(\.name) == ["INTERNAL", "CONTROLLER", "EXTERNAL"])
        #expect(
            config.registeredBrokerEndpoints.map { "\($0.name)://\($0.hostPort)" }
                == ["INTERNAL://10.0.0.5:9092", "EXTERNAL://b2.abc.eastus.azure.3199745.tidbcloud.com:9094"])
        #expect(config.controllerEndpoints.map(\.hostPort) == ["0.0.0.0:29092"])
        #expect(config.voters.map(\.id) == [1, 2, 3])
        #expect(config.fencedMs == 1500 && config.catchupMs == 1500 && config.shutdownMs == 300)
        #expect(config.kafkaVersion == KafkaVersion(3, 7, 1))
        #expect(config.topics == [TopicSpec(name: "test-topic", partitions: 3, replicationFactor: 3)])
        #expect(config.clusterId == "BRl69zcmTFmiPaoaANybiw")
    }

    @Test(
        "A broker listener missing from advertised.listeners is not registered (Kafka's effective advertised listeners)"
    )
    func unadvertisedListener() throws {
        let text = Fixture.properties(id: 1).replacing(
            ",EXTERNAL://b1.abc.eastus.azure.3199745.tidbcloud.com:9093", with: "")
        let config = try SimulatorConfig(file: PropertiesFile(bytes: Array(text.utf8)))
        #expect(config.registeredBrokerEndpoints.map(\.name) == ["INTERNAL"])
        #expect(config.boundListeners.map(\.name) == ["INTERNAL", "CONTROLLER", "EXTERNAL"])
    }

    @Test("simulator.* keys: topics, durations, misbehaviours, API overrides, dynamic overrides")
    func simulatorKeys() throws {
        let config = try Fixture.config(
            id: 1,
            extra: """
                simulator.topics=orders:3:3,payments:6:2:2
                simulator.fenced.ms=250
                simulator.catchup.ms=0
                simulator.kafka.version=3.9.1
                simulator.misbehave=no-listener:external, stay-under-replicated
                simulator.api.versions=ApiVersions:0-2,DescribeQuorum:none
                simulator.dynamic.advertised.listeners=INTERNAL://stale:9092
                """)
        #expect(config.topics.map(\.name) == ["orders", "payments"])
        #expect(config.topics[1].minInsyncReplicas == 2)
        #expect(config.fencedMs == 250 && config.catchupMs == 0)
        #expect(config.misbehaviours == [.noListener("EXTERNAL"), .stayUnderReplicated])
        #expect(config.registeredBrokerEndpoints.map(\.name) == ["INTERNAL"])
        #expect(!config.boundListeners.map(\.name).contains("EXTERNAL"))
        let table = ApiVersionTable.forVersion(
            config.kafkaVersion, controller: false, overrides: config.apiVersionOverrides)
        #expect(table.ranges[18] == 0...2)
        #expect(table.ranges[55] == nil)
        #expect(table.ranges[3] == 0...12)
        #expect(config.dynamicOverrides == ["advertised.listeners": "INTERNAL://stale:9092"])
    }

    @Test("API version ranges follow the Kafka release (kafka.md §1.10)")
    func versionTable() {
        let v37 = ApiVersionTable.forVersion(KafkaVersion(3, 7, 1), controller: false)
        #expect(v37.ranges == [3: 0...12, 10: 0...4, 18: 0...3, 32: 0...4, 55: 0...1, 60: 0...1])
        // FindCoordinator v5 from 3.8: what kafka-proxy v0.3.11 cannot rewrite.
        #expect(ApiVersionTable.forVersion(KafkaVersion(3, 8, 0), controller: false).ranges[10] == 0...5)
        let v39 = ApiVersionTable.forVersion(KafkaVersion(3, 9, 0), controller: false)
        #expect(v39.ranges[18] == 0...4 && v39.ranges[55] == 0...2)
        let v36 = ApiVersionTable.forVersion(KafkaVersion(3, 6, 0), controller: false)
        #expect(v36.ranges[60] == 0...0)
        let controller = ApiVersionTable.forVersion(KafkaVersion(3, 7, 1), controller: true)
        #expect(controller.ranges == [18: 0...3, 55: 0...1, 60: 0...1])
    }

    @Test(
        "Files a real broker refuses stop the simulator too, with Kafka's message",
        arguments: [
            (
                "inter.broker.listener.name=INTERNAL", "inter.broker.listener.name=PLAIN",
                "inter.broker.listener.name must be a listener name defined in advertised.listeners"
            ),
            (
                "advertised.listeners=INTERNAL://10.0.0.4:9092", "advertised.listeners=INTERNAL://0.0.0.0:9092",
                "nonroutable meta-address 0.0.0.0"
            ),
            (
                "listeners=INTERNAL://0.0.0.0:9092,", "listeners=INTERNAL://0.0.0.0:39092,",
                "Each listener must have a different port"
            ),
            ("EXTERNAL:PLAINTEXT,", "", "No security protocol defined for listener EXTERNAL"),
            (
                "advertised.listeners=INTERNAL://10.0.0.4:9092",
                "advertised.listeners=CONTROLLER://10.0.0.4:29092,INTERNAL://10.0.0.4:9092",
                "must not contain KRaft controller listeners"
            ),
            ("node.id=1", "", "Missing required configuration \"node.id\""),
            ("process.roles=broker,controller", "", "process.roles is not set"),
        ])
    func refused(original: String, replacement: String, message: String) throws {
        let text = Fixture.properties(id: 1).replacing(original, with: replacement)
        #expect(text != Fixture.properties(id: 1))
        let error = #expect(throws: ConfigError.self) {
            try SimulatorConfig(file: PropertiesFile(bytes: Array(text.utf8)))
        }
        #expect(error?.description.contains(message) == true, "\(String(describing: error))")
    }

    @Test("Kafka 3.9.0 rejects an unadvertised CONTROLLER bound to 0.0.0.0 (KAFKA-18281); 3.9.1 and 3.8 accept it")
    func kafka390ControllerBug() throws {
        #expect(throws: ConfigError.self) { try Fixture.config(id: 1, extra: "simulator.kafka.version=3.9.0") }
        _ = try Fixture.config(id: 1, extra: "simulator.kafka.version=3.9.1")
        _ = try Fixture.config(id: 1, extra: "simulator.kafka.version=3.8.0")
    }

    @Test("Bad simulator keys are reported, not ignored")
    func badSimulatorKeys() {
        for extra in [
            "simulator.misbehave=explode", "simulator.topics=orders:x:3", "simulator.fenced.ms=-1",
            "simulator.kafka.version=three", "simulator.api.versions=Metadata:0-99",
        ] {
            #expect(throws: ConfigError.self, "\(extra)") { try Fixture.config(id: 1, extra: extra) }
        }
    }

    @Test("The command line: --config (or one positional path), --cluster-dir, --log, --pid-file, --override")
    func commandLine() {
        let parsed = CommandLineOptions.parse([
            "--config", "a.properties", "--cluster-dir=/tmp/c", "--log", "l", "--override", "node.id=4",
        ])
        var expected = CommandLineOptions(configPath: "a.properties", clusterDirectory: "/tmp/c", logPath: "l")
        expected.overrides = ["node.id": "4"]
        #expect(parsed == .run(expected))
        #expect(
            CommandLineOptions.parse(["server.properties"]) == .run(CommandLineOptions(configPath: "server.properties"))
        )
        #expect(CommandLineOptions.parse([]) == .usageError("--config is required"))
        guard case .usageError(let unknown) = CommandLineOptions.parse(["a.properties", "--bogus"]) else {
            Issue.record("accepted --bogus")
            return
        }
        #expect(unknown.contains("--bogus"), "\(unknown)")
        #expect(CommandLineOptions.parse(["a.properties", "--override", "x"]) == .usageError("--override needs key=value"))
        #expect(CommandLineOptions.parse(["--help"]) == .help)
    }

    @Test(
        "DescribeConfigs: file keys are source 4, simulator.dynamic.* shadows them as source 2, absent known keys are defaults (5)"
    )
    func describeConfigsSources() throws {
        let config = try Fixture.config(
            id: 2, extra: "min.insync.replicas=2\nsimulator.dynamic.advertised.listeners=INTERNAL://stale:9092")
        let keys = [
            "advertised.listeners", "listeners", "num.partitions", "min.insync.replicas", "simulator.topics",
            "no.such.key",
        ]
        let result = ConfigDescriber(config: config).describe(.init(type: 4, name: "2", keys: keys))
        #expect(result.errorCode == 0)
        let byName = Dictionary(uniqueKeysWithValues: result.configs.map { ($0.name, $0) })
        #expect(byName.keys.sorted() == ["advertised.listeners", "listeners", "min.insync.replicas", "num.partitions"])
        #expect(byName["advertised.listeners"]?.value == "INTERNAL://stale:9092")
        #expect(byName["advertised.listeners"]?.source == .dynamicBroker)
        #expect(
            byName["advertised.listeners"]?.synonyms.map(\.source) == [.dynamicBroker, .staticBroker, .defaultConfig])
        #expect(byName["listeners"]?.source == .staticBroker && byName["listeners"]?.readOnly == false)
        #expect(byName["num.partitions"]?.value == "1" && byName["num.partitions"]?.source == .defaultConfig)
        #expect(byName["min.insync.replicas"]?.value == "2" && byName["min.insync.replicas"]?.kind == .int)

        let other = ConfigDescriber(config: config).describe(.init(type: 4, name: "3", keys: nil))
        #expect(other.errorCode == 42)
        #expect(other.errorMessage == "Unexpected broker id, expected 2 or empty string, but received 3")
        #expect(
            ConfigDescriber(config: config).describe(.init(type: 4, name: "x", keys: nil)).errorMessage
                == "Broker id must be an integer, but it is: x")
        let topic = ConfigDescriber(config: config).describe(
            .init(type: 2, name: "test-topic", keys: ["min.insync.replicas"]))
        #expect(topic.configs.first?.value == "2" && topic.configs.first?.source == .staticBroker)
        #expect(ConfigDescriber(config: config).describe(.init(type: 2, name: "nope", keys: nil)).errorCode == 3)
    }
}
