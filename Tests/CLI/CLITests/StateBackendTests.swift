import CurlTransport
import EtcdStateStore
import FileStateStore
import Foundation
import ProviderAPI
import ReconcileCommands
import ReconcileModel
import Testing
import TestSupport

/// `--state` as a backend choice, and `reconcile state migrate`, with the built binary and a real etcd.
@Suite("State backends: --state DIR|etcd://..., state show/unlock/migrate on etcd", .serialized)
struct StateBackendTests {
    @Test func parsesBackends() throws {
        #expect(try StateBackend.parse("state") == .directory("state"))
        #expect(try StateBackend.parse("/var/lib/reconcile") == .directory("/var/lib/reconcile"))
        #expect(try StateBackend.parse("etcd://127.0.0.1:2379") == .etcd(endpoints: ["http://127.0.0.1:2379"], prefix: "/kafka-private-link-reconciler"))
        #expect(try StateBackend.parse("etcd+https://e1:2379,e2:2379,[::1]:2379/teams/kafka/") == .etcd(
            endpoints: ["https://e1:2379", "https://e2:2379", "https://[::1]:2379"], prefix: "/teams/kafka"))
        for bad in ["etcd://", "etcd://e1", "etcd://e1:2379,", "etcd://user:pw@e1:2379", "consul://x:1", "etcd://e1:99999"] {
            #expect(throws: StateBackend.Invalid.self, "\(bad)") { try StateBackend.parse(bad) }
        }
    }

    @Test func badBackendOptionsExit64() throws {
        let unknown = try Binary.run(["state", "show", "--state", "consul://x:1"])
        #expect(unknown.status == 64 && unknown.err.contains("unknown backend"), "\(unknown.err)")
        let tlsForDirectory = try Binary.run(["state", "show", "--state", "somewhere", "--state-ca", "/etc/ssl/ca.pem"])
        #expect(tlsForDirectory.status == 64 && tlsForDirectory.err.contains("etcd+https://"), "\(tlsForDirectory.err)")
        let halfPair = try Binary.run(["state", "show", "--state", "etcd+https://e1:2379", "--state-cert", "c.pem"])
        #expect(halfPair.status == 64 && halfPair.err.contains("go together"), "\(halfPair.err)")
    }

    @Test("migrate a directory to etcd: show reads the same from both; a second migrate refuses; unlock works on etcd")
    func migrateDirectoryToEtcd() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let directory = temporaryDirectory()
        let files = FileStateStore(directory: directory)
        let address = ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")
        try await files.saveInventory(Inventory(cluster: "tidb-kafka", entries: [.init(address: address, cloudID: "/subscriptions/s/lb", origin: .created)]))
        for n in 0..<5 {
            try await files.append(JournalEntry(
                time: Date(timeIntervalSince1970: 1_800_000_000 + Double(n)), runID: "run-\(n)", address: address, action: .create,
                status: n % 2 == 0 ? .started : .succeeded), cluster: "tidb-kafka")
        }
        let url = "etcd://\(etcd.endpoints[0].dropFirst("http://".count))/migrated"
        let migrate = try Binary.run(["state", "migrate", "--state", directory.path, "--to", url])
        #expect(migrate.status == 0, "\(migrate.err)")
        #expect(migrate.out == "Copied tidb-kafka: 1 inventory entry, 5 journal entries.\n")
        let fromFiles = try Binary.run(["state", "show", "--state", directory.path])
        let fromEtcd = try Binary.run(["state", "show", "--state", url])
        #expect(fromEtcd.status == 0 && fromEtcd.out == fromFiles.out, "\(fromEtcd.out)\n\(fromEtcd.err)")
        #expect(fromEtcd.out.contains("journal: 5 entries") && fromEtcd.out.contains("lock: none"))

        let again = try Binary.run(["state", "migrate", "--state", directory.path, "--to", url])
        #expect(again.status == 1 && again.err.contains("already has state"), "\(again.err)")
        #expect(try Binary.run(["state", "show", "--state", url]).out == fromEtcd.out, "nothing was overwritten or added")

        // A lock held in etcd by a process that is gone can be removed by its id, as with files.
        let unlockMissing = try Binary.run(["state", "unlock", "--state", url, "tidb-kafka", "abc"])
        #expect(unlockMissing.status == 1 && unlockMissing.err.contains("not locked"), "\(unlockMissing.err)")
        // Unreachable etcd: a clear error naming the endpoint, exit 1.
        let port = try EtcdCluster.freePort()
        let down = try Binary.run(["state", "show", "--state", "etcd://127.0.0.1:\(port)"])
        #expect(down.status == 1 && down.err.contains("127.0.0.1:\(port)") && down.err.contains("unavailable"), "\(down.err)")
    }

    @Test("etcd+https with a client certificate: the CLI reaches a member that requires one; without it, a clear error")
    func tlsWithClientCertificates() async throws {
        let etcd = try EtcdCluster.start(tls: true)
        defer { etcd.shutdown() }
        let tls = try #require(etcd.tls)
        let url = "etcd+https://\(etcd.endpoints[0].dropFirst("https://".count))"
        let directory = temporaryDirectory()
        let address = ResourceAddress(cluster: "c1", type: "azure.loadBalancer", name: "lb")
        try await FileStateStore(directory: directory).saveInventory(Inventory(cluster: "c1", entries: [.init(address: address, origin: .created)]))
        let tlsOptions = ["--state-ca", tls.ca, "--state-cert", tls.clientCertificate, "--state-key", tls.clientKey]
        let migrate = try Binary.run([
            "state", "migrate", "--state", directory.path, "--to", url, "--to-ca", tls.ca, "--to-cert", tls.clientCertificate, "--to-key", tls.clientKey,
        ])
        #expect(migrate.status == 0, "\(migrate.err)")
        let show = try Binary.run(["state", "show", "--state", url] + tlsOptions)
        #expect(show.status == 0 && show.out.contains("c1/azure.loadBalancer/lb"), "\(show.out)\n\(show.err)")
        let noClientCertificate = try Binary.run(["state", "show", "--state", url, "--state-ca", tls.ca])
        #expect(noClientCertificate.status == 1 && noClientCertificate.err.contains("unavailable"), "\(noClientCertificate.err)")
        let untrusted = try Binary.run(["state", "show", "--state", url])
        #expect(untrusted.status == 1, "the members' certificate is not trusted without --state-ca: \(untrusted.out)")
    }
}

