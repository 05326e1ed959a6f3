import Foundation
import Manifests
import ReconcileModel
import Testing
import TestSupport

@Suite("Example manifests")
struct ExampleManifestTests {
    @Test("Every example loads without a single diagnostic", arguments: Repo.examples)
    func examplesAreValid(example: String) {
        let result = ManifestLoader.load(directory: Repo.example(example))
        #expect(result.diagnostics.map(\.description) == [])
        #expect(!result.manifests.clusters.isEmpty)
    }

    @Test("The top-level manifests directory skips examples/ through .reconcileignore and is valid on its own")
    func topLevelIgnoresExamples() {
        let result = ManifestLoader.load(directory: Repo.root.appendingPathComponent("manifests").path)
        #expect(result.diagnostics.map(\.description) == [])
        #expect(!result.manifests.files.contains { $0.contains("/examples/") })
    }

    @Test("Defaults are the runbook's: INTERNAL 9092, CONTROLLER 29092, roles broker+controller, strict host keys")
    func defaults() throws {
        let result = load([("c.yaml", validCluster)])
        let c = try #require(result.manifests.clusters.first)
        #expect(c.internalListener.name == "INTERNAL" && c.internalListener.port.value == 9092)
        #expect(c.controllerListener.name == "CONTROLLER" && c.controllerListener.port.value == 29092)
        #expect(c.processRoles == ["broker", "controller"])
        #expect(c.ssh.hostKeyPolicy == .strict && c.ssh.port == 22)
        #expect(c.configPath == "config/server.properties")
        #expect(c.health.underReplicated == .strict)
    }
}
