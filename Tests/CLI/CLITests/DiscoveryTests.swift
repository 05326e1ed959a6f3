import ArmEmulator
import FileStateStore
import Foundation
import Testing
import TestSupport

/// Owned resources found in the ARM emulator by their tags, through the real pass (ARM provider over libcurl):
/// a pass with an empty state directory plans what the one with the state plans, and a resource released under
/// `deletionPolicy: Orphan` is never found again.
@Suite("Discovery of owned resources by their tags (in-process ARM emulator)")
struct DiscoveryTests {
    static let discover = ["AZURE_SUBSCRIPTION_ID": EmulatedAzure.subscription]

    /// The plan's lines about Azure resources (`+`, `~`, `-`, forget).
    static func azureLines(_ out: String) -> [String] {
        out.split(separator: "\n").map(String.init).filter { $0.contains("tidb-kafka/azure.") }.sorted()
    }

    @Test("The exposure leaves the manifests under Orphan: with or without the state, every resource is forgotten; once released, none is found again")
    func orphanAndReleased() async throws {
        let azure = try EmulatedAzure()
        let applied = await azure.applyUntilConverged()
        #expect(applied.last?.status == 0, "\(applied)")

        let clusterOnly = temporaryDirectory()
        try FileManager.default.createDirectory(at: clusterOnly, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: clusterOnly) }
        try FileManager.default.copyItem(
            atPath: Repo.example("azure-private-link") + "/cluster.yaml", toPath: clusterOnly.appendingPathComponent("cluster.yaml").path)

        let withState = await azure.pass(clusterOnly.path, dryRun: true, targets: ["tidb-kafka"], extraEnvironment: Self.discover)
        let emptyState = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: emptyState) }
        let withoutState = await azure.pass(
            clusterOnly.path, dryRun: true, targets: ["tidb-kafka"], store: FileStateStore(directory: emptyState),
            extraEnvironment: Self.discover)
        let expected = Self.azureLines(withState.out)
        // Each resource: its forget (`~>`) and the line saying what that means.
        #expect(expected.count == 2 * EmulatedAzure.seedIDs.count, "\(withState)")
        #expect(expected.allSatisfy { $0.hasPrefix("  ~> ") || $0.hasSuffix("will be forgotten (kept running, no longer managed; its ownership marks are released)") }, "\(expected)")
        #expect(Self.azureLines(withoutState.out) == expected, "\(withoutState)")
        #expect(!FileManager.default.fileExists(atPath: emptyState.appendingPathComponent("tidb-kafka").path), "a dry-run writes no state")

        // Without AZURE_SUBSCRIPTION_ID nothing names the subscription any more: nothing is found (said in the README).
        let unnamed = await azure.pass(clusterOnly.path, dryRun: true, targets: ["tidb-kafka"], store: FileStateStore(directory: emptyState))
        #expect(Self.azureLines(unnamed.out).isEmpty, "\(unnamed)")

        // The apply forgets them (their tags say released-by); a pass without the state then finds none of them.
        let forget = await azure.pass(clusterOnly.path, extraEnvironment: Self.discover)
        #expect(forget.status == 0, "\(forget)")
        let lb = try azure.resource(EmulatedAzure.lbID)
        #expect(lb["tags"]?["released-by"]?.stringValue == "kafka-private-link-reconciler", "\(lb)")
        let after = await azure.pass(
            clusterOnly.path, dryRun: true, targets: ["tidb-kafka"], store: FileStateStore(directory: emptyState), extraEnvironment: Self.discover)
        #expect(Self.azureLines(after.out).isEmpty, "\(after)")
        #expect(azure.storedIDs == EmulatedAzure.seedIDs.map { $0.lowercased() }.sorted(), "nothing was deleted")
    }
}
