/// `Microsoft.Network/networkSecurityGroups` with inline `securityRules`.
///
/// Each rule needs `priority` (100-4096, unique per direction: `SecurityRuleConflict`), `direction`
/// (`Inbound`/`Outbound`), `access` (`Allow`/`Deny`) and `protocol` (`Tcp`, `Udp`, `Icmp`, `Esp`, `*`, `Ah`).
/// Read-only: `defaultSecurityRules`, `networkInterfaces`, `subnets`. Deleting an NSG that a NIC or subnet
/// uses fails with `InUseNetworkSecurityGroupCannotBeDeleted`.
struct NetworkSecurityGroupKind: ResourceKind {
    let namespace = "Microsoft.Network"
    let type = "networkSecurityGroups"
    let childCollections = ["securityRules"]

    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError) {
        var priorities: [String: String] = [:]
        for rule in body[path: ["properties", "securityRules"]]?.arrayValue ?? [] {
            let name = rule["name"]?.stringValue ?? ""
            let field = "securityRules[\(name)].properties"
            let priority = try Validation.integer(rule, ["properties", "priority"], in: 100...4096, required: true, where: "\(field).priority")!
            let direction = try Validation.enumeration(
                rule, ["properties", "direction"], ["Inbound", "Outbound"], required: true, where: "\(field).direction")!
            try Validation.enumeration(rule, ["properties", "access"], ["Allow", "Deny"], required: true, where: "\(field).access")
            try Validation.enumeration(
                rule, ["properties", "protocol"], ["Tcp", "Udp", "Icmp", "Esp", "*", "Ah"], required: true, where: "\(field).protocol")
            if let other = priorities["\(direction)/\(priority)"] {
                throw ArmError.badRequest(
                    "SecurityRuleConflict",
                    "Security rule \(name) conflicts with rule \(other). Rules cannot have the same Priority and Direction.",
                    target: context.id.child("securityRules", name).canonical)
            }
            priorities["\(direction)/\(priority)"] = name
        }
        body.set(["properties", "resourceGuid"], context.previous?.body[path: ["properties", "resourceGuid"]] ?? .string(newGUID()))
    }

    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World) {
        let id = resource.id.canonical
        let nics = world.all("Microsoft.Network", "networkInterfaces").filter {
            $0.body[path: ["properties", "networkSecurityGroup", "id"]]?.stringValue?.sameID(id) == true
        }
        if !nics.isEmpty { body.set(["properties", "networkInterfaces"], .array(nics.map { .reference($0.id.canonical) })) }
        let subnets = Self.subnets(using: id, world)
        if !subnets.isEmpty { body.set(["properties", "subnets"], .array(subnets.map(JSON.reference))) }
        body.set(["properties", "defaultSecurityRules"], .array(Self.defaults(resource.id)))
        if body[path: ["properties", "securityRules"]] == nil { body.set(["properties", "securityRules"], []) }
    }

    func deleteBlocker(_ resource: StoredResource, _ world: World) -> ArmError? {
        let id = resource.id.canonical
        let nic = world.all("Microsoft.Network", "networkInterfaces").first {
            $0.body[path: ["properties", "networkSecurityGroup", "id"]]?.stringValue?.sameID(id) == true
        }?.id.canonical
        guard let user = nic ?? Self.subnets(using: id, world).first else { return nil }
        return .badRequest(
            "InUseNetworkSecurityGroupCannotBeDeleted",
            "Network security group \(id) cannot be deleted because it is in use by the following resources: \(user). "
                + "In order to delete the Network security group, remove the association with the resource(s).")
    }

    static func subnets(using nsgID: String, _ world: World) -> [String] {
        world.all("Microsoft.Network", "virtualNetworks").flatMap { vnet in
            (vnet.body[path: ["properties", "subnets"]]?.arrayValue ?? []).filter {
                $0[path: ["properties", "networkSecurityGroup", "id"]]?.stringValue?.sameID(nsgID) == true
            }.compactMap { $0["id"]?.stringValue }
        }
    }

    /// Azure's six default rules.
    static func defaults(_ id: ResourceID) -> [JSON] {
        let rules: [(String, String, String, String, Int, String)] = [
            ("AllowVnetInBound", "Inbound", "Allow", "VirtualNetwork", 65000, "VirtualNetwork"),
            ("AllowAzureLoadBalancerInBound", "Inbound", "Allow", "AzureLoadBalancer", 65001, "*"),
            ("DenyAllInBound", "Inbound", "Deny", "*", 65500, "*"),
            ("AllowVnetOutBound", "Outbound", "Allow", "VirtualNetwork", 65000, "VirtualNetwork"),
            ("AllowInternetOutBound", "Outbound", "Allow", "*", 65001, "Internet"),
            ("DenyAllOutBound", "Outbound", "Deny", "*", 65500, "*"),
        ]
        return rules.map { name, direction, access, source, priority, destination in
            [
                "name": .string(name), "id": .string(id.child("defaultSecurityRules", name).canonical),
                "type": "Microsoft.Network/networkSecurityGroups/defaultSecurityRules",
                "properties": [
                    "protocol": "*", "sourcePortRange": "*", "destinationPortRange": "*",
                    "sourceAddressPrefix": .string(source), "destinationAddressPrefix": .string(destination),
                    "access": .string(access), "priority": .number(Double(priority)), "direction": .string(direction),
                    "provisioningState": "Succeeded",
                ],
            ]
        }
    }
}
