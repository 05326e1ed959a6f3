import FileStateStore
import Foundation
import ProviderAPI
import ReconcileCommands
import ReconcileModel
import Testing
import TestSupport

@Suite("One reconcile pass end to end, with in-memory providers and the real file state store")
struct ReconcilePassTests {
    let world = emptyWorld()
    let stateDir = temporaryDirectory()

    func pass(_ console: CapturedConsole, store: (any StateStore)? = nil) -> ReconcilePass {
        ReconcilePass(
            providers: [world], store: store ?? FileStateStore(directory: stateDir), console: console.console(),
            now: { Date(timeIntervalSince1970: 1_800_000_000) }, runID: "run-1")
    }

    @Test("--dry-run plans the whole Azure seed, exits 2 with --detailed-exitcode, and writes nothing anywhere")
    func dryRun() async throws {
        let console = CapturedConsole()
        let status = await pass(console).run(.init(manifests: Repo.example("azure-private-link"), dryRun: true, detailedExitCode: true))
        #expect(status == ExitStatus.changesPending)
        #expect(console.out.contains("Plan: 11 to add, 0 to change, 0 to destroy, 3 broker configs to write, 3 broker restarts."), "\(console.out)")
        #expect(console.out.contains("+ tidb-kafka/azure.loadBalancer/kafka-lb"))
        #expect(world.calls.isEmpty, "dry-run applied something")
        #expect(!FileManager.default.fileExists(atPath: stateDir.path), "dry-run created the state directory")
    }

    @Test("Apply creates everything, records inventory and journal; the next pass has nothing to do")
    func applyThenIdempotent() async throws {
        let first = CapturedConsole()
        #expect(await pass(first).run(.init(manifests: Repo.example("azure-private-link"), dryRun: false)) == ExitStatus.success, "\(first.err)")
        #expect(first.err.contains("Apply complete: 17 succeeded, 0 failed, 0 skipped."), "\(first.err)")
        let store = FileStateStore(directory: stateDir)
        let inventory = try await store.inventory(cluster: "tidb-kafka")
        #expect(inventory.entries.count == 14)
        #expect(inventory[ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")]?.origin == .created)
        let journal = try await store.journal(cluster: "tidb-kafka")
        #expect(journal.filter { $0.status == .succeeded }.count == 17)
        #expect(try await store.currentLock(cluster: "tidb-kafka") == nil, "the lock is released")
        let restarts = world.calls.filter { $0.action == .restartBroker }.map(\.address.name)
        #expect(restarts == ["1", "2", "3"])
        let lastWrite = try #require(world.calls.lastIndex { $0.action == .writeBrokerConfig })
        let firstRestart = try #require(world.calls.firstIndex { $0.action == .restartBroker })
        #expect(lastWrite < firstRestart, "every config is written before the first restart")

        let second = CapturedConsole()
        world.resetCalls()
        #expect(await pass(second).run(.init(manifests: Repo.example("azure-private-link"), dryRun: false, detailedExitCode: true)) == ExitStatus.success)
        #expect(second.out.hasPrefix("No changes."), "\(second.out)")
        #expect(world.calls.isEmpty)
    }

    @Test("A maintenance window that is closed holds broker writes and restarts (shown, not applied); the cloud resources are created")
    func closedWindowHoldsDisruptiveChanges() async throws {
        // now = 2027-01-15T08:00:00Z, a Friday: the Saturday-night allow window is closed.
        let manifests = try Repo.copyExample("azure-private-link", into: temporaryDirectory()) { _, text in
            text.contains("kind: KafkaCluster") ? text + "  reconcile:\n    windows:\n      - {kind: allow, schedule: \"0 2 * * SAT\", duration: 4h}\n" : text
        }
        let console = CapturedConsole()
        #expect(await pass(console).run(.init(manifests: manifests.path, dryRun: false)) == ExitStatus.success, "\(console.err)")
        #expect(console.out.contains("Held by the cluster's policy or maintenance windows (not applied in this pass):"), "\(console.out)")
        #expect(console.out.contains("tidb-kafka/kafka.brokerConfig/1#write_broker_config (none): waiting for window: outside every allow window; next opening 2027-01-16T02:00:00Z"), "\(console.out)")
        #expect(console.out.contains("6 held."), "\(console.out)")
        #expect(!world.calls.contains { $0.action == .writeBrokerConfig || $0.action == .restartBroker })
        #expect(world.calls.filter { $0.action == .create }.count == 11)
    }

