import Foundation
import Manifests
import ReconcileModel

/// Accumulates resources from every exposure, then resolves what spans exposures: NIC backend-pool membership
/// (merged into NICs the reconciler creates, association resources for NICs it does not own), dependencies on
/// resources declared elsewhere, and duplicate declarations.
struct GraphBuilder {
    struct PoolMembership {
        var cluster: String
        var nicID: String
        var nicName: String
        var ipConfiguration: String
        var poolID: String
        var loadBalancer: ResourceAddress
        var source: SourceLocation
        var declaration: Declaration?
    }

    var specs: [ResourceSpec] = []
    var memberships: [PoolMembership] = []
    var brokerConfigs: [(KafkaClusterManifest, KafkaClusterManifest.Broker, BrokerProperties)] = []
    /// Cloud ids each spec refers to, resolved into `dependsOn` when the referenced resource is also desired.
    var references: [ResourceAddress: [String]] = [:]
    var diagnostics: [Diagnostic] = []

    mutating func add(_ spec: ResourceSpec, references refs: [String] = []) {
        specs.append(spec)
        references[spec.address, default: []] += refs
    }

    mutating func finish() -> DesiredState {
        mergePoolMemberships()
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

    /// NIC-based pool membership is written on the NIC (a Private Link Service cannot front an IP-based pool).
    private mutating func mergePoolMemberships() {
        for m in memberships {
            let pool: Value = ["id": .string(m.poolID)]
            if let index = specs.firstIndex(where: { $0.cloudID?.lowercased() == m.nicID.lowercased() }) {
                specs[index].properties = NICBody.addingPool(pool, ipConfiguration: m.ipConfiguration, to: specs[index].properties)
                references[specs[index].address, default: []].append(m.poolID.lowercased().poolParentID)
                continue
            }
            let address = ResourceAddress(
                cluster: m.cluster, type: AzureTypes.poolAssociation, name: "\(m.nicName)+\(m.loadBalancer.name).\(m.poolID.lastPathComponent)")
            add(
                ResourceSpec(
                    address: address, cloudID: "\(m.nicID)/ipConfigurations/\(m.ipConfiguration)|\(m.poolID)",
                    properties: ["networkInterface": .string(m.nicID), "ipConfiguration": .string(m.ipConfiguration), "backendAddressPool": pool],
                    dependsOn: [m.loadBalancer], disruption: .consumerVisible, source: m.source, declaration: m.declaration))
        }
    }

    private mutating func addBrokerConfigSpecs() {
        for (cluster, broker, props) in brokerConfigs {
            let vmTypes: Set<String> = [AzureTypes.virtualMachine, GcpTypes.instance]
            let vm = specs.first { vmTypes.contains($0.address.type) && $0.address.cluster == cluster.name.value && $0.address.name == broker.name.value }
            specs.append(ResourceSpec(
                address: ResourceAddress(cluster: cluster.name.value, type: ResourceTypes.Kafka.brokerConfig, name: String(broker.nodeID.value)),
                cloudID: "\(broker.sshHost ?? broker.address.value):\(cluster.configPath)",
                properties: props.value, dependsOn: vm.map { [$0.address] } ?? [],
                disruption: .brokerRestart, adopt: true, source: broker.location))
        }
    }
}

extension String {
    /// `/a/b/backendAddressPools/pool1` -> `/a/b`.
    var poolParentID: String {
        guard let r = range(of: "/backendaddresspools/", options: .caseInsensitive) else { return self }
        return String(self[..<r.lowerBound])
    }

    var lastPathComponent: String { String(split(separator: "/").last ?? "") }
}
