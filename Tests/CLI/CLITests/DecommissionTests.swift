import ArmEmulator
import FileStateStore
import Foundation
import ReconcileCommands
import ReconcileModel
import Testing

/// Deletion protection, `deletionPolicy` and decommissioning, through the real pass against the ARM emulator:
/// what independent testing found destroying VMs, groups and consumers' connections.
@Suite("Decommissioning and deletion protection, against the in-process emulator")
struct DecommissionTests {
    /// The example switched to existing VMs that name the very NICs the reconciler created.
    static let existingVMs: [(file: String, from: String, to: String)] = [(
        "private-link.yaml", "    mode: create\n",
        "    mode: existing\n    networkInterfaces:\n      1: {name: broker-node-1-nic}\n      2: {name: broker-node-2-nic}\n"
            + "      3: {name: broker-node-3-nic}\n"
    )]
    static let deletePolicy: (file: String, from: String, to: String) =
        ("private-link.yaml", "  cluster: tidb-kafka\n", "  cluster: tidb-kafka\n  deletionPolicy: Delete\n")

    static func writes(_ azure: EmulatedAzure, since index: Int) -> [String] {
        azure.requests.dropFirst(index).filter { $0.method != "GET" && !$0.path.contains("/oauth2/") }.map { "\($0.method) \($0.path)" }
    }

    /// `LINE:COL` of the first occurrence of `text` in a manifest copy (1-based; the column of its first letter).
    static func position(of text: String, in file: URL) throws -> String {
        let lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let index = try #require(lines.firstIndex { $0.contains(text) })
        let column = lines[index].distance(from: lines[index].startIndex, to: lines[index].range(of: text)!.lowerBound) + 1
        return "\(index + 1):\(column)"
    }

    @Test("""
        vms.mode create -> existing, naming the reconciler's own NICs: under the default Orphan policy the VMs and \
        NICs are forgotten and keep running, their tags marked as released; nothing is deleted
        """)
    func existingModeOrphans() async throws {
        let azure = try EmulatedAzure()
        #expect(await azure.pass().status == ExitStatus.success)
        let manifests = try editedExample("azure-private-link", Self.existingVMs)
        defer { try? FileManager.default.removeItem(at: manifests) }

        let plan = await azure.pass(manifests.path, dryRun: true)
        #expect(plan.status == ExitStatus.success, "\(plan)")
        #expect(plan.out.contains("~> tidb-kafka/azure.virtualMachine/broker-node-1"), "\(plan)")
        #expect(plan.out.contains("~> tidb-kafka/azure.networkInterface/broker-node-1-nic"), "\(plan)")
        #expect(!plan.out.contains("will be destroyed"), "\(plan)")

        let before = azure.requests.count
        let apply = await azure.pass(manifests.path)
        #expect(apply.status == ExitStatus.success, "\(apply)")
        #expect(!Self.writes(azure, since: before).contains { $0.hasPrefix("DELETE") }, "\(Self.writes(azure, since: before))")
        for node in 1...3 {
            let vm = try azure.resource(EmulatedAzure.vmID(node))
            #expect(vm["tags"]?["managed-by"] == nil, "\(vm)")
            #expect(vm["tags"]?["released-by"]?.stringValue == "kafka-private-link-reconciler", "\(vm)")
            #expect(try azure.resource(EmulatedAzure.nicID(node))["tags"]?["released-by"] != nil)
        }
        let again = await azure.pass(manifests.path, dryRun: true, detailedExitCode: true)
        #expect(again.status == ExitStatus.success, "\(again)")
    }

    @Test("""
        vms.mode create -> existing under deletionPolicy Delete: refused (exit 1, nothing written), naming \
        spec.vms.mode with FILE:LINE:COL, the data lost and --allow-destroy
        """)
    func existingModeDeleteIsRefused() async throws {
        let azure = try EmulatedAzure()
        let applied = try editedExample("azure-private-link", [Self.deletePolicy])
        defer { try? FileManager.default.removeItem(at: applied) }
        #expect(await azure.pass(applied.path).status == ExitStatus.success)
        let manifests = try editedExample("azure-private-link", Self.existingVMs + [Self.deletePolicy])
        defer { try? FileManager.default.removeItem(at: manifests) }
        let file = manifests.appendingPathComponent("private-link.yaml")
        let modeAt = try Self.position(of: "existing", in: file)

        let before = azure.requests.count
        for dryRun in [true, false] {
            let outcome = await azure.pass(manifests.path, dryRun: dryRun)
            let text = outcome.out + outcome.err
            #expect(outcome.status == ExitStatus.error, "\(outcome)")
            #expect(text.contains("private-link.yaml:\(modeAt): `spec.vms.mode`"), "\(outcome)")
            #expect(text.contains("refusing to delete a protected resource (data loss)"), "\(outcome)")
            #expect(text.contains("--allow-destroy tidb-kafka/azure.virtualMachine/broker-node-1"), "\(outcome)")
            #expect(text.contains("OS disk"), "\(outcome)")
        }
        #expect(Self.writes(azure, since: before).isEmpty, "\(Self.writes(azure, since: before))")
        try azure.expectExactlyTheSeed()
    }

