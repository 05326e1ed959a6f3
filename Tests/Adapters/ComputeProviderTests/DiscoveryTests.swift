import ArmEmulator
import ComputeEmulator
import ComputeProvider
import CurlTransport
import Execution
import Foundation
import Manifests
import ReconcileEngine
import ReconcileModel
import Testing
import TestSupport

/// What the reconciler owns on GCP is read from Compute, not only from its inventory: the real engine and Compute
/// provider (libcurl) against the in-process emulator, with the bed's state directory (state A) and with an empty
/// one (a CI runner's). Instances and forwarding rules are found by their labels, the other kinds by their
/// description; every request the passes send validates against the discovery document.
@Suite("GCP discovery by labels and descriptions (in-process Compute emulator)")
struct GcpDiscoveryTests {
    static let example = Repo.example("gcp-psc-port-mapping")
    static let cluster = "tidb-kafka-gcp"

    /// The example's manifests, `psc.yaml` edited by `edit`, or left out when `exposure` is false.
    static func manifests(
        example: String = example, exposureFile: String = "psc.yaml", exposure: Bool = true, edit: (String) -> String = { $0 }
    ) throws -> ManifestSet {
        var files: [(path: String, bytes: [UInt8])] = [("\(example)/cluster.yaml", Array(try String(contentsOfFile: "\(example)/cluster.yaml", encoding: .utf8).utf8))]
        if exposure {
            let text = edit(try String(contentsOfFile: "\(example)/\(exposureFile)", encoding: .utf8))
            files.append(("\(example)/\(exposureFile)", Array(text.utf8)))
        }
        let load = ManifestLoader.load(files: files)
        try #require(load.diagnostics.isEmpty, "\(load.diagnostics)")
        return load.manifests
    }

    static func deletePolicy(_ text: String) -> String {
        text.replacingOccurrences(of: "  cluster: tidb-kafka-gcp\n", with: "  cluster: tidb-kafka-gcp\n  deletionPolicy: Delete\n")
    }

    /// The plan's GCP changes as the comparison sees them: action, address, reason, disruption.
    static func changes(_ result: PassResult) -> [String] {
        (result.plan?.changes ?? []).filter { $0.address.type.hasPrefix("gcp.") }
            .map { "\($0.action.rawValue) \($0.address) (\($0.reason.rawValue), \($0.disruption.rawValue))" }.sorted()
    }

    func emptyState() -> URL { FileManager.default.temporaryDirectory.appendingPathComponent("gcp-empty-\(UUID().uuidString)") }

    func expectValidRequests(_ gcp: EmulatedGcp, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let problems = try GcpRequestCheck.problems(gcp.requests)
        #expect(problems.isEmpty, "\(problems.prefix(10))", sourceLocation: sourceLocation)
    }

    @Test("The exposure leaves the manifests under Delete: an empty state plans the same deletes as state A, and applying that plan deletes everything in order")
    func removedUnderDelete() async throws {
        let gcp = try EmulatedGcp(operationPolls: 0)
        let withExposure = try Self.manifests(edit: Self.deletePolicy)
        #expect(await gcp.applyUntilConverged(manifests: withExposure).last?.succeeded == true)
        let forwardingRule = try #require(gcp.emulator.resource("projects/my-kafka-project/regions/us-west1/forwardingRules/kafka-lb-forwarding-rule"))
        #expect(forwardingRule["labels"]?["reconcile-kafka-deletion-policy"] == "delete", "\(forwardingRule)")

        let clusterOnly = try Self.manifests(exposure: false)
        let empty = emptyState()
        defer { try? FileManager.default.removeItem(at: empty) }
        let a = await gcp.pass(.dryRun, manifests: clusterOnly, allowDestroy: [Self.cluster])
        let b = await gcp.pass(.dryRun, manifests: clusterOnly, stateDirectory: empty, allowDestroy: [Self.cluster])
        let deletes = Self.changes(a).filter { $0.hasPrefix("delete ") }
        #expect(deletes.count == EmulatedGcp.seedPaths.count, "\(Self.changes(a))")
        #expect(Self.changes(b) == Self.changes(a), "only with state: \(Set(Self.changes(a)).subtracting(Self.changes(b))); only without: \(Set(Self.changes(b)).subtracting(Self.changes(a)))")
        #expect(b.plan?.problems.isEmpty == true && b.providerFailures.isEmpty, "\(String(describing: b.plan?.problems)) \(b.providerFailures)")
        #expect(!FileManager.default.fileExists(atPath: empty.appendingPathComponent(Self.cluster).path), "a dry-run writes no state")

        // The machine without the state applies that plan: dependents go first (the attachment before its rule, the
        // NEG before its instances, the network last), so every delete succeeds.
        let applied = await gcp.pass(manifests: clusterOnly, stateDirectory: empty, allowDestroy: [Self.cluster])
        #expect(applied.succeeded, "\(String(describing: applied.apply?.failed)) \(String(describing: applied.stop))")
        #expect(gcp.emulator.resourcePaths.isEmpty, "\(gcp.emulator.resourcePaths)")
        try expectValidRequests(gcp)
    }

