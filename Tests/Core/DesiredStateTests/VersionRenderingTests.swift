import DesiredState
import Manifests
import ReconcileModel
import Testing

@Suite("Broker configs follow Kafka's version rules and node roles")
struct VersionRenderingTests {
    func compile(version: String, roles: String = "") throws -> DesiredState {
        let cluster = """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata: {name: c}
            spec:
              kafkaVersion: "\(version)"
              clusterId: BRl69zcmTFmiPaoaANybiw
              logDirs: /data
              brokers:
                - {nodeId: 1, name: n1, address: 10.0.0.4}
                - {nodeId: 2, name: n2, address: 10.0.0.5}
                - {nodeId: 3, name: n3, address: 10.0.0.6\(roles)}
              ssh: {user: kafka}

            """
        let load = ManifestLoader.load(files: [("c.yaml", Array(cluster.utf8))])
        try #require(!load.diagnostics.hasErrors, "\(load.diagnostics)")
        return DesiredStateCompiler.compile(load.manifests)
    }

    @Test("Before 3.9 and from 3.9.1 the CONTROLLER listener binds 0.0.0.0 and is never advertised", arguments: ["3.7.1", "3.8.0", "3.9.1", "4.0.0"])
    func controllerUnadvertised(version: String) throws {
        let config = try #require(try compile(version: version).brokerConfigs["c"]?[1])
        #expect(config["listeners"] == "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092")
        #expect(config["advertised.listeners"] == "INTERNAL://10.0.0.4:9092")
    }

    @Test("Kafka 3.9.0 (KAFKA-18281) binds CONTROLLER to the node's own address")
    func kafka390() throws {
        let config = try #require(try compile(version: "3.9.0").brokerConfigs["c"]?[2])
        #expect(config["listeners"] == "INTERNAL://0.0.0.0:9092,CONTROLLER://10.0.0.5:29092")
        #expect(config["advertised.listeners"] == "INTERNAL://10.0.0.5:9092")
    }

    @Test("A broker-only node has no CONTROLLER listener but still knows the quorum; voters list only controllers")
    func brokerOnly() throws {
        let state = try compile(version: "3.7.1", roles: ", processRoles: [broker]")
        let config = try #require(state.brokerConfigs["c"]?[3])
        #expect(config["process.roles"] == "broker")
        #expect(config["listeners"] == "INTERNAL://0.0.0.0:9092")
        #expect(config["controller.quorum.voters"] == "1@10.0.0.4:29092,2@10.0.0.5:29092")
        #expect(config["controller.listener.names"] == "CONTROLLER")
        #expect(config["listener.security.protocol.map"] == "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL")
    }

    @Test("A controller-only node has only the CONTROLLER listener and advertises nothing")
    func controllerOnly() throws {
        let state = try compile(version: "3.7.1", roles: ", processRoles: [controller]")
        let config = try #require(state.brokerConfigs["c"]?[3])
        #expect(config["listeners"] == "CONTROLLER://0.0.0.0:29092")
        #expect(config["advertised.listeners"] == nil)
        #expect(config["inter.broker.listener.name"] == nil)
    }
}
