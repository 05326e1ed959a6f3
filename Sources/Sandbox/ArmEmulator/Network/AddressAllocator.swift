/// Private IP allocation in subnets: ARM's rules for NIC IP configurations, LB frontends and PLS NAT IPs.
///
/// - `Static`: the given address; 400 `PrivateIPAddressNotInSubnet` outside the subnet,
///   `PrivateIPAddressIsReserved` for the first four and the last address, `PrivateIPAddressInUse` when taken.
/// - `Dynamic`: the address this configuration already had in the same subnet, else the lowest free one from `.4`.
enum AddressAllocator {
    /// Configuration arrays that hold addresses in subnets, in every resource body.
    static let holderPaths: [[String]] = [["properties", "ipConfigurations"], ["properties", "frontendIPConfigurations"]]

    /// Addresses in use in `subnetID`, except those held by `excluding` (the resource being rewritten).
    static func used(in subnetID: String, world: World, excluding: ResourceID?) -> [IPv4Address: String] {
        var used: [IPv4Address: String] = [:]
        for resource in world.resources.values where excluding.map({ $0.parent.key != resource.id.key }) ?? true {
            for path in holderPaths {
                for config in resource.body[path: path]?.arrayValue ?? [] {
                    guard let subnet = config[path: ["properties", "subnet", "id"]]?.stringValue, subnet.sameID(subnetID),
                        let address = config[path: ["properties", "privateIPAddress"]]?.stringValue.flatMap(IPv4Address.init)
                    else { continue }
                    used[address] = config["id"]?.stringValue ?? resource.id.canonical
                }
            }
            if let allocation = resource.attached["allocation"], allocation["subnet"]?.stringValue?.sameID(subnetID) == true,
                let address = allocation["address"]?.stringValue.flatMap(IPv4Address.init)
            {
                used[address] = resource.id.canonical
            }
        }
        return used
    }

    /// The subnet's prefixes (`addressPrefix` and `addressPrefixes`).
    static func prefixes(of subnet: JSON) -> [IPv4Prefix] {
        var texts = subnet[path: ["properties", "addressPrefixes"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let single = subnet[path: ["properties", "addressPrefix"]]?.stringValue { texts.insert(single, at: 0) }
        return texts.compactMap(IPv4Prefix.init)
    }

    /// Allocates addresses for every configuration at `path` in `body` (which must reference subnets),
    /// keeping dynamic addresses of same-named configurations of `previous`.
    static func allocate(_ body: inout JSON, at path: [String], context: WriteContext, subnetRequired: Bool = true)
        throws(ArmError)
    {
        var configs = body[path: path]?.arrayValue ?? []
        guard !configs.isEmpty else { return }
        let previous = context.previous?.body[path: path]?.arrayValue ?? []
        var taken: [String: [IPv4Address: String]] = [:]
        let field = path.last ?? "ipConfigurations"
        // Statics first, so a dynamic configuration never takes an address a static one of the same body asks for.
        let order = configs.indices.sorted { a, b in
            isStatic(configs[a]) && !isStatic(configs[b])
        }
        for index in order {
            var config = configs[index]
            let name = config["name"]?.stringValue ?? "\(index)"
            let label = "\(field)[\(index)]"
            try Validation.enumeration(config, ["properties", "privateIPAllocationMethod"], ["Static", "Dynamic"], where: "\(label).properties.privateIPAllocationMethod")
            try Validation.enumeration(config, ["properties", "privateIPAddressVersion"], ["IPv4", "IPv6"], where: "\(label).properties.privateIPAddressVersion")
            guard config[path: ["properties", "subnet"]] != nil else {
                if subnetRequired { throw Validation.missing("\(label).properties.subnet") }
                continue
            }
            let subnet = try context.require(config[path: ["properties", "subnet"]], field: "\(label).properties.subnet")
            let prefixes = prefixes(of: subnet.value)
            if taken[subnet.id.lowercased()] == nil {
                taken[subnet.id.lowercased()] = used(in: subnet.id, world: context.world, excluding: context.id)
            }
            let configID = context.id.child(field, name).canonical
            var address: IPv4Address
            if isStatic(config) {
                guard let text = config[path: ["properties", "privateIPAddress"]]?.stringValue, let parsed = IPv4Address(text) else {
                    throw ArmError.badRequest(
                        "InvalidPrivateIPAddress", "Private static IP address of \(configID) is missing or not an IPv4 address.",
                        target: "\(label).properties.privateIPAddress")
                }
                address = parsed
                guard let prefix = prefixes.first(where: { $0.contains(address) }) else {
                    throw ArmError.badRequest(
                        "PrivateIPAddressNotInSubnet",
                        "IP configuration \(configID) is using the private IP address \(address) which is not in the range "
                            + "of subnet \(subnet.id).", target: "\(label).properties.privateIPAddress")
                }
                if prefix.isReserved(address) {
                    throw ArmError.badRequest(
                        "PrivateIPAddressIsReserved",
                        "Private static IP address \(address) of \(configID) is reserved by Azure in subnet \(subnet.id) "
                            + "(the first four and the last address of a subnet are reserved).",
                        target: "\(label).properties.privateIPAddress")
                }
                if let holder = taken[subnet.id.lowercased()]?[address] {
                    throw ArmError.badRequest(
                        "PrivateIPAddressInUse",
                        "IP configuration \(configID) is using the private IP address \(address) which is already "
                            + "allocated to resource \(holder).", target: "\(label).properties.privateIPAddress")
                }
                config.set(["properties", "privateIPAllocationMethod"], "Static")
            } else {
                let kept = previous.first { $0["name"]?.stringValue?.lowercased() == name.lowercased() }
                    .flatMap { old -> IPv4Address? in
                        guard old[path: ["properties", "subnet", "id"]]?.stringValue?.sameID(subnet.id) == true else { return nil }
                        return old[path: ["properties", "privateIPAddress"]]?.stringValue.flatMap(IPv4Address.init)
                    }
                if let kept, taken[subnet.id.lowercased()]?[kept] == nil {
                    address = kept
                } else {
                    let used = Set(taken[subnet.id.lowercased()]?.keys.map { $0 } ?? [])
                    guard let free = prefixes.lazy.compactMap({ $0.firstFree(excluding: used) }).first else {
                        throw ArmError.badRequest(
                            "SubnetIsFull", "Subnet \(subnet.id) has no free private IP address for \(configID).")
                    }
                    address = free
                }
                config.set(["properties", "privateIPAllocationMethod"], "Dynamic")
            }
            taken[subnet.id.lowercased()]?[address] = configID
            config.set(["properties", "privateIPAddress"], .string(address.description))
            if config[path: ["properties", "privateIPAddressVersion"]] == nil {
                config.set(["properties", "privateIPAddressVersion"], "IPv4")
            }
            configs[index] = config
        }
        body.set(path, .array(configs))
    }

    /// Static when asked, or when an address is given without a method.
    static func isStatic(_ config: JSON) -> Bool {
        switch config[path: ["properties", "privateIPAllocationMethod"]]?.stringValue {
        case "Static": true
        case nil: config[path: ["properties", "privateIPAddress"]]?.stringValue != nil
        default: false
        }
    }
}
