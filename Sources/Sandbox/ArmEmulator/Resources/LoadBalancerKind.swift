/// `Microsoft.Network/loadBalancers`: frontends, pools, probes, rules (and NAT rules/pools, outbound rules) inline.
///
/// Rules enforced (cloud-apis.md §1.3): `sku.name` `Basic`/`Standard`/`Gateway`; a frontend needs a `subnet`
/// (internal; its `privateIPAddress` is allocated) or a `publicIPAddress` reference that must exist; probes need
/// `protocol` (`Http`/`Tcp`/`Https`, case-sensitive) and `port`, and `requestPath` exactly for Http(s); rules need
/// `protocol` (`Udp`/`Tcp`/`All`), `frontendPort` (0-65534) unique per frontend and protocol, a
/// `frontendIPConfiguration` of this LB, and a pool/probe of this LB when given; two rules without floating IP
/// may not share pool, protocol and backend port (`RulesUseSameBackendPortProtocolAndPool`).
/// Read-only: pools' `backendIPConfigurations` (NIC IP configurations referencing them) and the
/// `loadBalancingRules`/`inboundNatRules` back-references. Deleting an LB a PLS uses fails.
struct LoadBalancerKind: ResourceKind {
    let namespace = "Microsoft.Network"
    let type = "loadBalancers"
    let childCollections = [
        "frontendIPConfigurations", "backendAddressPools", "probes", "loadBalancingRules", "inboundNatRules",
        "inboundNatPools", "outboundRules",
    ]

    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError) {
        try Validation.enumeration(body, ["sku", "name"], ["Basic", "Standard", "Gateway"])
        try Validation.enumeration(body, ["sku", "tier"], ["Regional", "Global"])
        let properties = body["properties"] ?? .object([:])
        for frontend in properties["frontendIPConfigurations"]?.arrayValue ?? [] {
            let name = frontend["name"]?.stringValue ?? ""
            if let publicIP = frontend[path: ["properties", "publicIPAddress"]], !publicIP.isNull {
                _ = try context.require(publicIP, field: "frontendIPConfigurations[\(name)].properties.publicIPAddress")
            } else if frontend[path: ["properties", "subnet"]] == nil {
                throw Validation.missing("frontendIPConfigurations[\(name)].properties.subnet")
            }
        }
        for probe in properties["probes"]?.arrayValue ?? [] {
            let field = "probes[\(probe["name"]?.stringValue ?? "")].properties"
            let proto = try Validation.enumeration(probe, ["properties", "protocol"], ["Http", "Tcp", "Https"], required: true, where: "\(field).protocol")!
            try Validation.integer(probe, ["properties", "port"], in: 1...65535, required: true, where: "\(field).port")
            try Validation.integer(probe, ["properties", "intervalInSeconds"], in: 5...2_147_483_647, where: "\(field).intervalInSeconds")
            let hasPath = probe[path: ["properties", "requestPath"]] != nil
            if proto == "Tcp" && hasPath {
                throw ArmError.badRequest("ProbeRequestPathNotAllowedForTcp", "A Tcp probe cannot have requestPath.", target: "\(field).requestPath")
            }
            if proto != "Tcp" && !hasPath { throw Validation.missing("\(field).requestPath") }
        }
        var frontendPorts: [String: String] = [:]
        var backendUse: [String: String] = [:]
        for rule in properties["loadBalancingRules"]?.arrayValue ?? [] {
            let name = rule["name"]?.stringValue ?? ""
            let field = "loadBalancingRules[\(name)].properties"
            let proto = try Validation.enumeration(rule, ["properties", "protocol"], ["Udp", "Tcp", "All"], required: true, where: "\(field).protocol")!
            let port = try Validation.integer(rule, ["properties", "frontendPort"], in: 0...65534, required: true, where: "\(field).frontendPort")!
            let backendPort = try Validation.integer(rule, ["properties", "backendPort"], in: 0...65535, where: "\(field).backendPort") ?? port
            try Validation.integer(rule, ["properties", "idleTimeoutInMinutes"], in: 4...30, where: "\(field).idleTimeoutInMinutes")
            let frontend = try own(rule[path: ["properties", "frontendIPConfiguration"]], "frontendIPConfigurations", body, context, "\(field).frontendIPConfiguration", required: true)!
            let pool = try own(rule[path: ["properties", "backendAddressPool"]], "backendAddressPools", body, context, "\(field).backendAddressPool")
            _ = try own(rule[path: ["properties", "probe"]], "probes", body, context, "\(field).probe")
            for used in proto == "All" ? ["Tcp", "Udp"] : [proto] {
                let key = "\(frontend.lowercased())|\(used)|\(port)"
                if let other = frontendPorts[key] {
                    throw ArmError.badRequest(
                        "RulesUseSameFrontendIpConfigurationProtocolAndPort",
                        "Load balancing rules \(other) and \(name) of load balancer \(context.id.canonical) use the same frontend "
                            + "IP configuration, protocol \(used) and frontend port \(port).", target: "\(field).frontendPort")
                }
                frontendPorts[key] = name
                if let pool, rule[path: ["properties", "enableFloatingIP"]]?.boolValue != true {
                    let backendKey = "\(pool.lowercased())|\(used)|\(backendPort)"
                    if let other = backendUse[backendKey] {
                        throw ArmError.badRequest(
                            "RulesUseSameBackendPortProtocolAndPool",
                            "Load balancing rules \(other) and \(name) with floating IP disabled use the same protocol \(used) and "
                                + "backend port \(backendPort), and must not be used with the same backend address pool \(pool).")
                    }
                    backendUse[backendKey] = name
                }
            }
        }
        for rule in properties["inboundNatRules"]?.arrayValue ?? [] {
            let field = "inboundNatRules[\(rule["name"]?.stringValue ?? "")].properties"
            try Validation.enumeration(rule, ["properties", "protocol"], ["Udp", "Tcp", "All"], required: true, where: "\(field).protocol")
            _ = try own(rule[path: ["properties", "frontendIPConfiguration"]], "frontendIPConfigurations", body, context, "\(field).frontendIPConfiguration", required: true)
        }
        Self.applyDefaults(&body)
        try AddressAllocator.allocate(&body, at: ["properties", "frontendIPConfigurations"], context: context, subnetRequired: false)
        body.set(["properties", "resourceGuid"], context.previous?.body[path: ["properties", "resourceGuid"]] ?? .string(newGUID()))
    }

    /// The service's defaults for optional rule and probe fields, as its responses show them.
    private static func applyDefaults(_ body: inout JSON) {
        let defaults: [String: [String: JSON]] = [
            "loadBalancingRules": [
                "loadDistribution": "Default", "enableFloatingIP": false, "idleTimeoutInMinutes": 4,
                "disableOutboundSnat": false, "enableTcpReset": false, "enableConnectionTracking": false,
            ],
            "probes": ["intervalInSeconds": 15, "numberOfProbes": 2, "probeThreshold": 1],
        ]
        for (collection, values) in defaults {
            guard var items = body[path: ["properties", collection]]?.arrayValue else { continue }
            for index in items.indices {
                for (key, value) in values where items[index][path: ["properties", key]] == nil {
                    items[index].set(["properties", key], value)
                }
            }
            body.set(["properties", collection], .array(items))
        }
    }

    /// Resolves a reference that must point at a child of this same LB body; returns its ID.
    private func own(_ reference: JSON?, _ collection: String, _ body: JSON, _ context: WriteContext, _ field: String, required: Bool = false)
        throws(ArmError) -> String?
    {
        guard let reference, !reference.isNull else {
            if required { throw Validation.missing(field) }
            return nil
        }
        guard let id = reference.referenceID else {
            throw ArmError.invalidFormat("MissingJsonReferenceId", "Value for reference id is missing. Path \(field).", target: field)
        }
        let expectedPrefix = context.id.canonical.lowercased() + "/" + collection.lowercased() + "/"
        let name = id.lowercased().hasPrefix(expectedPrefix) ? String(id.dropFirst(expectedPrefix.count)) : nil
        let exists = (body[path: ["properties", collection]]?.arrayValue ?? []).contains {
            $0["name"]?.stringValue?.lowercased() == name?.lowercased()
        }
        guard exists else { throw ArmError.invalidReference(id, by: context.id.canonical) }
        return id
    }

    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World) {
        let rules = body[path: ["properties", "loadBalancingRules"]]?.arrayValue ?? []
        let natRules = body[path: ["properties", "inboundNatRules"]]?.arrayValue ?? []
        func referencing(_ items: [JSON], _ field: String, _ id: String) -> [JSON] {
            items.filter { $0[path: ["properties", field, "id"]]?.stringValue?.sameID(id) == true }.compactMap {
                $0["id"]?.stringValue.map(JSON.reference)
            }
        }
        func update(_ collection: String, _ change: (inout JSON, String) -> Void) {
            guard var items = body[path: ["properties", collection]]?.arrayValue else { return }
            for index in items.indices {
                if let id = items[index]["id"]?.stringValue { change(&items[index], id) }
            }
            body.set(["properties", collection], .array(items))
        }
        update("frontendIPConfigurations") { item, id in
            let used = referencing(rules, "frontendIPConfiguration", id)
            if !used.isEmpty { item.set(["properties", "loadBalancingRules"], .array(used)) }
            let nat = referencing(natRules, "frontendIPConfiguration", id)
            if !nat.isEmpty { item.set(["properties", "inboundNatRules"], .array(nat)) }
        }
        update("backendAddressPools") { item, id in
            let used = referencing(rules, "backendAddressPool", id)
            if !used.isEmpty { item.set(["properties", "loadBalancingRules"], .array(used)) }
            let members = Self.members(of: id, world)
            if !members.isEmpty { item.set(["properties", "backendIPConfigurations"], .array(members.map { .reference($0.configID) })) }
        }
        update("probes") { item, id in
            let used = referencing(rules, "probe", id)
            if !used.isEmpty { item.set(["properties", "loadBalancingRules"], .array(used)) }
        }
    }

    func deleteBlocker(_ resource: StoredResource, _ world: World) -> ArmError? {
        let prefix = resource.id.key + "/frontendipconfigurations/"
        guard
            let pls = world.all("Microsoft.Network", "privateLinkServices").first(where: { pls in
                (pls.body[path: ["properties", "loadBalancerFrontendIpConfigurations"]]?.arrayValue ?? []).contains {
                    $0["id"]?.stringValue?.lowercased().hasPrefix(prefix) == true
                }
            })
        else { return nil }
        return .badRequest(
            "LoadBalancerInUseByPrivateLinkService",
            "Load balancer \(resource.id.canonical) cannot be deleted because it is referenced by private link service "
                + "\(pls.id.canonical). Delete the private link service first.")
    }

    /// NIC IP configurations in a backend pool, in NIC creation order: (config ID, private IP).
    static func members(of poolID: String, _ world: World) -> [(configID: String, address: String?)] {
        world.all("Microsoft.Network", "networkInterfaces").flatMap { nic in
            (nic.body[path: ["properties", "ipConfigurations"]]?.arrayValue ?? []).filter { config in
                (config[path: ["properties", "loadBalancerBackendAddressPools"]]?.arrayValue ?? []).contains {
                    $0["id"]?.stringValue?.sameID(poolID) == true
                }
            }.compactMap { config in
                config["id"]?.stringValue.map { ($0, config[path: ["properties", "privateIPAddress"]]?.stringValue) }
            }
        }
    }
}
