import Foundation
import Testing

extension SimulatorProcesses {
    @Suite("simulator.misbehave scenarios")
    struct Misbehaviours {
        @Test("never-come-back: the process runs and answers ApiVersions but never registers")
        func neverComeBack() throws {
            let cluster = try SimCluster(perNode: [3: ["simulator.misbehave": "never-come-back"]])
            defer { cluster.stopAll() }
            try cluster.startAll()
            let settled = Wait.until(timeout: 10) {
                cluster.record(1)["state"] as? String == "running" && cluster.record(2)["state"] as? String == "running"
            }
            #expect(settled)
            Thread.sleep(forTimeInterval: 0.8)  // Well past fenced.ms (300).
            #expect(try RawClient.apiVersionsV0(cluster.internalAddress(3)) != nil)
            #expect(cluster.record(3)["state"] as? String == "starting")
            for via in cluster.ids {
                #expect(try RealClients.kcatMetadata(cluster.internalAddress(via)).kcatBrokers.keys.sorted() == [1, 2])
            }
        }

        @Test(
            "no-listener:EXTERNAL: absent from EXTERNAL lists only; its partitions report LISTENER_NOT_FOUND (72) on v6+ via EXTERNAL"
        )
        func noExternalListener() throws {
            let cluster = try SimCluster(perNode: [2: ["simulator.misbehave": "no-listener:EXTERNAL"]])
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            #expect(!RawClient.canConnect(cluster.externalAddress(2)), "the EXTERNAL listener is not bound")
            let external = try RealClients.kcatMetadata(cluster.externalAddress(1))
            #expect(external.kcatBrokers == [1: "b1.abc.example.test:9093", 3: "b3.abc.example.test:9095"])
            #expect(try RealClients.kcatMetadata(cluster.internalAddress(1)).kcatBrokers.keys.sorted() == [1, 2, 3])
            // kcat (Metadata v4) sees LEADER_NOT_AVAILABLE for partitions led by 2.
            let viaKcat = external.kcatPartitions("orders")
            #expect(viaKcat[1]?.leader == -1)

            let v12 = try RealClients.kafkaPython(["raw", cluster.externalAddress(3), "metadata", "12"])
            let orders = (v12["topics"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "orders" }
            let partitions = orders?["partitions"] as? [[String: Any]] ?? []
            let ledBy2 = partitions.first { $0["partition_index"] as? Int == 1 }
            #expect(ledBy2?["error_code"] as? Int == 72 && ledBy2?["leader_id"] as? Int == -1)
            #expect(partitions.allSatisfy { $0["offline_replicas"] as? [Int] == [2] })
            let v5 = try RealClients.kafkaPython(["raw", cluster.externalAddress(3), "metadata", "5"])
            let v5Orders = (v5["topics"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "orders" }
            #expect(
                (v5Orders?["partitions"] as? [[String: Any]] ?? []).first { $0["partition_index"] as? Int == 1 }?[
                    "error_code"] as? Int == 5)
            let internalView = try RealClients.kafkaPython(["raw", cluster.internalAddress(3), "metadata", "12"])
            let internalPartitions = (internalView["topics"] as? [[String: Any]] ?? []).flatMap {
                $0["partitions"] as? [[String: Any]] ?? []
            }
            #expect(
                internalPartitions.allSatisfy {
                    $0["error_code"] as? Int == 0 && $0["offline_replicas"] as? [Int] == []
                })
        }

        @Test("stay-under-replicated: listed and running, but never back in any ISR")
        func stayUnderReplicated() throws {
            let cluster = try SimCluster(perNode: [1: ["simulator.misbehave": "stay-under-replicated"]])
            defer { cluster.stopAll() }
            try cluster.startAll()
            let listed = Wait.until(timeout: 10) {
                (try? RealClients.kcatMetadata(cluster.internalAddress(2)).kcatBrokers.keys.sorted()) == [1, 2, 3]
            }
            #expect(listed)
            Thread.sleep(forTimeInterval: 1.0)  // Well past catchup.ms (300).
            let orders = try RealClients.kcatMetadata(cluster.internalAddress(2)).kcatPartitions("orders")
            #expect(
                orders.count == 3
                    && orders.values.allSatisfy { !$0.isrs.contains(1) && $0.leader != 1 && $0.leader != -1 })
        }

        @Test("lose-quorum: every broker reports LeaderId -1 while that node is up; a leader returns when it stops")
        func loseQuorum() throws {
            let cluster = try SimCluster(perNode: [3: ["simulator.misbehave": "lose-quorum"]])
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            for via in cluster.ids {
                let response = try RealClients.kafkaPython(["raw", cluster.internalAddress(via), "quorum", "1"])
                let partition = ((response["topics"] as? [[String: Any]])?.first?["partitions"] as? [[String: Any]])?
                    .first
                #expect(partition?["leader_id"] as? Int == -1, "via \(via)")
            }
            #expect(cluster.terminate(3) == 0)
            let response = try RealClients.kafkaPython(["raw", cluster.internalAddress(1), "quorum", "1"])
            let partition = ((response["topics"] as? [[String: Any]])?.first?["partitions"] as? [[String: Any]])?.first
            #expect(partition?["leader_id"] as? Int == 1)
        }
    }
}