    @Test("Drift made outside the reconciler is reported and reverted")
    func drift() async throws {
        _ = await pass(CapturedConsole()).run(.init(manifests: Repo.example("azure-private-link"), dryRun: false))
        let lb = ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")
        var changed = try #require(world[lb])
        changed.properties = .object(changed.properties.objectValue!.merging(["sku": ["name": "Basic"]]) { $1 })
        world.put(changed)
        // Restoring the SKU replaces the load balancer, a protected resource: reported as drift, refused without
        // --allow-destroy, planned with it.
        let refused = CapturedConsole()
        #expect(await pass(refused).run(.init(manifests: Repo.example("azure-private-link"), dryRun: true, detailedExitCode: true)) == ExitStatus.error)
        #expect(refused.out.contains("Objects have changed outside of the reconciler"), "\(refused.out)")
        #expect(refused.out.contains("sku.name, sku.tier changed outside the reconciler"), "\(refused.out)")
        let console = CapturedConsole()
        #expect(await pass(console).run(.init(
            manifests: Repo.example("azure-private-link"), dryRun: true, detailedExitCode: true,
            allowDestroy: ["tidb-kafka/azure.loadBalancer/kafka-lb"])) == ExitStatus.changesPending)
        #expect(console.out.contains("Objects have changed outside of the reconciler"), "\(console.out)")
        #expect(console.out.contains("tidb-kafka/azure.loadBalancer/kafka-lb"))
    }

    @Test("A foreign resource in the way is never touched: the plan reports it and nothing is applied")
    func foreignResource() async throws {
        let lb = ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")
        world.put(ObservedResource(address: lb, cloudID: "someone-elses", properties: ["location": "eastus"], ownership: .foreign))
        let console = CapturedConsole()
        #expect(await pass(console).run(.init(manifests: Repo.example("azure-private-link"), dryRun: false)) == ExitStatus.error)
        #expect(console.out.contains("exists but was not created by the reconciler"), "\(console.out)")
        #expect(console.err.contains("nothing was applied"))
        #expect(world.calls.isEmpty)
    }

    @Test("A second run while the lock is held fails fast and names the holder")
    func lockHeld() async throws {
        let store = InMemoryStateStore()
        let held = try await store.lock(cluster: "tidb-kafka", operation: "apply")
        let console = CapturedConsole()
        #expect(await pass(console, store: store).run(.init(manifests: Repo.example("azure-private-link"), dryRun: false)) == ExitStatus.error)
        #expect(console.err.contains("locked by apply"), "\(console.err)")
        #expect(console.err.contains(held.id))
        #expect(world.calls.isEmpty)
        // --dry-run takes no lock, so it still plans.
        #expect(await pass(CapturedConsole(), store: store).run(.init(manifests: Repo.example("azure-private-link"), dryRun: true)) == ExitStatus.success)
    }

    @Test("Invalid manifests stop the pass before anything is observed")
    func invalidManifests() async throws {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "apiVersion: reconcile.kafka/v1alpha1\nkind: KafkaCluster\nmetadata: {name: x}\nspec: {kafkaVersion: \"3.7.1\"}\n"
            .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let console = CapturedConsole()
        #expect(await pass(console).run(.init(manifests: dir.path, dryRun: true)) == ExitStatus.error)
        #expect(console.err.contains("bad.yaml:4:7: error: spec.clusterId: missing required field `clusterId`"), "\(console.err)")
        #expect(console.out.isEmpty)
    }

    @Test("JSON plan output parses and carries the format version")
    func jsonOutput() async throws {
        let console = CapturedConsole()
        _ = await pass(console).run(.init(manifests: Repo.example("gcp-psc-port-mapping"), dryRun: true, output: .json))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(console.out.utf8)) as? [String: Any])
        #expect(object["format_version"] as? String == "1.2")
        #expect((object["changes"] as? [Any])?.count == 21, "15 cloud resources, 3 config writes, 3 restarts")
    }

    @Test("--target narrows the plan to the address and what it depends on")
    func target() async throws {
        let console = CapturedConsole()
        _ = await pass(console).run(.init(manifests: Repo.example("azure-private-link"), dryRun: true, targets: ["tidb-kafka/azure.privateLinkService"]))
        #expect(console.out.contains("+ tidb-kafka/azure.privateLinkService/kafka-pls"))
        #expect(console.out.contains("+ tidb-kafka/azure.loadBalancer/kafka-lb"))
        #expect(!console.out.contains("azure.virtualMachine"), "\(console.out)")
        #expect(console.out.contains("partial"))
    }
}

