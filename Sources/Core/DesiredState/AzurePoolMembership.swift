import Foundation
import Manifests
import ReconcileModel

/// Azure's backend-pool membership of broker NICs, resolved after every exposure is in (a NIC may be declared by
/// another exposure).
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

extension GraphBuilder {
    /// NIC-based pool membership is written on the NIC (a Private Link Service cannot front an IP-based pool):
    /// merged into a NIC the reconciler creates (whichever exposure declares it), or an association resource for a
    /// NIC it does not own.
    mutating func mergePoolMembership(_ m: PoolMembership) {
        let pool: Value = ["id": .string(m.poolID)]
        if let index = specs.firstIndex(where: { $0.cloudID?.lowercased() == m.nicID.lowercased() }) {
            specs[index].properties = NICBody.addingPool(pool, ipConfiguration: m.ipConfiguration, to: specs[index].properties)
            references[specs[index].address, default: []].append(m.poolID.lowercased().poolParentID)
            return
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

extension String {
    /// `/a/b/backendAddressPools/pool1` -> `/a/b`.
    var poolParentID: String {
        guard let r = range(of: "/backendaddresspools/", options: .caseInsensitive) else { return self }
        return String(self[..<r.lowerBound])
    }

    var lastPathComponent: String { String(split(separator: "/").last ?? "") }
}
