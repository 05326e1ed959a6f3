import Foundation
import KafkaClient
import KafkaProtocol
import Synchronization
import TestSupport

/// A 3-node KRaft cluster of broker simulators running on test-datacenter VMs, started and restarted by
/// `scripts/kafka-sim-ctl` over SSH exactly as the reconciler's restart command does.
struct SimulatedCluster {
    let dc: TestDatacenter
    let clusterDir: URL
    let manifests: URL
    let state: URL

    static var simBinary: String { Binary.url.deletingLastPathComponent().appendingPathComponent("kafka-broker-sim").path }
    static var ctl: String { Repo.root.appendingPathComponent("scripts/kafka-sim-ctl").path }

    /// The runbook's config without EXTERNAL, plus simulator settings (unmanaged keys the editor keeps).
    static func initialFile(id: Int, ips: [String], clusterDir: String, extra: [String] = []) -> String {
        let voters = ips.enumerated().map { "\($0.offset + 1)@\($0.element):29092" }.joined(separator: ",")
        return ([
            "# broker \(id), before the EXTERNAL listener", "process.roles=broker,controller", "node.id=\(id)",
            "controller.quorum.voters=\(voters)", "listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092",
            "inter.broker.listener.name=INTERNAL", "advertised.listeners=INTERNAL://\(ips[id - 1]):9092",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
            "log.dirs=/home/kafka/data", "", "# simulator settings",
            "simulator.cluster.dir=\(clusterDir)", "simulator.topics=orders:3:3,payments:6:3",
            "simulator.fenced.ms=400", "simulator.catchup.ms=400",
        ] + extra).joined(separator: "\n") + "\n"
    }