@Suite("Inventory upkeep")
struct InventoryUpkeepTests {
    @Test("Removing a resource from the manifests deletes it (ours); a resource already gone is dropped from the inventory")
    func removeAndVanish() async throws {
        let world = emptyWorld()
        let stateDir = temporaryDirectory()
        let store = FileStateStore(directory: stateDir)
        func run(_ manifests: String, dryRun: Bool = false, allow: [String] = []) async -> (Int32, CapturedConsole) {
            let console = CapturedConsole()
            let status = await ReconcilePass(providers: [world], store: store, console: console.console(), runID: UUID().uuidString)
                .run(.init(manifests: manifests, dryRun: dryRun, allowDestroy: allow))
            return (status, console)
        }
        let second = try editedExample("second-consumer", [secondConsumerDeleted])
        defer { try? FileManager.default.removeItem(at: second) }
        #expect(await run(second.path).0 == ExitStatus.success)
        let pls2 = ResourceAddress(cluster: "tidb-kafka", type: "azure.privateLinkService", name: "kafka-pls-2")
        #expect(world[pls2] != nil)
        // Back to one consumer: the second exposure's LB and PLS go, after the roll that removes EXTERNAL2.
        let (status, console) = await run(Repo.example("azure-private-link"), allow: secondConsumerAllowance)
        #expect(status == ExitStatus.success, "\(console.err)")
        #expect(console.out.contains("- tidb-kafka/azure.privateLinkService/kafka-pls-2"), "\(console.out)")
        #expect(world[pls2] == nil)
        let calls = world.callIDs
        let lastRestart = try #require(calls.lastIndex { $0.hasSuffix("#restart_broker") })
        let plsDelete = try #require(calls.firstIndex(of: "\(pls2)#delete"))
        #expect(lastRestart < plsDelete, "contract only after the roll: \(calls)")
        #expect(try await store.inventory(cluster: "tidb-kafka")[pls2] == nil)

        // Someone deletes the LB by hand and removes it from the manifests: nothing to delete, the entry is dropped.
        let lb = ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")
        world.remove(lb)
        #expect(try await store.inventory(cluster: "tidb-kafka")[lb] != nil)
        let reduced = temporaryDirectory()
        try FileManager.default.createDirectory(at: reduced, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: reduced) }
        let cluster = try String(contentsOfFile: Repo.example("azure-private-link") + "/cluster.yaml", encoding: .utf8)
        try cluster.write(to: reduced.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        _ = await run(reduced.path)
        #expect(try await store.inventory(cluster: "tidb-kafka")[lb] == nil)
    }
}
