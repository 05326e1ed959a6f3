/// `Microsoft.Network/virtualNetworks` with inline (and separately writable) `subnets`.
///
/// Rules: `addressSpace.addressPrefixes` required and valid; each subnet needs `addressPrefix(es)` inside the
/// address space (`NetcfgSubnetRangeOutsideVnet`) and not overlapping another (`NetcfgSubnetRangesOverlap`);
/// policy flags are `Enabled`/`Disabled`; a referenced NSG must exist. A PUT that drops a subnet still in use,
/// or a DELETE of a VNet/subnet in use, fails with `InUseSubnetCannotBeDeleted`.
/// Read-only: each subnet's `ipConfigurations` (who holds addresses in it) and `privateEndpoints`.
struct VirtualNetworkKind: ResourceKind {
    let namespace = "Microsoft.Network"
    let type = "virtualNetworks"
    let childCollections = ["subnets"]
    let writableChildren = ["subnets"]

    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError) {
        guard let prefixesJSON = body[path: ["properties", "addressSpace", "addressPrefixes"]]?.arrayValue, !prefixesJSON.isEmpty else {
            throw Validation.missing("properties.addressSpace.addressPrefixes")
        }
        var space: [IPv4Prefix] = []
        for value in prefixesJSON {
            guard let text = value.stringValue, let prefix = IPv4Prefix(text) else {
                throw ArmError.badRequest(
                    "InvalidAddressPrefixFormat", "Address prefix \(value.serialized()) of \(context.id.canonical) is not a valid CIDR.",
                    target: "properties.addressSpace.addressPrefixes")
            }
            space.append(prefix)
        }
        var seen: [(String, IPv4Prefix)] = []
        for subnet in body[path: ["properties", "subnets"]]?.arrayValue ?? [] {
            let name = subnet["name"]?.stringValue ?? ""
            let subnetID = context.id.child("subnets", name).canonical
            let prefixes = AddressAllocator.prefixes(of: subnet)
            guard !prefixes.isEmpty else {
                if subnet[path: ["properties", "addressPrefix"]] == nil && subnet[path: ["properties", "addressPrefixes"]] == nil {
                    throw Validation.missing("properties.subnets[\(name)].properties.addressPrefix")
                }
                throw ArmError.badRequest(
                    "InvalidAddressPrefixFormat", "Subnet \(subnetID) has an invalid address prefix.", target: subnetID)
            }
            for prefix in prefixes {
                guard space.contains(where: { $0.contains(prefix) }) else {
                    throw ArmError.badRequest(
                        "NetcfgSubnetRangeOutsideVnet",
                        "Subnet '\(name)' is not valid because its IP address range \(prefix) is outside the IP address range "
                            + "of virtual network '\(context.id.name!)'.", target: subnetID)
                }
                if let other = seen.first(where: { $0.1.overlaps(prefix) }) {
                    throw ArmError.badRequest(
                        "NetcfgSubnetRangesOverlap",
                        "Subnet '\(name)' is not valid because its IP address range \(prefix) overlaps with that of subnet "
                            + "'\(other.0)' (\(other.1)).", target: subnetID)
                }
                seen.append((name, prefix))
            }
            try Validation.enumeration(
                subnet, ["properties", "privateLinkServiceNetworkPolicies"], ["Enabled", "Disabled"],
                where: "subnets[\(name)].properties.privateLinkServiceNetworkPolicies")
            try Validation.enumeration(
                subnet, ["properties", "privateEndpointNetworkPolicies"],
                ["Enabled", "Disabled", "NetworkSecurityGroupEnabled", "RouteTableEnabled"],
                where: "subnets[\(name)].properties.privateEndpointNetworkPolicies")
            if let nsg = subnet[path: ["properties", "networkSecurityGroup"]], !nsg.isNull {
                _ = try context.require(nsg, field: "subnets[\(name)].properties.networkSecurityGroup")
            }
            if let previous = context.previous, let users = Self.users(of: subnetID, context.world).first,
                let old = previous.body[path: ["properties", "subnets"]]?.arrayValue?.first(where: { $0["name"]?.stringValue == name }),
                AddressAllocator.prefixes(of: old) != prefixes
            {
                throw ArmError.badRequest(
                    "InUseSubnetCannotBeUpdated",
                    "Subnet \(name) is in use by \(users) and its address prefix cannot be changed.", target: subnetID)
            }
        }
        // A full PUT that leaves out a subnet asks to delete it.
        if let previous = context.previous {
            let kept = Set((body[path: ["properties", "subnets"]]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue?.lowercased() })
            for old in previous.body[path: ["properties", "subnets"]]?.arrayValue ?? [] {
                guard let name = old["name"]?.stringValue, !kept.contains(name.lowercased()) else { continue }
                if let blocker = inUse(previous.id.child("subnets", name).canonical, name: name, context.world) { throw blocker }
            }
        }
        if body[path: ["properties", "resourceGuid"]] == nil || context.previous != nil {
            body.set(["properties", "resourceGuid"], context.previous?.body[path: ["properties", "resourceGuid"]] ?? .string(newGUID()))
        }
    }

    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World) {
        guard var subnets = body[path: ["properties", "subnets"]]?.arrayValue else { return }
        for index in subnets.indices {
            guard let subnetID = subnets[index]["id"]?.stringValue else { continue }
            let users = Self.users(of: subnetID, world)
            if !users.isEmpty { subnets[index].set(["properties", "ipConfigurations"], .array(users.map(JSON.reference))) }
            let endpoints = world.all("Microsoft.Network", "privateEndpoints").filter {
                $0.body[path: ["properties", "subnet", "id"]]?.stringValue?.sameID(subnetID) == true
            }
            if !endpoints.isEmpty {
                subnets[index].set(["properties", "privateEndpoints"], .array(endpoints.map { .reference($0.id.canonical) }))
            }
        }
        body.set(["properties", "subnets"], .array(subnets))
    }

    func deleteBlocker(_ resource: StoredResource, _ world: World) -> ArmError? {
        for subnet in resource.body[path: ["properties", "subnets"]]?.arrayValue ?? [] {
            if let id = subnet["id"]?.stringValue, let blocker = inUse(id, name: subnet["name"]?.stringValue ?? "", world) {
                return blocker
            }
        }
        return nil
    }

    func deleteChildBlocker(_ childType: String, _ name: String, _ resource: StoredResource, _ world: World) -> ArmError? {
        inUse(resource.id.child("subnets", name).canonical, name: name, world)
    }

    /// The IDs of IP configurations (NICs, LB frontends, PLS NAT IPs) and private endpoints in a subnet.
    static func users(of subnetID: String, _ world: World) -> [String] {
        let holders = AddressAllocator.used(in: subnetID, world: world, excluding: nil).values.sorted()
        let endpoints = world.all("Microsoft.Network", "privateEndpoints").filter {
            $0.body[path: ["properties", "subnet", "id"]]?.stringValue?.sameID(subnetID) == true
        }.map(\.id.canonical)
        return holders + endpoints
    }

    private func inUse(_ subnetID: String, name: String, _ world: World) -> ArmError? {
        let users = Self.users(of: subnetID, world)
        guard let first = users.first else { return nil }
        return .badRequest(
            "InUseSubnetCannotBeDeleted",
            "Subnet \(name) is in use by \(first) and cannot be deleted. In order to delete the subnet, delete all the "
                + "resources within the subnet. See aka.ms/deletesubnet.", target: subnetID)
    }
}
