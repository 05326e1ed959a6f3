import Foundation
import ReconcileCommands
import ReconcileModel
import Synchronization
import TestSupport

/// Captures what a command prints.
final class CapturedConsole: Sendable {
    private let buffers = Mutex<(out: String, err: String)>(("", ""))
    var out: String { buffers.withLock { $0.out } }
    var err: String { buffers.withLock { $0.err } }

    func console(isTTY: Bool = false, environment: [String: String] = [:]) -> Console {
        Console(
            out: { text in self.buffers.withLock { $0.out += text } },
            err: { text in self.buffers.withLock { $0.err += text } },
            isTTY: isTTY, environment: environment)
    }
}

/// A fake world with every resource type the examples use, all empty.
func emptyWorld() -> InMemoryProvider {
    InMemoryProvider(types: [
        "azure.resourceGroup", "azure.virtualNetwork", "azure.networkSecurityGroup", "azure.networkInterface",
        "azure.virtualMachine", "azure.loadBalancer", "azure.privateLinkService", "azure.nicBackendPoolAssociation",
        "gcp.network", "gcp.subnetwork", "gcp.firewall", "gcp.instance", "gcp.networkEndpointGroup", "gcp.backendService",
        "gcp.healthCheck", "gcp.forwardingRule", "gcp.serviceAttachment", "gcp.instanceTemplate", "gcp.instanceGroupManager",
        "kafka.brokerConfig",
    ])
}

func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-cli-\(UUID().uuidString)")
    return url
}