    @Test("Under Orphan both plan the same forgets; the apply releases the marks (labels, mutable descriptions) and nothing is found again or deleted")
    func removedUnderOrphan() async throws {
        let gcp = try EmulatedGcp(operationPolls: 0)
        #expect(await gcp.applyUntilConverged(manifests: try Self.manifests()).last?.succeeded == true)
        let clusterOnly = try Self.manifests(exposure: false)
        let empty = emptyState()
        defer { try? FileManager.default.removeItem(at: empty) }
        let a = await gcp.pass(.dryRun, manifests: clusterOnly)
        let b = await gcp.pass(.dryRun, manifests: clusterOnly, stateDirectory: empty)
        #expect(Self.changes(a).count == EmulatedGcp.seedPaths.count && Self.changes(a).allSatisfy { $0.hasPrefix("forget ") }, "\(Self.changes(a))")
        #expect(Self.changes(b) == Self.changes(a))

        #expect(await gcp.pass(manifests: clusterOnly).succeeded)
        let p = "projects/my-kafka-project", r = "\(p)/regions/us-west1"
        let rule = try #require(gcp.emulator.resource("\(r)/forwardingRules/kafka-lb-forwarding-rule"))
        #expect(rule["labels"]?["released-by"] == "kafka-private-link-reconciler" && rule["labels"]?["managed-by"] == nil, "\(rule)")
        let node = try #require(gcp.emulator.resource("\(p)/zones/us-west1-a/instances/broker-node1"))
        #expect(node["labels"]?["released-by"] == "kafka-private-link-reconciler", "\(node)")
        for path in ["\(p)/global/firewalls/allow-psc-traffic", "\(r)/subnetworks/psc-subnet", "\(r)/backendServices/kafka-lb", "\(r)/serviceAttachments/kafka-psc"] {
            let description = gcp.emulator.resource(path)?["description"]?.stringValue ?? ""
            #expect(description.hasPrefix("released-by=kafka-private-link-reconciler cluster=tidb-kafka-gcp "), "\(path): \(description)")
        }
        // A NEG cannot change its description: its exposure's released labels say it was let go.
        #expect(gcp.emulator.resource("\(r)/networkEndpointGroups/kafka-neg")?["description"]?.stringValue?.hasPrefix("managed-by=") == true)

        let emptier = emptyState()
        defer { try? FileManager.default.removeItem(at: emptier) }
        #expect(Self.changes(await gcp.pass(.dryRun, manifests: clusterOnly, stateDirectory: emptier)) == [], "released resources are never found again")
        #expect(Set(gcp.emulator.resourcePaths) == EmulatedGcp.seedPaths, "nothing was deleted")

        // Declared again without `adopt`, they are someone else's now: the plan refuses to touch them.
        let again = await gcp.pass(.dryRun, manifests: try Self.manifests(), stateDirectory: emptier)
        #expect((again.plan?.problems.count ?? 0) >= 1, "\(Self.changes(again))")
        try expectValidRequests(gcp)
    }

