import ReconcileModel

/// ARM resource ids of one exposure's resource group.
struct AzureIDs {
    let subscription: String
    let group: String

    var resourceGroup: String { "/subscriptions/\(subscription)/resourceGroups/\(group)" }
    func network(_ type: String, _ name: String) -> String { "\(resourceGroup)/providers/Microsoft.Network/\(type)/\(name)" }
    func virtualNetwork(_ name: String) -> String { network("virtualNetworks", name) }
    func subnet(_ vnet: String, _ name: String) -> String { "\(virtualNetwork(vnet))/subnets/\(name)" }
    func nsg(_ name: String) -> String { network("networkSecurityGroups", name) }
    func nic(_ name: String) -> String { network("networkInterfaces", name) }
    func loadBalancer(_ name: String) -> String { network("loadBalancers", name) }
    func lbChild(_ lb: String, _ kind: String, _ name: String) -> String { "\(loadBalancer(lb))/\(kind)/\(name)" }
    func privateLinkService(_ name: String) -> String { network("privateLinkServices", name) }
    func virtualMachine(_ name: String) -> String { "\(resourceGroup)/providers/Microsoft.Compute/virtualMachines/\(name)" }
}

/// Edits of a NIC body shared by the graph builder.
enum NICBody {
    /// Adds a backend pool reference to the named IP configuration (no duplicates, sorted by id).
    static func addingPool(_ pool: Value, ipConfiguration: String, to nic: Value) -> Value {
        guard case .object(var root) = nic, case .object(var props)? = root["properties"],
            case .array(var configs)? = props["ipConfigurations"]
        else { return nic }
        for i in configs.indices where configs[i]["name"]?.stringValue == ipConfiguration {
            guard case .object(var config) = configs[i], case .object(var cprops)? = config["properties"] else { continue }
            var pools = cprops["loadBalancerBackendAddressPools"]?.arrayValue ?? []
            if !pools.contains(pool) { pools.append(pool) }
            pools.sort { ($0["id"]?.stringValue ?? "") < ($1["id"]?.stringValue ?? "") }
            cprops["loadBalancerBackendAddressPools"] = .array(pools)
            config["properties"] = .object(cprops)
            configs[i] = .object(config)
        }
        props["ipConfigurations"] = .array(configs)
        root["properties"] = .object(props)
        return .object(root)
    }
}
