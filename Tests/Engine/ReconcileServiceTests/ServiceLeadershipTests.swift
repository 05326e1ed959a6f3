import CurlTransport
import EtcdStateStore
import Foundation
import Manifests
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import ReconcileService
import Testing
import TestSupport

/// Replicas of `reconcile serve` sharing one real etcd: every cluster has one leader at a time, clusters spread over
/// the replicas, a standby takes over a cluster its leader let go or lost. Each replica has its own world (the
/// in-memory providers) so what each applied can be told apart; the clock that schedules passes is injected, etcd's
/// leases run on real time. The replicas share one world (the in-memory providers), as real replicas share the
/// cloud: a change carried out twice would show as the same change id twice.
@Suite("reconcile serve replicas on a shared etcd: one leader per cluster, spread, take-over", .serialized)
struct ServiceLeadershipTests {
    /// `count` copies of the Azure seed, clusters `c01`...
    static func manifests(clusters count: Int) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ha-manifests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let example = Repo.root.appendingPathComponent("manifests/examples/azure-private-link")
        for n in 1...count {
            let name = String(format: "c%02d", n)
            for file in ["cluster.yaml", "private-link.yaml"] {
                let text = try String(contentsOf: example.appendingPathComponent(file), encoding: .utf8)
                    .replacingOccurrences(of: "tidb-kafka", with: name).replacingOccurrences(of: "name: tidb-eastus", with: "name: \(name)-eastus")
                    .replacingOccurrences(of: "kafka-pls-rg", with: "\(name)-rg").replacingOccurrences(of: "10.0.", with: "10.\(n).")
                try text.write(to: directory.appendingPathComponent("\(name)-\(file)"), atomically: true, encoding: .utf8)
            }
        }
        return directory
    }

    struct Replica {
        let name: String
        let world: InMemoryProvider
        let store: EtcdStateStore
        let service: ReconcileService<ContinuousClock>

        init(_ name: String, etcd: EtcdCluster, manifests: URL, clock: TestClock, world: InMemoryProvider) {
            self.name = name
            self.world = world
            store = EtcdStateStore(
                client: EtcdClient(configuration: .init(endpoints: etcd.endpoints, requestTimeout: 2), transport: CurlTransport()), prefix: "/ha",
                leaseTTL: .seconds(4),
                hostName: name)
            let world = self.world
            let reconciler = Reconciler(
                providers: ProviderClosure { _, _ in [world] }, store: store, clock: ContinuousClock(), now: { clock.now })
            service = ReconcileService(
                reconciler: reconciler, source: DirectorySource(directory: manifests.path), maxParallel: 20, now: { clock.now }, random: { 0.5 },
                replica: name, campaignInterval: .seconds(5))
        }

        func leads() async -> Set<String> { Set(await service.status().filter(\.leading).map(\.name)) }
    }

    @Test("two replicas started at once on 20 clusters: every cluster has exactly one leader, spread over both, and each status names it")
    func twentyClustersSpreadOverTwoReplicas() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let manifests = try Self.manifests(clusters: 20)
        let clock = TestClock()
        let world = InMemoryProvider(types: ServiceBed.types)
        let a = Replica("replica-a", etcd: etcd, manifests: manifests, clock: clock, world: world)
        let b = Replica("replica-b", etcd: etcd, manifests: manifests, clock: clock, world: world)
        // Rounds until both lead their share (a replica that took more than its share hands the extra clusters over
        // after their passes), then one more so every standby has asked who leads.
        var balancedRounds = 0
        for _ in 0..<12 where balancedRounds < 2 {
            async let ta: Void = a.service.tick()
            async let tb: Void = b.service.tick()
            _ = await (ta, tb)
            clock.advance(11)  // past the campaign interval and a hand-over's wait
            if await a.leads().count == 10, await b.leads().count == 10 { balancedRounds += 1 }
        }
        let (leadsA, leadsB) = (await a.leads(), await b.leads())
        let all = Set((1...20).map { String(format: "c%02d", $0) })
        #expect(leadsA.isDisjoint(with: leadsB), "a cluster with two leaders: \(leadsA.intersection(leadsB))")
        #expect(leadsA.union(leadsB) == all, "clusters without a leader: \(all.subtracting(leadsA.union(leadsB)).sorted())")
        #expect(leadsA.count == 10 && leadsB.count == 10, "spread: a leads \(leadsA.count), b leads \(leadsB.count)")
        for status in await a.service.status() {
            #expect(status.leader == (leadsA.contains(status.name) ? "replica-a" : "replica-b"), "\(status.name): \(status.leader ?? "nil")")
        }
        // Every cluster was applied once, by one replica: no change was carried out twice.
        let ids = world.calls.map(\.changeID)
        #expect(Set(ids).count == ids.count, "changes carried out twice: \(Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        #expect(Set(world.calls.map(\.address.cluster)) == all)
    }

    @Test("the leader stops: the standby takes its clusters at its next campaign; a leader whose lock was forced away stands by")
    func takeOver() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let manifests = try Self.manifests(clusters: 2)
        let clock = TestClock()
        let world = InMemoryProvider(types: ServiceBed.types)
        let a = Replica("replica-a", etcd: etcd, manifests: manifests, clock: clock, world: world)
        await a.service.tick()
        #expect(await a.leads() == ["c01", "c02"], "alone, it leads everything")
        let b = Replica("replica-b", etcd: etcd, manifests: manifests, clock: clock, world: world)
        let applied = world.calls.count
        await b.service.tick()
        #expect(await b.leads().isEmpty)
        #expect(await b.service.status(of: "c01")?.leader == "replica-a")
        #expect(world.calls.count == applied, "a standby changes nothing")

        // An operator forces a's lock of c01 away: a finds out before its next step and stands by; b takes c01.
        let lock = try #require(try await b.store.currentLock(cluster: "c01"))
        try await b.store.forceUnlock(cluster: "c01", id: lock.id)
        clock.advance(301)
        await a.service.tick()
        #expect(await a.leads() == ["c02"])
        clock.advance(6)
        await b.service.tick()
        #expect(await b.leads() == ["c01"])

        // a shuts down: it lets its leaderships go, and b takes c02 at its next campaign.
        a.service.stop()
        await a.service.run()
        clock.advance(301)
        await b.service.tick()
        #expect(await b.leads() == ["c01", "c02"])
        #expect(try await b.store.replicas(announcing: "replica-b") == ["replica-b"], "a withdrew its announcement")
    }

    @Test("etcd loses quorum (two of three members stopped): no replica acts and each says why; with quorum back, work resumes")
    func quorumLoss() async throws {
        let etcd = try EtcdCluster.start(size: 3)
        defer { etcd.shutdown() }
        let manifests = try Self.manifests(clusters: 2)
        let clock = TestClock()
        let world = InMemoryProvider(types: ServiceBed.types)
        let a = Replica("replica-a", etcd: etcd, manifests: manifests, clock: clock, world: world)
        let b = Replica("replica-b", etcd: etcd, manifests: manifests, clock: clock, world: world)
        await a.service.tick()
        await b.service.tick()
        #expect(await a.leads().union(await b.leads()) == ["c01", "c02"])

        etcd.stop(1)
        etcd.stop(2)
        // The manifests change (a new NSG source) while etcd has no quorum.
        for file in try FileManager.default.contentsOfDirectory(atPath: manifests.path) where file.hasSuffix("private-link.yaml") {
            let url = manifests.appendingPathComponent(file)
            try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "sshSourcePrefixes: [VirtualNetwork]", with: "sshSourcePrefixes: [VirtualNetwork, 10.99.0.0/24]")
                .write(to: url, atomically: true, encoding: .utf8)
        }
        let before = world.calls.count
        try await Task.sleep(for: .seconds(4))  // past the lease (4 s): keepalives cannot be acknowledged
        for _ in 0..<2 {
            clock.advance(301)
            await a.service.tick()
            await b.service.tick()
        }
        #expect(world.calls.count == before, "a replica acted without etcd: \(world.calls.dropFirst(before).map(\.changeID))")
        let (leadsA, leadsB) = (await a.leads(), await b.leads())
        #expect(leadsA.isEmpty && leadsB.isEmpty, "no replica believes it leads")
        let outage = await a.service.status() + b.service.status()
        for status in outage {
            #expect(status.lastError?.contains("unavailable") == true || status.lastError?.contains("lost the lock") == true,
                    "\(status.name): \(status.lastError ?? "no error")")
        }
        await #expect(throws: (any Error).self, "readiness checks the store") { _ = try await a.store.clusters() }

        try etcd.restart(1)
        try etcd.restart(2)
        try etcd.waitReady(1)
        var converged = false
        for _ in 0..<10 where !converged {
            clock.advance(301)
            await a.service.tick()
            await b.service.tick()
            let statuses = await a.service.status() + b.service.status()
            converged = statuses.filter(\.leading).count == 2 && statuses.filter(\.leading).allSatisfy { $0.result == "succeeded" }
            if !converged { try await Task.sleep(for: .seconds(1)) }
        }
        let final = await a.service.status() + b.service.status()
        #expect(converged, "\(final.map { "\($0.name) \($0.leading) \($0.result ?? "") \($0.lastError ?? "")" })")
        #expect(world.calls.count == before + 2, "each cluster's NSG updated once: \(world.calls.dropFirst(before).map(\.changeID))")
    }
}
