import Foundation
public import ReconcileModel

/// Which pool, on which NIC ipConfiguration: the identity of an `azure.nicBackendPoolAssociation`.
///
/// Its cloud id is `<nicID>/ipConfigurations/<name>|<poolID>`; its properties are
/// `{networkInterface, ipConfiguration, backendAddressPool: {id}}` (see `DesiredState.GraphBuilder`).
public struct PoolAssociationTarget: Sendable, Hashable {
    public var nicID: String
    public var ipConfiguration: String
    public var poolID: String

    public init(nicID: String, ipConfiguration: String, poolID: String) {
        self.nicID = nicID
        self.ipConfiguration = ipConfiguration
        self.poolID = poolID
    }

    public init?(cloudID: String) {
        let halves = cloudID.split(separator: "|", maxSplits: 1).map(String.init)
        guard halves.count == 2, let marker = halves[0].range(of: "/ipConfigurations/", options: .caseInsensitive, range: nil) else {
            return nil
        }
        let name = String(halves[0][marker.upperBound...])
        guard !name.isEmpty, !name.contains("/"), !halves[1].isEmpty else { return nil }
        self.init(nicID: String(halves[0][..<marker.lowerBound]), ipConfiguration: name, poolID: halves[1])
    }

    public init?(properties: Value?) {
        guard let nic = properties?["networkInterface"]?.stringValue, let config = properties?["ipConfiguration"]?.stringValue,
            let pool = properties?["backendAddressPool"]?["id"]?.stringValue
        else { return nil }
        self.init(nicID: nic, ipConfiguration: config, poolID: pool)
    }

    public var cloudID: String { "\(nicID)/ipConfigurations/\(ipConfiguration)|\(poolID)" }

    public var properties: Value {
        ["networkInterface": .string(nicID), "ipConfiguration": .string(ipConfiguration), "backendAddressPool": ["id": .string(poolID)]]
    }
}

/// Reading and editing pool membership on a NIC body. Only the named ipConfiguration's
/// `loadBalancerBackendAddressPools` is ever touched; pool ids compare case-insensitively.
enum PoolAssociation {
    /// Whether the NIC's ipConfiguration lists the pool.
    static func isMember(_ target: PoolAssociationTarget, nic: Value) -> Bool {
        guard let config = ipConfiguration(target.ipConfiguration, of: nic) else { return false }
        let pools = config["properties"]?["loadBalancerBackendAddressPools"]?.arrayValue ?? []
        return pools.contains { $0.armID == target.poolID.lowercased() }
    }

    /// The association as observed: present (ours) when the NIC lists the pool, nil (absent) otherwise.
    static func observed(_ address: ResourceAddress, cloudID: String, nic: Value, shape: Value?) -> ObservedResource? {
        guard let target = PoolAssociationTarget(properties: shape) ?? PoolAssociationTarget(cloudID: cloudID),
            isMember(target, nic: nic)
        else { return nil }
        return ObservedResource(address: address, cloudID: target.cloudID, properties: target.properties, ownership: .reconciler)
    }

    /// The NIC with the pool added to the ipConfiguration; nil when it has no ipConfiguration of that name.
    static func adding(_ target: PoolAssociationTarget, to nic: Value) -> Value? {
        guard ipConfiguration(target.ipConfiguration, of: nic) != nil else { return nil }
        return editingPools(target, nic) { pools in
            pools.contains { $0.armID == target.poolID.lowercased() } ? pools : pools + [["id": .string(target.poolID)]]
        }
    }

    /// The NIC with every reference to the pool removed from the ipConfiguration.
    static func removing(_ target: PoolAssociationTarget, from nic: Value) -> Value {
        editingPools(target, nic) { pools in pools.filter { $0.armID != target.poolID.lowercased() } }
    }

    private static func ipConfiguration(_ name: String, of nic: Value) -> Value? {
        nic["properties"]?["ipConfigurations"]?.arrayValue?.first { $0.armName == name.lowercased() }
    }

    private static func editingPools(_ target: PoolAssociationTarget, _ nic: Value, _ edit: ([Value]) -> [Value]) -> Value {
        nic.replacing("properties.ipConfigurations") { configs in
            guard case .array(var list) = configs else { return configs }
            for index in list.indices where list[index].armName == target.ipConfiguration.lowercased() {
                guard case .object(var config) = list[index] else { continue }
                var properties = config["properties"]?.objectValue ?? [:]
                let pools = properties["loadBalancerBackendAddressPools"]?.arrayValue ?? []
                properties["loadBalancerBackendAddressPools"] = .array(edit(pools))
                config["properties"] = .object(properties)
                list[index] = .object(config)
            }
            return .array(list)
        }
    }
}
