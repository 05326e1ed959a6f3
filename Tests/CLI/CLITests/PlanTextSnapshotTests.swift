import FileStateStore
import Foundation
import ReconcileCommands
import ReconcileModel
import Testing
import TestSupport

@Suite("What an operator sees")
struct PlanTextSnapshotTests {
    @Test("A config change on an existing cluster: per-key diffs, then one restart per broker")
    func existingClusterPlan() async throws {
        let world = emptyWorld()
        // The running brokers' files, as observed (managed keys only).
        for id in 1...3 {
            let ip = "10.1.0.\(3 + id)"
            world.put(ObservedResource(
                address: ResourceAddress(cluster: "legacy-kafka", type: "kafka.brokerConfig", name: String(id)),
                cloudID: "\(ip):/opt/kafka/config/kraft/server.properties",
                properties: [
                    "process.roles": "broker, controller", "node.id": .string(String(id)),
                    "controller.quorum.voters": "1@10.1.0.4:29092,2@10.1.0.5:29092,3@10.1.0.6:29092",
                    "listeners": "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092",
                    "inter.broker.listener.name": "INTERNAL", "advertised.listeners": .string("INTERNAL://\(ip):9092"),
                    "controller.listener.names": "CONTROLLER",
                    "listener.security.protocol.map": "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
                    "log.dirs": "/var/lib/kafka/data", "num.partitions": "3", "default.replication.factor": "3",
                    "min.insync.replicas": "2", "auto.create.topics.enable": "false",
                ],
                ownership: .foreign))
        }
        let console = CapturedConsole()
        let status = await ReconcilePass(
            providers: [world], store: FileStateStore(directory: temporaryDirectory()), console: console.console(), runID: "r"
        ).run(.init(manifests: Repo.example("existing-cluster"), dryRun: true, detailedExitCode: true))
        #expect(status == ExitStatus.changesPending)
        let out = console.out
        if ProcessInfo.processInfo.environment["SHOW_PLAN"] != nil { print(out) }
        #expect(out.contains("~ listeners: INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092 -> INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092"), "\(out)")
        #expect(!out.contains("process.roles"), "`broker, controller` equals `broker,controller`: no cosmetic diff")
        #expect(out.contains("⟳ legacy-kafka/kafka.brokerConfig/3"))
        #expect(out.hasSuffix("Plan: 5 to add, 0 to change, 0 to destroy, 3 broker configs to write, 3 broker restarts.\n"), "\(out)")
    }
}
