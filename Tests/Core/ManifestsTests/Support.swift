import Foundation
import Manifests
import ReconcileModel
import Testing
import TestSupport

/// Loads in-memory files (path -> YAML text).
func load(_ files: [(String, String)]) -> ManifestLoad {
    ManifestLoader.load(files: files.map { ($0.0, Array($0.1.utf8)) })
}

/// A valid cluster document to combine with exposures under test.
let validCluster = """
    apiVersion: reconcile.kafka/v1alpha1
    kind: KafkaCluster
    metadata:
      name: c1
    spec:
      kafkaVersion: "3.7.1"
      clusterId: BRl69zcmTFmiPaoaANybiw
      logDirs: /data
      brokers:
        - {nodeId: 1, name: b-1, address: 10.0.0.4, zone: "1"}
        - {nodeId: 2, name: b-2, address: 10.0.0.5, zone: "2"}
        - {nodeId: 3, name: b-3, address: 10.0.0.6, zone: "3"}
      ssh: {user: kafka}

    """

/// An Azure exposure of `c1`; `patch` replaces lines by their first key.
func azureExposure(name: String = "e1", extra: String = "", port: Int = 39092, start: Int = 9093, lb: String = "kafka-lb", listener: String = "EXTERNAL") -> String {
    """
    apiVersion: reconcile.kafka/v1alpha1
    kind: AzurePrivateLinkExposure
    metadata:
      name: \(name)
    spec:
      cluster: c1
      listener: {name: \(listener), port: \(port)}
      advertisedListenerPattern: "<broker_id>.abc.eastus.azure.3199745.tidbcloud.com:<port>"
      externalPorts: {start: \(start)}
      subscriptionId: 11111111-2222-3333-4444-555555555555
      resourceGroup: rg
      location: eastus
      network:
        virtualNetwork: {name: vnet, addressSpace: [10.0.0.0/16]}
        subnet: {name: brokers, addressPrefix: 10.0.0.0/24}
      vms:
        mode: create
        sshPublicKey: "ssh-ed25519 AAAA test"
      loadBalancer: {name: \(lb)}
      privateLinkService:
        natSubnet: brokers
        visibility: ["*"]\(extra)

    """
}

extension ManifestLoad {
    /// `file:line:col: path: message` of every error, for compact expectations.
    var errorLines: [String] {
        diagnostics.filter { $0.severity == .error }.map { d in
            "\(d.location.map { "\($0.line):\($0.column)" } ?? "-") \(d.path): \(d.message)"
        }
    }
}
