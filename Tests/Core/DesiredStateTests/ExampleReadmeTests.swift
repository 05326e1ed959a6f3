import DesiredState
import Foundation
import Manifests
import ReconcileModel
import Testing
import TestSupport

/// The bullet of a Markdown list (with its indented continuation lines) that contains `needle`, as one line.
private func bullet(containing needle: String, in markdown: String) -> String? {
    var items: [String] = []
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("- ") {
            items.append(String(line))
        } else if line.hasPrefix("  "), !items.isEmpty {
            items[items.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
        } else {
            items.append("")
        }
    }
    return items.first { $0.contains(needle) }
}

@Suite("Example READMEs say what the engine does")
struct ExampleReadmeTests {
    @Test("The Azure example's README gives the load balancer frontend the allocation and address the plan uses")
    func azureFrontend() throws {
        let (manifests, state) = try compileExample("azure-private-link")
        let exposure = try #require(manifests.azureExposures.first)
        let lb = try #require(state.resource(ResourceAddress(
            cluster: exposure.common.cluster.value, type: "azure.loadBalancer", name: exposure.loadBalancer.name)))
        let frontend = try #require(lb.properties["properties"]?["frontendIPConfigurations"]?.arrayValue?.first?["properties"])
        let method = try #require(frontend["privateIPAllocationMethod"]?.stringValue).lowercased()
        let other = method == "static" ? "dynamic" : "static"

        let readme = try String(
            contentsOf: URL(fileURLWithPath: Repo.example("azure-private-link")).appendingPathComponent("README.md"), encoding: .utf8)
        let text = try #require(bullet(containing: "frontend `\(exposure.loadBalancer.frontendName)`", in: readme))
        #expect(text.contains(method), "README says: \(text)")
        #expect(!text.contains(other), "README says: \(text)")
        if let address = frontend["privateIPAddress"]?.stringValue {
            #expect(text.contains(address), "README says: \(text)")
        }
    }
}
