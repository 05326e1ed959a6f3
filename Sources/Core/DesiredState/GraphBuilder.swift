import Foundation
import Manifests
import ReconcileModel

/// Accumulates resources from every exposure, then resolves what spans exposures: the steps exposure kinds
/// register for after every exposure is in (`crossExposureSteps`), the broker configs on their hosts,
/// dependencies on resources declared elsewhere, and duplicate declarations. No cloud is named here.
struct GraphBuilder {
    var specs: [ResourceSpec] = []
    /// Steps an exposure kind needs once every exposure has added its resources (Azure: NIC backend-pool
    /// membership, which lands on a NIC declared by any exposure). They run in the order they were added.
    var crossExposureSteps: [(inout GraphBuilder) -> Void] = []
    /// The resource that hosts each broker (`cluster/broker name`): its `kafka.brokerConfig` depends on it.
    var brokerHosts: [String: ResourceAddress] = [:]
    var brokerConfigs: [(KafkaClusterManifest, KafkaClusterManifest.Broker, BrokerProperties)] = []
    /// Cloud ids each spec refers to, resolved into `dependsOn` when the referenced resource is also desired.
    var references: [ResourceAddress: [String]] = [:]
    var diagnostics: [Diagnostic] = []

    mutating func add(_ spec: ResourceSpec, references refs: [String] = []) {
        specs.append(spec)
        references[spec.address, default: []] += refs
    }

    /// Adds the resource that hosts `broker` of `cluster` (a VM, an instance).
    mutating func addBrokerHost(_ spec: ResourceSpec, cluster: String, broker: String, references refs: [String] = []) {
        add(spec, references: refs)
        brokerHosts["\(cluster)/\(broker)"] = spec.address
    }

    mutating func finish() -> DesiredState {
        let steps = crossExposureSteps
        crossExposureSteps = []
        for step in steps { step(&self) }
        addBrokerConfigSpecs()
        var byID: [String: ResourceSpec] = [:]
        var byAddress: [ResourceAddress: ResourceSpec] = [:]
        for spec in specs {
            if let first = byAddress[spec.address] {
                duplicate(spec, first, "address \(spec.address)")
                continue
            }
            if let id = spec.cloudID?.lowercased(), let first = byID[id] {
                duplicate(spec, first, spec.cloudID!)
                continue
            }
            byAddress[spec.address] = spec
            if let id = spec.cloudID?.lowercased() { byID[id] = spec }
        }
        var resolved: [ResourceSpec] = []
        for var spec in byAddress.values {
            for ref in references[spec.address] ?? [] {
                if let target = byID[ref.lowercased()], target.address != spec.address, !spec.dependsOn.contains(target.address) {
                    spec.dependsOn.append(target.address)
                }
            }
            spec.dependsOn.sort()
            resolved.append(spec)
        }
        return DesiredState(
            resources: resolved.sorted { $0.address < $1.address },
            brokerConfigs: [:], diagnostics: diagnostics)
    }

    private mutating func duplicate(_ spec: ResourceSpec, _ first: ResourceSpec, _ what: String) {
        let firstAt = first.source.map { " (first declared at \($0))" } ?? ""
        diagnostics.append(Diagnostic(
            at: spec.source, path: "spec",
            "\(what) is declared twice\(firstAt); an exposure that reuses another's resources must mark them existing"))
    }

    private mutating func addBrokerConfigSpecs() {
        for (cluster, broker, props) in brokerConfigs {
            let host = brokerHosts["\(cluster.name.value)/\(broker.name.value)"]
            specs.append(ResourceSpec(
                address: ResourceAddress(cluster: cluster.name.value, type: ResourceTypes.Kafka.brokerConfig, name: String(broker.nodeID.value)),
                cloudID: "\(broker.sshHost ?? broker.address.value):\(cluster.configPath)",
                properties: props.value, dependsOn: host.map { [$0] } ?? [],
                disruption: .brokerRestart, adopt: true, source: broker.location))
        }
    }
}