/// A whole pass with its state in etcd: the Azure example applied against the in-process ARM emulator.
@Suite("A pass with its state in etcd (in-process ARM emulator)", .serialized)
struct EtcdStatePassTests {
    @Test("apply with state in etcd, then a dry-run from another store on the same etcd plans nothing; a held lock stops an apply, naming its holder")
    func applyAndPlanFromEtcd() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let azure = try EmulatedAzure()
        func etcdStore(_ host: String) -> EtcdStateStore {
            EtcdStateStore(client: EtcdClient(configuration: .init(endpoints: etcd.endpoints), transport: CurlTransport()), prefix: "/e2e", hostName: host)
        }
        let manifests = Repo.example("azure-private-link")
        let targets = EmulatedAzure.azureTargets.filter { !$0.hasSuffix("nicBackendPoolAssociation") }
        let apply = await azure.pass(manifests, targets: targets, store: etcdStore("runner-a"))
        #expect(apply.status == ExitStatus.success, "\(apply)")
        #expect(!FileManager.default.fileExists(atPath: azure.stateDirectory.path), "nothing was written to the local state directory")
        let shared = etcdStore("runner-b")
        let entries = try await shared.inventory(cluster: "tidb-kafka").entries.keys.map(\.description).sorted()
        #expect(entries.count == 11, "\(entries)")
        #expect(try await shared.journal(cluster: "tidb-kafka").filter { $0.status == .succeeded }.count == entries.count)
        #expect(try await shared.currentLock(cluster: "tidb-kafka") == nil, "the lock was released")

        // Another runner, same etcd: it sees the inventory, so nothing is left to do.
        let plan = await azure.pass(manifests, dryRun: true, detailedExitCode: true, targets: targets, store: shared)
        #expect(plan.status == ExitStatus.success, "\(plan)")
        #expect(plan.out.contains("no changes"), "\(plan)")

        // While a lock is held elsewhere, an apply does nothing and names the holder.
        let held = try await etcdStore("runner-c").lock(cluster: "tidb-kafka", operation: "serve")
        let blocked = await azure.pass(manifests, targets: targets, store: shared)
        #expect(blocked.status != ExitStatus.success && blocked.err.contains("runner-c"), "\(blocked)")
        try await etcdStore("runner-c").unlock(held)  // another instance: not its lock, so nothing happens
        #expect(try await shared.currentLock(cluster: "tidb-kafka")?.id == held.id)
    }
}