    static func start(extra: [Int: [String]] = [:]) async throws -> SimulatedCluster {
        let dc = try await TestDatacenter.start(vms: 3)
        do {
            let clusterDir = URL(fileURLWithPath: "/tmp/simcluster-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: clusterDir, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: clusterDir.path)
            let ips = dc.vms.map(\.ip)
            for (i, vm) in dc.vms.enumerated() {
                let config = URL(fileURLWithPath: vm.home).appendingPathComponent("config")
                try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
                let file = config.appendingPathComponent("server.properties")
                try initialFile(id: i + 1, ips: ips, clusterDir: clusterDir.path, extra: extra[i + 1] ?? []).write(to: file, atomically: false, encoding: .utf8)
                for path in [config.path, file.path] {
                    try FileManager.default.setAttributes([.ownerAccountID: dc.userID, .groupOwnerAccountID: dc.userID], ofItemAtPath: path)
                }
            }
            let cluster = SimulatedCluster(dc: dc, clusterDir: clusterDir, manifests: try writeManifests(dc), state: temporaryDirectory())
            for vm in dc.vms { try cluster.ctl("start", on: vm) }
            try await cluster.waitHealthy()
            return cluster
        } catch {
            dc.stop()
            throw error
        }
    }

    /// The `sim` cluster on the datacenter's VMs (broker N = VM N), restarted by `kafka-sim-ctl` over SSH; with
    /// `zones`, broker N is in zone N (what an exposure that creates VMs needs).
    static func clusterManifest(_ dc: TestDatacenter, zones: Bool = false) -> String {
        let brokers = dc.vms.enumerated().map { vm in
            "    - {nodeId: \(vm.offset + 1), name: kafka-\(vm.offset + 1), address: \(vm.element.ip)\(zones ? ", zone: \"\(vm.offset + 1)\"" : "")}"
        }
        return """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata: {name: sim}
            spec:
              kafkaVersion: "3.7.1"
              clusterId: BRl69zcmTFmiPaoaANybiw
              logDirs: /home/kafka/data
              brokers:
            \(brokers.joined(separator: "\n"))
              ssh: {user: \(dc.user), identityFile: \(dc.identityFile), knownHostsFile: \(dc.knownHostsFile), connectTimeoutSeconds: 3}
              configPath: config/server.properties
              restart:
                command: [\(ctl), restart, --config, config/server.properties, --bin, \(simBinary)]
                timeoutSeconds: 60
              health: {brokerReadyTimeoutSeconds: 20, pollIntervalMilliseconds: 100}
            """
    }


    static func writeManifests(_ dc: TestDatacenter) throws -> URL {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try """
            \(clusterManifest(dc))
            ---
            apiVersion: reconcile.kafka/v1alpha1
            kind: AzurePrivateLinkExposure
            metadata: {name: sim-eastus}
            spec:
              cluster: sim
              listener: {name: EXTERNAL, port: 39092}
              advertisedListenerPattern: "<broker_id>.abc.eastus.azure.3199745.tidbcloud.com:<port>"
              externalPorts: {start: 9093}
              subscriptionId: 11111111-2222-3333-4444-555555555555
              resourceGroup: rg
              createResourceGroup: false
              location: eastus
              network: {existing: true, virtualNetwork: {name: vnet}, subnet: {name: s}}
              vms: {mode: existing, networkInterfaces: {1: {name: n1}, 2: {name: n2}, 3: {name: n3}}}
              privateLinkService: {natSubnet: s, visibility: ["*"]}

            """.write(to: dir.appendingPathComponent("sim.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    @discardableResult
    func ctl(_ verb: String, on vm: TestDatacenter.VM) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        process.arguments = [
            "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=\(dc.knownHostsFile)", "-o", "StrictHostKeyChecking=yes",
            "-i", dc.identityFile, "-l", dc.user, vm.ip,
            "\(SimulatedCluster.ctl) \(verb) --config config/server.properties --bin \(SimulatedCluster.simBinary)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// The simulator's pid on a VM (changes on every restart).
    func pid(_ vm: TestDatacenter.VM) -> String? {
        (try? String(contentsOfFile: vm.home + "/config/kafka-broker-sim.pid", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func file(_ vm: TestDatacenter.VM) -> String {
        (try? String(contentsOfFile: vm.home + "/config/server.properties", encoding: .utf8)) ?? ""
    }

    /// Runs `command` on a VM as the test user through the real OpenSSH client (host key checked); its exit status.
    @discardableResult
    func ssh(_ vm: TestDatacenter.VM, _ command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh")
        process.arguments = [
            "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=\(dc.knownHostsFile)", "-o", "StrictHostKeyChecking=yes",
            "-i", dc.identityFile, "-l", dc.user, vm.ip, command,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Brokers whose restart a pass started, by node id, in order (`.../kafka.brokerConfig/2: restarting...`).
    static func restarted(_ result: Binary.Result) -> [String] {
        result.err.split(separator: "\n").filter { $0.contains("kafka.brokerConfig/") && $0.contains(": restarting...") }
            .map { String($0.split(separator: "/").last!.split(separator: ":").first!) }
    }

    /// Waits until every node answers and lists all three brokers.
    func waitHealthy(timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let client = KafkaClient(host: dc.vms[0].ip, port: 9092, options: .init(connectTimeout: .seconds(1), requestTimeout: .seconds(2)))
            let count = (try? await client.metadata(topics: []))?.brokers.count
            await client.close()
            if count == 3 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw TestDatacenterError("the simulated cluster did not come up")
    }

    func stop() {
        for vm in dc.vms { _ = try? ctl("stop", on: vm) }
        dc.stop()
        try? FileManager.default.removeItem(at: clusterDir)
    }
}

/// Probes every broker's INTERNAL listener every 50 ms during a roll and remembers the worst moment: the test
/// fails if two brokers were ever down together. A broker counts as down only when its listener refuses the
/// connection (nothing listens: the process is stopped); a slow answer on a loaded machine is not "down".
final class AvailabilityMonitor: Sendable {
    final class Samples: Sendable {
        let lock = Mutex<(maxDown: Int, downSeen: Set<String>, samples: Int)>((0, [], 0))
    }

    private let samples = Samples()
    private let task: Task<Void, Never>

    init(ips: [String]) {
        let samples = self.samples
        task = Task {
            while !Task.isCancelled {
                let down = await withTaskGroup(of: String?.self) { group in
                    for ip in ips {
                        group.addTask {
                            let client = KafkaClient(host: ip, port: 9092, options: .init(connectTimeout: .milliseconds(300), requestTimeout: .milliseconds(500)))
                            var down = false
                            do {
                                _ = try await client.apiVersions()
                            } catch {
                                if let failure = error as? KafkaClientError, case .connectFailed = failure, "\(failure)".contains("refused") { down = true }
                            }
                            await client.close()
                            return down ? ip : nil
                        }
                    }
                    var out: [String] = []
                    for await ip in group { if let ip { out.append(ip) } }
                    return out
                }
                samples.lock.withLock {
                    $0.maxDown = max($0.maxDown, down.count)
                    $0.downSeen.formUnion(down)
                    $0.samples += 1
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    func stop() -> (maxDown: Int, downSeen: Set<String>, samples: Int) {
        task.cancel()
        return samples.lock.withLock { $0 }
    }
}