    @Test("A manifest edit: the same update with or without the state")
    func editedExposure() async throws {
        let gcp = try EmulatedGcp(operationPolls: 0)
        #expect(await gcp.applyUntilConverged(manifests: try Self.manifests()).last?.succeeded == true)
        let edited = try Self.manifests { $0.replacingOccurrences(of: "connectionLimit: 10", with: "connectionLimit: 20") }
        let empty = emptyState()
        defer { try? FileManager.default.removeItem(at: empty) }
        let a = await gcp.pass(.dryRun, manifests: edited)
        let b = await gcp.pass(.dryRun, manifests: edited, stateDirectory: empty)
        #expect(Self.changes(a) == ["update \(Self.cluster)/gcp.serviceAttachment/kafka-psc (manifest_changed, consumer_visible)"], "\(Self.changes(a))")
        #expect(Self.changes(b) == Self.changes(a))
    }

    @Test("An adopted resource's marks say so: with the exposure removed under Delete, both plans forget it and delete the rest")
    func adoptedIsOnlyForgotten() async throws {
        let gcp = try EmulatedGcp(operationPolls: 0)
        // Made by hand: the network (`existing: true`), its subnets and the firewall the manifest adopts.
        let p = "projects/my-kafka-project", r = "\(p)/regions/us-west1", network = "\(p)/global/networks/kafka-vpc"
        let client = ComputeClient(
            transport: CurlTransport(), credentials: FixedToken(), baseURL: gcp.emulator.computeBase, scope: "", pollInterval: .zero,
            sleep: { _ in }, requestID: { UUID().uuidString })
        try await client.mutate("POST", "\(p)/global/networks", body: ["name": "kafka-vpc", "autoCreateSubnetworks": false])
        for (name, cidr) in [("bastion-subnet", "10.0.0.0/18"), ("brokers-subnet", "10.64.0.0/18")] {
            try await client.mutate("POST", "\(r)/subnetworks", body: ["name": .string(name), "network": .string(network), "ipCidrRange": .string(cidr)])
        }
        try await client.mutate("POST", "\(p)/global/firewalls", body: [
            "name": "allow-psc-traffic", "network": .string(network), "description": "made by hand", "sourceRanges": ["10.128.0.0/18"],
            "allowed": [["IPProtocol": "all"]], "direction": "INGRESS", "priority": 1000,
        ])
        let handMade = Set(gcp.emulator.resourcePaths)
        let adopting = try Self.manifests {
            Self.deletePolicy($0).replacingOccurrences(of: "    brokersSubnet: brokers-subnet\n", with: "    brokersSubnet: brokers-subnet\n    existing: true\n")
                + "  adopt: [gcp.firewall/allow-psc-traffic]\n"
        }
        #expect(await gcp.applyUntilConverged(manifests: adopting).last?.succeeded == true)
        let firewall = "\(p)/global/firewalls/allow-psc-traffic"
        let description = gcp.emulator.resource(firewall)?["description"]?.stringValue
        #expect(description == "managed-by=kafka-private-link-reconciler cluster=tidb-kafka-gcp exposure=tidb-us-west1 origin=adopted")

        let clusterOnly = try Self.manifests(exposure: false)
        let empty = emptyState()
        defer { try? FileManager.default.removeItem(at: empty) }
        let a = await gcp.pass(.dryRun, manifests: clusterOnly, allowDestroy: [Self.cluster])
        let b = await gcp.pass(.dryRun, manifests: clusterOnly, stateDirectory: empty, allowDestroy: [Self.cluster])
        let created = Set(gcp.emulator.resourcePaths).subtracting(handMade)
        #expect(Self.changes(a).filter { $0.hasPrefix("delete ") }.count == created.count, "\(Self.changes(a))")
        #expect(Self.changes(a).filter { !$0.hasPrefix("delete ") } == ["forget \(Self.cluster)/gcp.firewall/allow-psc-traffic (removed_from_manifests, none)"])
        #expect(Self.changes(b) == Self.changes(a))

        // Applied from the empty state: what the reconciler made is gone, what it adopted stays, let go.
        #expect(await gcp.pass(manifests: clusterOnly, stateDirectory: empty, allowDestroy: [Self.cluster]).succeeded)
        #expect(Set(gcp.emulator.resourcePaths) == handMade)
        #expect(gcp.emulator.resource(firewall)?["description"]?.stringValue?.hasPrefix("released-by=") == true)
        try expectValidRequests(gcp)
    }
}
