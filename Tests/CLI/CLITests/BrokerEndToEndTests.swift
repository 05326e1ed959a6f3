import Foundation
import Testing
import TestSupport

/// `reconcile` (the built binary) against real sshd hosts in a test datacenter: the existing-cluster example's
/// broker half, end to end.
@Suite("Brokers over SSH, end to end", .serialized, .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces and sshd (CI runs as root)"))
struct BrokerEndToEndTests {
    static let before = (try? String(contentsOfFile: Repo.example("existing-cluster") + "/server.properties.before", encoding: .utf8)) ?? ""

    /// The example's broker file, moved onto this VM's address and node id.
    static func originalFile(id: Int, ips: [String]) -> String {
        var text = before.replacing("node.id=1", with: "node.id=\(id)")
            .replacing("advertised.listeners=INTERNAL://10.1.0.4:9092", with: "advertised.listeners=INTERNAL://\(ips[id - 1]):9092")
        for (i, ip) in ips.enumerated() { text = text.replacing("10.1.0.\(4 + i):29092", with: "\(ip):29092") }
        // The quorum the datacenter's VMs were formatted with: exactly its controllers (a static quorum's voters
        // are never rewritten by the reconciler).
        let voters = ips.enumerated().map { "\($0.offset + 1)@\($0.element):29092" }.joined(separator: ",")
        text = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("controller.quorum.voters=") ? "controller.quorum.voters=\(voters)" : String(line)
        }.joined(separator: "\n")
        return text.replacing("kafka-prod-1", with: "kafka-prod-\(id)")
    }

    /// Manifests for the datacenter: the existing-cluster example with the VMs' addresses and the DC's SSH keys.
    static func writeManifests(_ dc: TestDatacenter, extraBroker: String? = nil) throws -> URL {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var brokers = dc.vms.enumerated().map { "    - {nodeId: \($0.offset + 1), name: kafka-prod-\($0.offset + 1), address: \($0.element.ip), zone: \"\($0.offset + 1)\"}" }
        if let extraBroker {
            brokers.append("    - {nodeId: 9, name: kafka-prod-9, address: \(extraBroker), zone: \"1\", processRoles: [broker]}")
        }
        let jump = dc.jumpHost.map { "\n    jumpHost: \($0)" } ?? ""
        try """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata: {name: legacy-kafka}
            spec:
              kafkaVersion: "3.7.1"
              clusterId: MkU3OEVBNTcwNTJENDM2Qg
              logDirs: /var/lib/kafka/data
              brokers:
            \(brokers.joined(separator: "\n"))
              settings: {num.partitions: "3", default.replication.factor: "3", min.insync.replicas: "2", auto.create.topics.enable: "false"}
              ssh:
                user: \(dc.user)
                identityFile: \(dc.identityFile)
                knownHostsFile: \(dc.knownHostsFile)
                connectTimeoutSeconds: 3\(jump)
              configPath: config/server.properties
              restart: {policy: manual}

            """.write(to: dir.appendingPathComponent("cluster.yaml"), atomically: true, encoding: .utf8)
        var exposure = try String(contentsOfFile: Repo.example("existing-cluster") + "/private-link.yaml", encoding: .utf8)
        exposure = exposure.replacing("    subnet: {name: kafka-subnet, addressPrefix: 10.1.0.0/24}", with: "    subnet: {name: kafka-subnet}")
        if extraBroker != nil { exposure = exposure.replacing("      3: {name: kafka-prod-3-nic, ipConfiguration: ipconfig1}", with: "      3: {name: kafka-prod-3-nic, ipConfiguration: ipconfig1}\n      9: {name: kafka-prod-9-nic}") }
        try exposure.write(to: dir.appendingPathComponent("private-link.yaml"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Puts each broker's original file into its VM's home, owned by the VM's user.
    static func seedFiles(_ dc: TestDatacenter) throws {
        let ips = dc.vms.map(\.ip)
        for (i, vm) in dc.vms.enumerated() {
            let config = URL(fileURLWithPath: vm.home).appendingPathComponent("config")
            try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
            let file = config.appendingPathComponent("server.properties")
            try originalFile(id: i + 1, ips: ips).write(to: file, atomically: false, encoding: .utf8)
            for path in [config.path, file.path] {
                try FileManager.default.setAttributes([.ownerAccountID: dc.userID, .groupOwnerAccountID: dc.userID], ofItemAtPath: path)
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: file.path)
        }
    }

    static func file(_ vm: TestDatacenter.VM) -> String {
        (try? String(contentsOfFile: vm.home + "/config/server.properties", encoding: .utf8)) ?? "<missing>"
    }

    static let target = ["--target", "legacy-kafka/kafka.brokerConfig"]

    @Test("dry-run shows per-broker key changes and changes nothing; apply upgrades the files keeping comments; a second run plans nothing")
    func upgradeExistingCluster() async throws {
        let dc = try await TestDatacenter.start(vms: 3)
        defer { dc.stop() }
        try Self.seedFiles(dc)
        let manifests = try Self.writeManifests(dc)
        let state = temporaryDirectory()
        let originals = dc.vms.map(Self.file)

        let plan = try Binary.run(["--dry-run", "--detailed-exitcode", "--manifests", manifests.path, "--state", state.path] + Self.target)
        #expect(plan.status == 2, "\(plan.out)\n\(plan.err)")
        for (i, vm) in dc.vms.enumerated() {
            #expect(plan.out.contains("~ advertised.listeners: INTERNAL://\(vm.ip):9092 -> INTERNAL://\(vm.ip):9092,EXTERNAL://b\(i + 1).xyz7.eastus.azure.3199745.tidbcloud.com:\(9093 + i)"), "\(plan.out)")
        }
        #expect(plan.out.contains("3 broker configs to write, 0 broker restarts."), "\(plan.out)")
        #expect(dc.vms.map(Self.file) == originals, "dry-run changed a file")
        #expect(!FileManager.default.fileExists(atPath: state.path), "dry-run wrote state")

        let apply = try Binary.run(["--manifests", manifests.path, "--state", state.path] + Self.target)
        #expect(apply.status == 0, "\(apply.out)\n\(apply.err)")
        for (i, vm) in dc.vms.enumerated() {
            let expected = originals[i]
                .replacing("listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092\n", with: "listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092\n")
                .replacing("advertised.listeners=INTERNAL://\(vm.ip):9092\n", with: "advertised.listeners=INTERNAL://\(vm.ip):9092,EXTERNAL://b\(i + 1).xyz7.eastus.azure.3199745.tidbcloud.com:\(9093 + i)\n")
                .replacing("listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL", with: "listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT,SSL")
            #expect(Self.file(vm) == expected, "comments, tuning keys and order are kept; only the three listener keys change")
            let backups = try FileManager.default.contentsOfDirectory(atPath: vm.home + "/config").filter { $0.hasPrefix("server.properties.bak-") }
            #expect(backups.count == 1)
            #expect(try String(contentsOfFile: vm.home + "/config/" + backups[0], encoding: .utf8) == originals[i])
            let attributes = try FileManager.default.attributesOfItem(atPath: vm.home + "/config/server.properties")
            #expect((attributes[.posixPermissions] as? Int) == 0o640, "mode preserved")
            #expect((attributes[.ownerAccountID] as? UInt) == UInt(dc.userID), "owner preserved")
        }
        #expect(apply.out.contains("needs a restart for its config to take effect"), "\(apply.out)")

        let again = try Binary.run(["--detailed-exitcode", "--manifests", manifests.path, "--state", state.path] + Self.target)
        #expect(again.status == 0, "\(again.out)\n\(again.err)")
        #expect(again.out.hasPrefix("This plan is partial and has no changes"), "targeted, so partial: \(again.out)")
    }

    @Test("A wrong host key is refused (never bypassed): that broker is reported, the others are still observed, nothing is written")
    func hostKeyMismatch() async throws {
        let dc = try await TestDatacenter.start(vms: 3)
        defer { dc.stop() }
        try Self.seedFiles(dc)
        // Replace vm2's key in known_hosts with a freshly generated, unrelated one.
        let keyDir = temporaryDirectory()
        try FileManager.default.createDirectory(at: keyDir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: keyDir) }
        let keygen = Process()
        keygen.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        keygen.arguments = ["-q", "-t", "ed25519", "-N", "", "-f", keyDir.appendingPathComponent("k").path]
        try keygen.run()
        keygen.waitUntilExit()
        let otherKey = try String(contentsOf: keyDir.appendingPathComponent("k.pub"), encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let known = try String(contentsOfFile: dc.knownHostsFile, encoding: .utf8).split(separator: "\n").map { line in
            line.hasPrefix(dc.vms[1].ip + " ") || line.hasPrefix("[\(dc.vms[1].ip)]") ? "\(dc.vms[1].ip) \(otherKey)" : String(line)
        }
        try (known.joined(separator: "\n") + "\n").write(toFile: dc.knownHostsFile, atomically: true, encoding: .utf8)
        let originals = dc.vms.map(Self.file)
        let manifests = try Self.writeManifests(dc)
        let state = temporaryDirectory()

        let plan = try Binary.run(["--dry-run", "--manifests", manifests.path, "--state", state.path] + Self.target)
        #expect(plan.status == 1)
        #expect(plan.out.contains("legacy-kafka/kafka.brokerConfig/2: cannot observe: cannot read config/server.properties: host key of \(dc.vms[1].ip) does not match known_hosts"), "\(plan.out)")
        #expect(plan.out.contains("legacy-kafka/kafka.brokerConfig/1"), "broker 1 is still observed and planned")
        let apply = try Binary.run(["--manifests", manifests.path, "--state", state.path] + Self.target)
        #expect(apply.status == 1)
        #expect(apply.err.contains("nothing was applied"))
        #expect(dc.vms.map(Self.file) == originals)
    }

    @Test("An unreachable broker is reported for itself, with the others still observed")
    func unreachable() async throws {
        let dc = try await TestDatacenter.start(vms: 2)
        defer { dc.stop() }
        try Self.seedFiles(dc)
        let prefix = dc.vms[0].ip.split(separator: ".").prefix(3).joined(separator: ".")
        let manifests = try Self.writeManifests(dc, extraBroker: "\(prefix).200")
        let plan = try Binary.run(["--dry-run", "--manifests", manifests.path, "--state", temporaryDirectory().path] + Self.target)
        #expect(plan.status == 1)
        #expect(plan.out.contains("legacy-kafka/kafka.brokerConfig/9: cannot observe: cannot read config/server.properties: cannot reach \(prefix).200"), "\(plan.out)")
        #expect(plan.out.contains("~ legacy-kafka/kafka.brokerConfig/2"), "\(plan.out)")
    }

    @Test("Brokers reachable only through a bastion are upgraded through the jump host")
    func jumpHost() async throws {
        let dc = try await TestDatacenter.start(vms: 2, bastion: true)
        defer { dc.stop() }
        try Self.seedFiles(dc)
        let manifests = try Self.writeManifests(dc)
        let state = temporaryDirectory()
        let apply = try Binary.run(["--manifests", manifests.path, "--state", state.path] + Self.target)
        #expect(apply.status == 0, "\(apply.out)\n\(apply.err)")
        #expect(dc.vms.allSatisfy { Self.file($0).contains("EXTERNAL://0.0.0.0:39092") })
    }
}
