import Foundation
import Testing

extension SimulatorProcesses {
    @Suite("Restarts as the rolling-restart gates see them")
    struct Restarts {
        @Test("SIGTERM: exit 0 within a second, gone from Metadata at once, out of every ISR, leadership moved")
        func gracefulStop() throws {
            let cluster = try SimCluster()
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            let started = Date()
            #expect(cluster.terminate(2) == 0, "\(cluster.log(2))")
            #expect(Date().timeIntervalSince(started) < 1.5)
            #expect(cluster.log(2).contains("exit 0"))

            let metadata = try RealClients.kcatMetadata(cluster.internalAddress(1))
            #expect(metadata.kcatBrokers.keys.sorted() == [1, 3])
            let orders = metadata.kcatPartitions("orders")
            #expect(orders.values.allSatisfy { !$0.isrs.contains(2) && $0.leader != 2 && $0.replicas.contains(2) })
            #expect(orders[1]?.leader == 3, "partition 1's preferred leader 2 is down: the next ISR replica leads")
            let topics =
                try RealClients.kafkaPython(["admin", cluster.internalAddress(3), "topics"])["topics"]
                as? [[String: Any]] ?? []
            let partitions = topics.flatMap { $0["partitions"] as? [[String: Any]] ?? [] }
            #expect(!partitions.isEmpty && partitions.allSatisfy { $0["offline_replicas"] as? [Int] == [2] })
        }

        @Test("SIGKILL: the broker disappears once its heartbeat is stale (simulator.stale.ms), not before")
        func hardKill() throws {
            let cluster = try SimCluster(settings: ["simulator.stale.ms": "1500"])
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            cluster.killHard(3)
            let killedAt = Date()
            // Same host: the pid check notices a dead process without waiting for staleness.
            let gone = Wait.until(timeout: 5) {
                (try? RealClients.kcatMetadata(cluster.internalAddress(1)).kcatBrokers.keys.sorted()) == [1, 2]
            }
            #expect(gone)
            #expect(Date().timeIntervalSince(killedAt) < 3)
        }

        @Test(
            "Restart: listeners answer while fenced (absent from Metadata), then listed, then back in every ISR after catchup.ms"
        )
        func restartPhases() throws {
            let cluster = try SimCluster(perNode: [2: ["simulator.fenced.ms": "2000", "simulator.catchup.ms": "2000"]])
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            #expect(cluster.terminate(2) == 0)

            try cluster.start(2)
            let restarted = Date()
            // Phase 1: up (ApiVersions answers on its own INTERNAL) but fenced: no other node lists it.
            #expect(try RawClient.apiVersionsV0(cluster.internalAddress(2)) != nil)
            let fenced = try RealClients.kcatMetadata(cluster.internalAddress(1))
            if Date().timeIntervalSince(restarted) < 1.8 {
                #expect(fenced.kcatBrokers.keys.sorted() == [1, 3])
                #expect(cluster.record(2)["state"] as? String == "fenced")
            }
            // Phase 2: unfenced, listed by the others, but still out of the ISRs.
            let listed = Wait.until(timeout: 10) {
                (try? RealClients.kcatMetadata(cluster.internalAddress(3)).kcatBrokers.keys.sorted()) == [1, 2, 3]
            }
            #expect(listed)
            let catchingUp = try RealClients.kcatMetadata(cluster.internalAddress(1)).kcatPartitions("orders")
            if Date().timeIntervalSince(restarted) < 3.8 {
                #expect(catchingUp.values.allSatisfy { !$0.isrs.contains(2) }, "\(catchingUp)")
            }
            // Phase 3: back in every ISR, and preferred leadership returns.
            let inSync = Wait.until(timeout: 10) {
                let orders = (try? RealClients.kcatMetadata(cluster.internalAddress(1)).kcatPartitions("orders")) ?? [:]
                return orders.count == 3 && orders.values.allSatisfy { Set($0.isrs) == [1, 2, 3] }
            }
            #expect(inSync)
            #expect(Date().timeIntervalSince(restarted) >= 3.5, "fenced 2 s + catch-up 2 s")
            #expect(try RealClients.kcatMetadata(cluster.internalAddress(1)).kcatPartitions("orders")[1]?.leader == 2)
        }

        @Test(
            "Quorum: the lowest caught-up voter leads; a restarted voter lags (LEO, LastCaughtUpTimestamp) until caught up, then leads again"
        )
        func quorumLag() throws {
            let cluster = try SimCluster(perNode: [1: ["simulator.fenced.ms": "300", "simulator.catchup.ms": "4000"]])
            defer { cluster.stopAll() }
            try cluster.startAllAndWaitHealthy()
            func quorum(_ via: Int32) throws -> [String: Any] {
                let response = try RealClients.kafkaPython(["raw", cluster.internalAddress(via), "quorum", "1"])
                return ((response["topics"] as? [[String: Any]])?.first?["partitions"] as? [[String: Any]])?.first
                    ?? [:]
            }
            #expect(try quorum(2)["leader_id"] as? Int == 1)

            #expect(cluster.terminate(1) == 0)
            let moved = try quorum(3)
            #expect(moved["leader_id"] as? Int == 2, "the active controller moved to the next voter")

            try cluster.start(1)
            let running = Wait.until(timeout: 10) { cluster.record(1)["state"] as? String == "running" }
            #expect(running)
            let lagging = try quorum(2)
            let voters = lagging["current_voters"] as? [[String: Any]] ?? []
            let leader = voters.first { $0["replica_id"] as? Int == 2 }
            let node1 = voters.first { $0["replica_id"] as? Int == 1 }
            #expect(lagging["leader_id"] as? Int == 2, "a voter that has not caught up does not take over")
            #expect((node1?["log_end_offset"] as? Int ?? 0) < (leader?["log_end_offset"] as? Int ?? 0), "\(voters)")
            // Its LastCaughtUpTimestamp stays at its last sighting while the leader's advances, so Strimzi's
            // 2000 ms rule starts failing for it and keeps failing until it has caught up.
            let gateFails = Wait.until(timeout: 3.5) {
                let voters = ((try? quorum(2))?["current_voters"] as? [[String: Any]]) ?? []
                let stamp: (Int) -> Int = { id in
                    voters.first { $0["replica_id"] as? Int == id }?["last_caught_up_timestamp"] as? Int ?? 0
                }
                return stamp(2) - stamp(1) >= 2000
            }
            #expect(gateFails)
            #expect(try quorum(3)["leader_id"] as? Int == 2)
            let caughtUp = Wait.until(timeout: 10) {
                let partition = (try? quorum(3)) ?? [:]
                let stamps = (partition["current_voters"] as? [[String: Any]] ?? []).compactMap {
                    $0["last_caught_up_timestamp"] as? Int
                }
                return stamps.count == 3 && stamps.max()! - stamps.min()! < 2000 && partition["leader_id"] as? Int == 1
            }
            #expect(caughtUp, "caught up after catchup.ms, and the lowest caught-up voter leads again")
        }
    }
}
