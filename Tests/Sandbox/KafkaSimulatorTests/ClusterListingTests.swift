import Foundation
import Testing

/// Every test that runs simulator processes lives under this suite, one at a time: they share two cores with
/// the rest of the build, and their timing assertions are bounded, not instantaneous.
@Suite("Simulator processes checked by real clients", .serialized)
struct SimulatorProcesses {}

extension SimulatorProcesses {
    @Suite("A healthy 3-node cluster as kcat and kafka-python see it")
    struct Listing {
        @Test(
            "kcat via INTERNAL lists the three brokers' INTERNAL endpoints and every partition led, replicated, in sync"
        )
        func kcatInternal() throws {
            let cluster = try SimCluster()
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            let metadata = try RealClients.kcatMetadata(cluster.internalAddress(1))
            #expect(
                metadata.kcatBrokers == [
                    1: cluster.internalAddress(1), 2: cluster.internalAddress(2), 3: cluster.internalAddress(3),
                ])
            let orders = metadata.kcatPartitions("orders")
            #expect(orders.count == 3)
            #expect(
                orders[0]?.replicas == [1, 2, 3] && orders[1]?.replicas == [2, 3, 1]
                    && orders[2]?.replicas == [3, 1, 2])
            #expect(orders.values.allSatisfy { Set($0.isrs) == [1, 2, 3] && $0.leader == $0.replicas.first })
            #expect(metadata.kcatPartitions("payments").count == 6)
        }

        @Test("kcat via EXTERNAL (of any node) lists b<id>.<suffix>:<port> advertised names")
        func kcatExternal() throws {
            let cluster = try SimCluster()
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            for id in cluster.ids {
                let metadata = try RealClients.kcatMetadata(cluster.externalAddress(id))
                #expect(
                    metadata.kcatBrokers == [
                        1: "b1.abc.example.test:9093", 2: "b2.abc.example.test:9094", 3: "b3.abc.example.test:9095",
                    ])
            }
        }

        @Test("kafka-python: describe_cluster, describe_topics, describe_configs(BROKER) through the admin client")
        func kafkaPythonAdmin() throws {
            let cluster = try SimCluster()
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            let bootstrap = cluster.internalAddress(2)

            let described = try RealClients.kafkaPython(["admin", bootstrap, "cluster"])
            #expect(described["cluster_id"] as? String == "BRl69zcmTFmiPaoaANybiw")
            let brokers = (described["brokers"] as? [[String: Any]] ?? []).map {
                "\($0["broker_id"]!)@\($0["host"]!):\($0["port"]!)"
            }
            #expect(brokers == cluster.ids.map { "\($0)@\(cluster.internalAddress($0))" })
            #expect([1, 2, 3].contains(described["controller_id"] as? Int ?? -1))

            let topics =
                try RealClients.kafkaPython(["admin", bootstrap, "topics"])["topics"] as? [[String: Any]] ?? []
            #expect(topics.compactMap { $0["name"] as? String } == ["orders", "payments"])
            let first = (topics.first?["partitions"] as? [[String: Any]])?.first
            #expect(first?["isr_nodes"] as? [Int] == [1, 2, 3] && first?["offline_replicas"] as? [Int] == [])
            #expect((topics.first?["topic_id"] as? String)?.count == 36)

            // The admin client routes a BROKER resource to that broker; the answer comes from its own file.
            let configs = try RealClients.kafkaPython([
                "admin", bootstrap, "configs", "3", "advertised.listeners,listeners,listener.security.protocol.map",
            ])
            let broker3 = (configs["broker"] as? [String: Any])?["3"] as? [String: [String: Any]] ?? [:]
            #expect(
                broker3["advertised.listeners"]?["value"] as? String
                    == "INTERNAL://\(cluster.internalAddress(3)),EXTERNAL://b3.abc.example.test:9095")
            #expect(
                broker3["listeners"]?["value"] as? String
                    == "INTERNAL://\(cluster.internalAddress(3)),CONTROLLER://\(cluster.controllerAddress(3)),EXTERNAL://\(cluster.externalAddress(3))"
            )
            #expect(broker3.values.allSatisfy { $0["config_source"] as? String == "STATIC_BROKER_CONFIG" })
            #expect(broker3.count == 3)
        }

        @Test("kafka-python: describe_metadata_quorum on a 3.9 cluster (DescribeQuorum v2): leader, voters, nodes")
        func kafkaPythonQuorum() throws {
            let cluster = try SimCluster(settings: ["simulator.kafka.version": "3.9.1"])
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            let quorum = try RealClients.kafkaPython(["admin", cluster.internalAddress(3), "quorum"])
            let partition =
                ((quorum["topics"] as? [[String: Any]])?.first?["partitions"] as? [[String: Any]])?.first ?? [:]
            #expect(partition["leader_id"] as? Int == 1)
            #expect(partition["error"] is NSNull)
            let voters = partition["current_voters"] as? [[String: Any]] ?? []
            #expect(voters.compactMap { $0["replica_id"] as? Int } == [1, 2, 3])
            #expect(voters.first?["last_fetch_timestamp"] as? Int == -1)
            let nodes = quorum["nodes"] as? [[String: Any]] ?? []
            #expect(nodes.compactMap { $0["node_id"] as? Int } == [1, 2, 3])
            let listeners = nodes.first?["listeners"] as? [[String: Any]] ?? []
            #expect(
                listeners.first?["name"] as? String == "CONTROLLER"
                    && listeners.first?["port"] as? Int == cluster.controllerPort)
        }

        @Test(
            "Every Metadata version 0-12 through EXTERNAL, and the other APIs' versions, decode and re-encode byte-identically in kafka-python"
        )
        func everyVersionLayout() throws {
            let cluster = try SimCluster()
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            for version in 0...12 {
                let response = try RealClients.kafkaPython([
                    "raw", cluster.externalAddress(1), "metadata", "\(version)",
                ])
                #expect(response["_reencoded_equal"] as? Bool == true, "Metadata v\(version)")
                #expect(response["_correlation_id"] as? Int == 4242)
                let hosts = (response["brokers"] as? [[String: Any]] ?? []).compactMap { $0["host"] as? String }
                #expect(
                    hosts == ["b1.abc.example.test", "b2.abc.example.test", "b3.abc.example.test"],
                    "Metadata v\(version)")
                #expect((response["topics"] as? [[String: Any]])?.count == 2, "Metadata v\(version)")
            }
            let others: [[String]] = [
                ["cluster", "0"], ["cluster", "1"], ["quorum", "0"], ["quorum", "1"],
                ["configs", "0", "4", "1"], ["configs", "1", "4", "1"], ["configs", "2", "4", "1"],
                ["configs", "3", "4", "1"],
                ["configs", "4", "4", "1"], ["configs", "4", "2", "orders", "min.insync.replicas"],
            ]
            for check in others {
                let response = try RealClients.kafkaPython(["raw", cluster.internalAddress(1)] + check)
                #expect(response["_reencoded_equal"] as? Bool == true, "\(check)")
            }
            let topicConfig = try RealClients.kafkaPython([
                "raw", cluster.internalAddress(1), "configs", "4", "2", "orders", "min.insync.replicas",
            ])
            let entry = ((topicConfig["results"] as? [[String: Any]])?.first?["configs"] as? [[String: Any]])?.first
            #expect(entry?["value"] as? String == "2" && entry?["config_source"] as? Int == 4)
        }

        @Test(
            "As Kafka 4.0: Metadata v13, DescribeCluster v2 (fenced brokers on request), DescribeQuorum v2; DescribeConfigs v0 is gone"
        )
        func kafka4Versions() throws {
            let cluster = try SimCluster(
                settings: ["simulator.kafka.version": "4.0.0"], perNode: [3: ["simulator.fenced.ms": "60000"]])
            defer { cluster.stopAll() }
            try cluster.startAll()
            let ready = Wait.until(timeout: 10) {
                cluster.record(1)["state"] as? String == "running" && cluster.record(2)["state"] as? String == "running"
            }
            #expect(ready)
            let address = cluster.internalAddress(1)
            for check in [["metadata", "13"], ["quorum", "2"], ["cluster", "2", "1"]] {
                let response = try RealClients.kafkaPython(["raw", address] + check)
                #expect(response["_reencoded_equal"] as? Bool == true, "\(check)")
            }
            let withFenced = try RealClients.kafkaPython(["raw", address, "cluster", "2", "1", "fenced"])
            let brokers = (withFenced["brokers"] as? [[String: Any]] ?? []).map {
                "\($0["broker_id"]!):\($0["is_fenced"] as? Bool ?? false)"
            }
            #expect(brokers == ["1:false", "2:false", "3:true"])
            let withoutFenced = try RealClients.kafkaPython(["raw", address, "cluster", "2", "1"])
            #expect((withoutFenced["brokers"] as? [[String: Any]])?.count == 2)
            #expect(
                try RawClient.isClosedAfter(
                    address,
                    RawClient.request(
                        apiKey: 32, version: 0, correlationId: 1, flexible: false, body: [0, 0, 0, 0])))
        }
    }
}
