import ArmEmulator
import CurlTransport
import EtcdStateStore
import Foundation
import Glibc
import ProviderAPI
import Testing
import TestSupport

/// `reconcile serve` replicas as real processes sharing a real 3-member etcd, over many clusters: the ARM emulator
/// (in this process) stands in for Azure, brokers are files (`--local-hosts`) and their INTERNAL addresses lead to a
/// refused loopback port (nothing leaves the machine; restarts are `manual`, so no roll needs Kafka). Leaders are
/// read from etcd itself (each cluster's lock key), not from the services' own words.
@Suite("HA at scale: real serve replicas, real etcd", .serialized)
struct HAScaleTests {
    typealias Serve = ServeEndToEndTests.Serve

    /// `count` copies of the Azure seed (cluster kafka-cNN in resource group kafka-pls-rg-NN, its brokers' files at
    /// config/cNN/server.properties on the seed's three hosts), with manual restarts.
    static func manifests(count: Int) throws -> URL {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let seed = Repo.example("azure-private-link")
        var cluster = try String(contentsOfFile: seed + "/cluster.yaml", encoding: .utf8)
        cluster = cluster.replacingOccurrences(of: #"(?m)^  configPath: .*$"#, with: "  configPath: config/server.properties", options: .regularExpression)
        cluster = cluster.replacingOccurrences(of: #"(?m)^  restart:\n(    .*\n)+"#, with: "  restart: {policy: manual}\n", options: .regularExpression)
        try #require(cluster.contains("restart: {policy: manual}") && cluster.contains("configPath: config/server.properties"))
        let exposure = try String(contentsOfFile: seed + "/private-link.yaml", encoding: .utf8)
        for i in 1...count {
            let n = String(format: "c%02d", i)
            try cluster.replacingOccurrences(of: "name: tidb-kafka", with: "name: kafka-\(n)")
                .replacingOccurrences(of: "configPath: config/server.properties", with: "configPath: config/\(n)/server.properties")
                .write(to: dir.appendingPathComponent("\(n)-cluster.yaml"), atomically: true, encoding: .utf8)
            try exposure.replacingOccurrences(of: "cluster: tidb-kafka", with: "cluster: kafka-\(n)")
                .replacingOccurrences(of: "resourceGroup: kafka-pls-rg", with: "resourceGroup: kafka-pls-rg-\(n)")
                .replacingOccurrences(of: "tidb-eastus", with: "tidb-eastus-\(n)")
                .write(to: dir.appendingPathComponent("\(n)-private-link.yaml"), atomically: true, encoding: .utf8)
        }
        return dir
    }

    struct Bed {
        let azure: EmulatedAzure
        let etcd: EtcdCluster
        let manifests: URL
        let hosts: URL
        let closed: ClosedPort
        let clusters: [String]
        let prefix = "/ha-scale"

        static func start(clusters count: Int) throws -> Bed {
            let azure = try EmulatedAzure()
            let etcd = try EtcdCluster.start(size: 3)
            let hosts = temporaryDirectory()
            // The seed's three brokers, one file per cluster on each (the directories exist, as on a real host).
            for address in 4...6 {
                for i in 1...count {
                    try FileManager.default.createDirectory(
                        at: hosts.appendingPathComponent("10.0.0.\(address)/config/" + String(format: "c%02d", i)), withIntermediateDirectories: true)
                }
            }
            return Bed(
                azure: azure, etcd: etcd, manifests: try HAScaleTests.manifests(count: count), hosts: hosts, closed: try ClosedPort(),
                clusters: (1...count).map { String(format: "kafka-c%02d", $0) })
        }

        func stop() {
            etcd.shutdown()
            closed.release()
            try? FileManager.default.removeItem(at: manifests)
            try? FileManager.default.removeItem(at: hosts)
        }

        func replica(_ name: String, ttl: Int = 3, interval: String = "1h", sourcePoll: String = "1h") throws -> Serve {
            let state = "etcd://" + etcd.endpoints.map { String($0.dropFirst("http://".count)) }.joined(separator: ",") + prefix
            let resolve = (4...6).flatMap { ["--resolve", "10.0.0.\($0):9092=127.0.0.1:\(closed.port)"] }
            return try Serve(
                ["--manifests", manifests.path, "--state", state, "--state-lease-ttl", "\(ttl)", "--replica", name, "--listen", "127.0.0.1:0",
                 "--interval", interval, "--source-poll", sourcePoll, "--log-level", "notice", "--local-hosts", hosts.path] + resolve,
                environment: azure.environment)
        }

        /// Each cluster's leader as etcd holds it (`serve NAME` in the lock key), nil when none.
        func leaders() async -> [String: String?] {
            let store = EtcdStateStore(client: EtcdClient(configuration: .init(endpoints: etcd.endpoints), transport: CurlTransport()), prefix: prefix)
            var out: [String: String?] = [:]
            for cluster in clusters {
                let lock = try? await store.currentLock(cluster: cluster)
                out[cluster] = .some(lock.map { String($0.operation.dropFirst("serve ".count)) })
            }
            return out
        }

        /// Waits until `condition` holds of the leaders; returns them.
        func waitForLeaders(timeout: Duration = .seconds(120), _ condition: ([String: String?]) -> Bool) async throws -> [String: String?] {
            let deadline = ContinuousClock.now + timeout
            while true {
                let now = await leaders()
                if condition(now) { return now }
                guard ContinuousClock.now < deadline else { throw TestDatacenterError("leaders never settled: \(now)") }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    static func counts(_ leaders: [String: String?]) -> [String: Int] {
        Dictionary(grouping: leaders.values.compactMap { $0 }, by: { $0 }).mapValues(\.count)
    }

    @Test("Two replicas started at once on 20 clusters: every cluster gets exactly one leader, 10 on each replica")
    func twentyClustersTwoReplicas() async throws {
        let bed = try Bed.start(clusters: 20)
        defer { bed.stop() }
        let a = try bed.replica("r1"), b = try bed.replica("r2")
        defer { a.signal(SIGKILL); b.signal(SIGKILL) }
        let leaders = try await bed.waitForLeaders { leaders in
            leaders.values.allSatisfy { $0 != nil } && Self.counts(leaders) == ["r1": 10, "r2": 10]
        }
        #expect(leaders.count == 20)
        // Each replica's log names as taken exactly the clusters etcd says it leads now, or more (a replica over its
        // share hands clusters over after a pass), and none is led by both at once (a lock key has one holder).
        for (name, serve) in [("r1", a), ("r2", b)] {
            let led = Set(leaders.filter { $0.value == name }.map(\.key))
            let taken = Set(bed.clusters.filter { !serve.lines(containing: "leading \($0)\"").isEmpty })
            #expect(led.isSubset(of: taken), "\(name) leads \(led.sorted()) but its log took \(taken.sorted())")
        }
        // Every cluster's first pass ran on its leader: the emulator holds all 20 resource groups.
        let groups = { bed.azure.storedIDs.filter { $0.split(separator: "/").count == 4 } }
        let deadline = ContinuousClock.now + .seconds(120)
        while groups().count < 20, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        #expect(groups().count == 20, "\(groups())")
        #expect(a.process.isRunning && b.process.isRunning)
    }

    @Test("etcd loses quorum (two of three members stopped): every replica stops acting and says so; when quorum returns, work resumes")
    func quorumLoss() async throws {
        let bed = try Bed.start(clusters: 2)
        defer { bed.stop() }
        // Passes every 2 s and the manifests re-read every second, so a replica that still acted would show it.
        let a = try bed.replica("r1", interval: "2s", sourcePoll: "1s"), b = try bed.replica("r2", interval: "2s", sourcePoll: "1s")
        defer { a.signal(SIGKILL); b.signal(SIGKILL) }
        // One cluster each (the replica that took both first hands one over after a clean pass), both applied: the
        // emulator holds each cluster's group and its ten resources.
        _ = try await bed.waitForLeaders { Self.counts($0) == ["r1": 1, "r2": 1] }
        let applied = ContinuousClock.now + .seconds(120)
        while bed.azure.storedIDs.count < 22, ContinuousClock.now < applied { try await Task.sleep(for: .milliseconds(200)) }
        try #require(bed.azure.storedIDs.count == 22, "\(bed.azure.storedIDs)")

        bed.etcd.stop(1)
        bed.etcd.stop(2)
        // The manifests change while etcd has no quorum: acting would mean PUTting each cluster's security group.
        for file in try FileManager.default.contentsOfDirectory(atPath: bed.manifests.path) where file.hasSuffix("private-link.yaml") {
            let url = bed.manifests.appendingPathComponent(file)
            try String(contentsOf: url, encoding: .utf8)
                .replacingOccurrences(of: "sshSourcePrefixes: [VirtualNetwork]", with: "sshSourcePrefixes: [VirtualNetwork, 10.99.0.0/24]")
                .write(to: url, atomically: true, encoding: .utf8)
        }
        let writes = { bed.azure.requests.filter { $0.method == "PUT" || $0.method == "DELETE" || $0.method == "PATCH" }.count }
        let before = writes()
        // Each leader finds it can no longer confirm its lease and lets its cluster go, saying so; standbys say why
        // they cannot campaign.
        try await a.wait(for: "no longer the leader of", timeout: .seconds(60))
        try await b.wait(for: "no longer the leader of", timeout: .seconds(60))
        try await a.wait(for: "cannot take part in electing", timeout: .seconds(60))
        try await b.wait(for: "cannot take part in electing", timeout: .seconds(60))
        let leadingLines = { a.lines(containing: "\"leading kafka-").count + b.lines(containing: "\"leading kafka-").count }
        let led = leadingLines()
        try await Task.sleep(for: .seconds(6))
        #expect(writes() == before, "a replica changed something without etcd")
        #expect(leadingLines() == led, "no replica takes a cluster without quorum")

        // Quorum returns: both clusters have a leader again, and the change is applied once per cluster.
        try bed.etcd.restart(1)
        try bed.etcd.restart(2)
        let leaders = try await bed.waitForLeaders { $0.values.allSatisfy { $0 != nil } }
        #expect(leaders.count == 2)
        let nsgPuts = { bed.azure.requests.filter { $0.method == "PUT" && $0.path.lowercased().contains("/networksecuritygroups/") }.count }
        let deadline = ContinuousClock.now + .seconds(120)
        while writes() < before + 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(200)) }
        #expect(writes() >= before + 2, "work resumed: each cluster's security group updated")
        #expect(nsgPuts() >= 4, "the first applies and the two updates")
        #expect(a.process.isRunning && b.process.isRunning)
    }
}
