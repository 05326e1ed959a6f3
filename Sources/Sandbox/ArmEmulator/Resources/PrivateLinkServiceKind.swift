/// `Microsoft.Network/privateLinkServices`: an internal LB frontend exposed to private endpoints.
///
/// Requires `loadBalancerFrontendIpConfigurations` (existing LB frontends) and NAT `ipConfigurations` whose subnet
/// has `privateLinkServiceNetworkPolicies: "Disabled"` (else
/// `PrivateLinkServiceCannotBeCreatedInSubnetThatHasNetworkPoliciesEnabled`); NAT addresses are allocated.
/// `visibility`/`autoApproval` hold subscription lists (`"*"` in visibility: anyone with the alias).
/// Server-set and kept across updates: `alias` (`{name}.{guid}.{location}.azure.privatelinkservice`) and
/// `networkInterfaces`. Connections live outside the body (a PUT never replaces them) and are rendered as
/// `privateEndpointConnections`.
struct PrivateLinkServiceKind: ResourceKind {
    let namespace = "Microsoft.Network"
    let type = "privateLinkServices"
    let childCollections = ["ipConfigurations"]
    let writableChildren = ["privateEndpointConnections"]

    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError) {
        let frontends = try Validation.objects(body, ["properties", "loadBalancerFrontendIpConfigurations"])
        guard !frontends.isEmpty else { throw Validation.missing("properties.loadBalancerFrontendIpConfigurations") }
        for (index, frontend) in frontends.enumerated() {
            let field = "properties.loadBalancerFrontendIpConfigurations[\(index)]"
            let target = try context.require(frontend, field: field)
            guard ResourceID(parsing: target.id)?.childType?.lowercased() == "frontendipconfigurations" else {
                throw ArmError.invalidReference(target.id, by: context.id.canonical)
            }
        }
        let configs = body[path: ["properties", "ipConfigurations"]]?.arrayValue ?? []
        guard !configs.isEmpty else { throw Validation.missing("properties.ipConfigurations") }
        for config in configs {
            let name = config["name"]?.stringValue ?? ""
            let subnet = try context.require(config[path: ["properties", "subnet"]], field: "ipConfigurations[\(name)].properties.subnet")
            guard subnet.value[path: ["properties", "privateLinkServiceNetworkPolicies"]]?.stringValue == "Disabled" else {
                throw ArmError.badRequest(
                    "PrivateLinkServiceCannotBeCreatedInSubnetThatHasNetworkPoliciesEnabled",
                    "Private link service \(context.id.canonical) cannot be created in subnet \(subnet.id) since it has private "
                        + "link service network policies enabled.", target: subnet.id)
            }
        }
        try AddressAllocator.allocate(&body, at: ["properties", "ipConfigurations"], context: context)
        for list in ["visibility", "autoApproval"] {
            guard let value = body[path: ["properties", list, "subscriptions"]], !value.isNull else { continue }
            guard value.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true else {
                throw ArmError.invalidFormat(
                    "InvalidJsonPropertyType", "Property properties.\(list).subscriptions must be an array of strings.",
                    target: "properties.\(list).subscriptions")
            }
        }
        try Validation.enumeration(body, ["properties", "accessMode"], ["Default", "Restricted"])
        body.remove(["properties", "privateEndpointConnections"])
        let previous = context.previous?.body
        let name = context.id.name!
        let location = (body["location"]?.stringValue ?? "").lowercased().filter { $0 != " " }
        body.set(
            ["properties", "alias"],
            previous?[path: ["properties", "alias"]] ?? .string("\(name).\(newGUID()).\(location).azure.privatelinkservice"))
        let nic = ResourceID.resource(
            context.id.subscription, context.id.resourceGroup, "Microsoft.Network", "networkInterfaces",
            "\(name).nic.\(newGUID())")
        body.set(["properties", "networkInterfaces"], previous?[path: ["properties", "networkInterfaces"]] ?? [.reference(nic.canonical)])
    }

    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World) {
        let connections = (resource.attached["connections"]?.objectValue ?? [:]).sorted {
            ($0.value["sequence"]?.intValue ?? 0) < ($1.value["sequence"]?.intValue ?? 0)
        }
        body.set(
            ["properties", "privateEndpointConnections"],
            .array(connections.map { Self.renderConnection(resource.id, name: $0.key, $0.value) }))
    }

    /// A connection as ARM shows it (`…/privateLinkServices/{pls}/privateEndpointConnections/{name}`).
    static func renderConnection(_ plsID: ResourceID, name: String, _ stored: JSON) -> JSON {
        var properties: JSON = [
            "privateEndpoint": stored["privateEndpoint"] ?? .null,
            "privateLinkServiceConnectionState": stored["privateLinkServiceConnectionState"] ?? .null,
            "linkIdentifier": stored["linkIdentifier"] ?? .null,
            "privateEndpointLocation": stored["privateEndpointLocation"] ?? .null,
            "provisioningState": "Succeeded",
        ]
        if properties["privateEndpointLocation"] == .null { properties["privateEndpointLocation"] = nil }
        return [
            "name": .string(name), "id": .string(plsID.child("privateEndpointConnections", name).canonical),
            "type": "Microsoft.Network/privateLinkServices/privateEndpointConnections", "etag": stored["etag"] ?? .null,
            "properties": properties,
        ]
    }

    /// Whether a subscription may see the service (listed in `visibility`, `"*"` there, or the owner's own).
    static func isVisible(_ pls: StoredResource, to subscription: String) -> Bool {
        if pls.id.subscription.sameID(subscription) { return true }
        let visible = pls.body[path: ["properties", "visibility", "subscriptions"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        return visible.contains("*") || visible.contains { $0.sameID(subscription) }
    }

    static func autoApproves(_ pls: StoredResource, _ subscription: String) -> Bool {
        let approved = pls.body[path: ["properties", "autoApproval", "subscriptions"]]?.arrayValue?.compactMap(\.stringValue) ?? []
        return approved.contains { $0.sameID(subscription) || $0 == "*" }
    }
}