    @Test("""
        Renaming resourceGroup under deletionPolicy Delete: deleting the old group is refused as data loss, naming \
        spec.resourceGroup; under Orphan the old group is forgotten
        """)
    func groupRename() async throws {
        let azure = try EmulatedAzure()
        #expect(await azure.pass().status == ExitStatus.success)
        let rename = ("private-link.yaml", "resourceGroup: kafka-pls-rg\n", "resourceGroup: kafka-pls-rg2\n")
        let deleting = try editedExample("azure-private-link", [rename, Self.deletePolicy])
        defer { try? FileManager.default.removeItem(at: deleting) }
        let groupAt = try Self.position(of: "kafka-pls-rg2", in: deleting.appendingPathComponent("private-link.yaml"))

        let refused = await azure.pass(deleting.path, dryRun: true)
        #expect(refused.status == ExitStatus.error, "\(refused)")
        #expect(refused.out.contains("tidb-kafka/azure.resourceGroup/kafka-pls-rg: refusing to delete a protected resource (data loss)"), "\(refused)")
        #expect(refused.out.contains("private-link.yaml:\(groupAt): `spec.resourceGroup`"), "\(refused)")
        #expect(!refused.out.contains("disruption: none\n  - tidb-kafka/azure.resourceGroup/kafka-pls-rg"), "\(refused)")

        let orphaning = try editedExample("azure-private-link", [rename])
        defer { try? FileManager.default.removeItem(at: orphaning) }
        let orphan = await azure.pass(orphaning.path, dryRun: true)
        #expect(orphan.status == ExitStatus.success, "\(orphan)")
        #expect(orphan.out.contains("~> tidb-kafka/azure.resourceGroup/kafka-pls-rg"), "\(orphan)")
        #expect(!orphan.out.contains("- tidb-kafka/azure.resourceGroup/kafka-pls-rg\n"), "\(orphan)")
        #expect(orphan.out.contains("tidb-kafka/azure.virtualMachine/broker-node-1 moves from "), "\(orphan)")
        #expect(orphan.out.contains("the old one is left running and is no longer managed"), "\(orphan)")
    }

    @Test("""
        An exposure removed from the manifests is decommissioned through the provider wired from the inventory: \
        under Delete the protected resources are refused (the approved connection that would be cut is named); \
        under Orphan everything is forgotten and released, and the inventory keeps nothing of it
        """)
    func exposureRemoved() async throws {
        let azure = try EmulatedAzure()
        let deleting = try editedExample("azure-private-link", [Self.deletePolicy])
        defer { try? FileManager.default.removeItem(at: deleting) }
        #expect(await azure.pass(deleting.path).status == ExitStatus.success)
        try await azure.consumerEndpoint()
        try FileManager.default.removeItem(at: deleting.appendingPathComponent("private-link.yaml"))

        let refused = await azure.pass(deleting.path, dryRun: true)
        #expect(refused.status == ExitStatus.error, "\(refused)")
        #expect(!refused.out.contains("no provider in this build"), "\(refused)")
        #expect(refused.out.contains("exposure `tidb-eastus`"), "\(refused)")
        // ARM names a connection after the endpoint plus a GUID: `tidb-changefeed.46dfef48-…`.
        #expect(refused.out.contains("private endpoint connection `tidb-changefeed."), "\(refused)")
        #expect(refused.out.contains("(Approved) would be cut"), "\(refused)")
        #expect(refused.out.contains("would be lost: azure.resourceGroup `kafka-pls-rg`; virtualMachines/broker-node-1;"), "\(refused)")
        #expect(refused.out.contains("tidb-kafka/azure.virtualMachine/broker-node-2: refusing to delete a protected resource (data loss)"), "\(refused)")

        let azure2 = try EmulatedAzure()
        #expect(await azure2.pass().status == ExitStatus.success)
        let orphaning = try editedExample("azure-private-link", [])
        defer { try? FileManager.default.removeItem(at: orphaning) }
        try FileManager.default.removeItem(at: orphaning.appendingPathComponent("private-link.yaml"))
        let forget = await azure2.pass(orphaning.path)
        #expect(forget.status == ExitStatus.success, "\(forget)")
        #expect(forget.err.contains("Apply complete: 11 succeeded, 0 failed, 0 skipped."), "\(forget)")
        try azure2.expectExactlyTheSeed()
        #expect(try azure2.resource(EmulatedAzure.plsID)["tags"]?["released-by"] != nil)
        // Nothing of the exposure is left to manage: the inventory holds no Azure resource any more.
        let inventory = try await FileStateStore(directory: azure2.stateDirectory).inventory(cluster: "tidb-kafka")
        #expect(inventory.entries.keys.filter { $0.provider == "azure" }.isEmpty, "\(inventory.entries.keys)")
    }
}

extension EmulatedAzure {
    static let consumerSubscription = "99549169-6cee-4263-8491-924a3011ee31"

    /// TiDB Cloud's side: a private endpoint `tidb-changefeed` to the seed's Private Link Service, in the
    /// consumer's subscription (which the service auto-approves).
    func consumerEndpoint() async throws {
        let group = "/subscriptions/\(Self.consumerSubscription)/resourceGroups/tidbcloud-consumer"
        try await putAndWait(group, ["location": "eastus"], apiVersion: "2025-04-01")
        let vnet = "\(group)/providers/Microsoft.Network/virtualNetworks/tidb-vnet"
        try await putAndWait(vnet, [
            "location": "eastus",
            "properties": [
                "addressSpace": ["addressPrefixes": ["172.16.0.0/16"]],
                "subnets": [["name": "endpoints", "properties": ["addressPrefix": "172.16.1.0/24"]]],
            ],
        ])
        try await putAndWait("\(group)/providers/Microsoft.Network/privateEndpoints/tidb-changefeed", [
            "location": "eastus",
            "properties": [
                "subnet": ["id": .string("\(vnet)/subnets/endpoints")],
                "privateLinkServiceConnections": [[
                    "name": "tidb-changefeed",
                    "properties": ["privateLinkServiceId": .string(Self.plsID), "requestMessage": "TiDB Cloud changefeed"],
                ]],
            ],
        ])
    }
}
