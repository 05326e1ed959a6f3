/// `Microsoft.Network/networkInterfaces` with inline `ipConfigurations`.
///
/// Each IP configuration needs an existing `subnet` and gets its `privateIPAddress` allocated
/// (``AddressAllocator``); referenced `loadBalancerBackendAddressPools` and the `networkSecurityGroup` must exist.
/// Exactly one configuration is primary (the first when none says so). Read-only: `virtualMachine`, `macAddress`.
/// Deleting a NIC attached to a VM fails with `NicInUse`.
struct NetworkInterfaceKind: ResourceKind {
    let namespace = "Microsoft.Network"
    let type = "networkInterfaces"
    let childCollections = ["ipConfigurations"]

    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError) {
        guard var configs = body[path: ["properties", "ipConfigurations"]]?.arrayValue, !configs.isEmpty else {
            throw Validation.missing("properties.ipConfigurations")
        }
        let primaries = configs.filter { $0[path: ["properties", "primary"]]?.boolValue == true }.count
        guard primaries <= 1 else {
            throw ArmError.badRequest(
                "MoreThanOnePrimaryIPConfigurationOnNic",
                "Network interface \(context.id.canonical) has more than one primary IP configuration.")
        }
        for index in configs.indices {
            let name = configs[index]["name"]?.stringValue ?? ""
            for (poolIndex, pool) in (configs[index][path: ["properties", "loadBalancerBackendAddressPools"]]?.arrayValue ?? []).enumerated() {
                _ = try context.require(pool, field: "ipConfigurations[\(name)].properties.loadBalancerBackendAddressPools[\(poolIndex)]")
            }
            if primaries == 0 { configs[index].set(["properties", "primary"], .bool(index == 0)) }
        }
        body.set(["properties", "ipConfigurations"], .array(configs))
        try AddressAllocator.allocate(&body, at: ["properties", "ipConfigurations"], context: context)
        if let nsg = body[path: ["properties", "networkSecurityGroup"]], !nsg.isNull {
            _ = try context.require(nsg, field: "properties.networkSecurityGroup")
        }
        body.set(["properties", "resourceGuid"], context.previous?.body[path: ["properties", "resourceGuid"]] ?? .string(newGUID()))
        if let mac = context.previous?.body[path: ["properties", "macAddress"]] {
            body.set(["properties", "macAddress"], mac)
        } else {
            let bytes = Array(newGUID(compact: true).prefix(10)).map(String.init)
            let octets = stride(from: 0, to: 10, by: 2).map { (bytes[$0] + bytes[$0 + 1]).uppercased() }
            body.set(["properties", "macAddress"], .string((["00"] + octets).joined(separator: "-")))
        }
    }

    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World) {
        if let vm = Self.attachedVM(resource.id.canonical, world) {
            body.set(["properties", "virtualMachine"], .reference(vm))
        }
        body.set(["properties", "primary"], true)
    }

    func deleteBlocker(_ resource: StoredResource, _ world: World) -> ArmError? {
        guard let vm = Self.attachedVM(resource.id.canonical, world) else { return nil }
        return .badRequest(
            "NicInUse",
            "Network Interface \(resource.id.canonical) is used by existing resource \(vm). In order to delete the network "
                + "interface, it must be dissociated from the resource. To learn more, see aka.ms/deletenic.")
    }

    /// The VM whose `networkProfile` references the NIC.
    static func attachedVM(_ nicID: String, _ world: World) -> String? {
        world.all("Microsoft.Compute", "virtualMachines").first { vm in
            (vm.body[path: ["properties", "networkProfile", "networkInterfaces"]]?.arrayValue ?? []).contains {
                $0["id"]?.stringValue?.sameID(nicID) == true
            }
        }?.id.canonical
    }
}
