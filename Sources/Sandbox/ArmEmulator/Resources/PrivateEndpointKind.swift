/// `Microsoft.Network/privateEndpoints`: a consumer's endpoint connecting to a private link service.
///
/// Needs an existing `subnet` and at least one of `privateLinkServiceConnections` (auto-approval applies) or
/// `manualPrivateLinkServiceConnections` (always `Pending`), each with `properties.privateLinkServiceId`
/// (the PLS ID or its alias). A PLS that does not exist or is not visible to the endpoint's subscription fails with
/// `ThirdPartyPrivateLinkServiceProvidedDuringPrivateEndpointCreationDoesNotExistOrIsNotVisible`.
/// Accepting the PUT creates a connection on the PLS named `{endpoint}.{guid}`: `Approved` when the endpoint's
/// subscription is in the PLS's `autoApproval.subscriptions`, else `Pending`. Reads mirror the PLS side's state
/// (`Disconnected` once the PLS or the connection is gone); deleting the endpoint removes the connection.
struct PrivateEndpointKind: ResourceKind {
    let namespace = "Microsoft.Network"
    let type = "privateEndpoints"
    let childCollections = ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"]
    static let connectionLists = ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"]

    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError) {
        _ = try context.require(body[path: ["properties", "subnet"]], field: "properties.subnet")
        let total = Self.connectionLists.reduce(0) { $0 + (body[path: ["properties", $1]]?.arrayValue?.count ?? 0) }
        guard total > 0 else { throw Validation.missing("properties.privateLinkServiceConnections") }
        for list in Self.connectionLists {
            for connection in body[path: ["properties", list]]?.arrayValue ?? [] {
                let field = "\(list)[\(connection["name"]?.stringValue ?? "")].properties.privateLinkServiceId"
                let target = try Validation.string(connection, ["properties", "privateLinkServiceId"], required: true, where: field)!
                guard let pls = Self.service(target, context.world), PrivateLinkServiceKind.isVisible(pls, to: context.id.subscription)
                else {
                    throw ArmError.badRequest(
                        "ThirdPartyPrivateLinkServiceProvidedDuringPrivateEndpointCreationDoesNotExistOrIsNotVisible",
                        "Third-party Private Link Service Id \(target) provided during private endpoint creation does not exist "
                            + "or is not visible to subscription \(context.id.subscription).", target: field)
                }
            }
        }
        body.remove(["properties", "customDnsConfigs"])
        let nic = ResourceID.resource(
            context.id.subscription, context.id.resourceGroup, "Microsoft.Network", "networkInterfaces",
            "\(context.id.name!).nic.\(newGUID())")
        body.set(
            ["properties", "networkInterfaces"],
            context.previous?.body[path: ["properties", "networkInterfaces"]] ?? [.reference(nic.canonical)])
    }

    /// The PLS for an ID or alias.
    static func service(_ idOrAlias: String, _ world: World) -> StoredResource? {
        if let id = ResourceID(parsing: idOrAlias), id.type?.lowercased() == "privatelinkservices", !id.isChild {
            return world.resource(id)
        }
        return world.all("Microsoft.Network", "privateLinkServices").first {
            $0.body[path: ["properties", "alias"]]?.stringValue?.sameID(idOrAlias) == true
        }
    }

    /// Creates the PLS-side connection for every endpoint connection that has none yet.
    func didWrite(_ id: ResourceID, _ world: inout World) {
        guard var endpoint = world.resource(id) else { return }
        var links = endpoint.attached["links"]?.objectValue ?? [:]
        var wanted: Set<String> = []
        for list in Self.connectionLists {
            for connection in endpoint.body[path: ["properties", list]]?.arrayValue ?? [] {
                guard let name = connection["name"]?.stringValue,
                    let target = connection[path: ["properties", "privateLinkServiceId"]]?.stringValue,
                    var pls = Self.service(target, world)
                else { continue }
                let key = "\(list)/\(name)"
                wanted.insert(key)
                if links[key] != nil { continue }
                let approved = list == "privateLinkServiceConnections" && PrivateLinkServiceKind.autoApproves(pls, id.subscription)
                let message = connection[path: ["properties", "requestMessage"]]?.stringValue ?? ""
                let connectionName = "\(id.name!).\(newGUID())"
                var connections = pls.attached["connections"]?.objectValue ?? [:]
                connections[connectionName] = [
                    "privateEndpoint": .reference(id.canonical),
                    "privateLinkServiceConnectionState": [
                        "status": .string(approved ? "Approved" : "Pending"),
                        "description": .string(approved ? "Auto-Approved" : message), "actionsRequired": "None",
                    ],
                    "linkIdentifier": .string(String(UInt32.random(in: 0x1000_0000...UInt32.max))),
                    "privateEndpointLocation": endpoint.body["location"] ?? .null, "etag": Transaction.etag(),
                    "sequence": .number(Double(world.takeSequence())),
                ]
                pls.attached["connections"] = .object(connections)
                world.resources[pls.id.key] = pls
                links[key] = ["service": .string(pls.id.canonical), "connection": .string(connectionName)]
            }
        }
        for (key, link) in links where !wanted.contains(key) {
            Self.removeConnection(link, &world)
            links[key] = nil
        }
        endpoint.attached["links"] = .object(links)
        world.resources[id.key] = endpoint
    }

    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World) {
        let links = resource.attached["links"]?.objectValue ?? [:]
        for list in Self.connectionLists {
            guard var items = body[path: ["properties", list]]?.arrayValue else { continue }
            for index in items.indices {
                let link = links["\(list)/\(items[index]["name"]?.stringValue ?? "")"]
                var state: JSON = ["status": "Disconnected", "description": "", "actionsRequired": "None"]
                if let link, let service = link["service"]?.stringValue, let name = link["connection"]?.stringValue,
                    let pls = ResourceID(parsing: service).flatMap({ world.resource($0) }),
                    let connection = pls.attached["connections"]?[name]
                {
                    state = connection["privateLinkServiceConnectionState"] ?? state
                }
                items[index].set(["properties", "privateLinkServiceConnectionState"], state)
            }
            body.set(["properties", list], .array(items))
        }
    }

    func didDelete(_ resource: StoredResource, _ world: inout World) {
        for link in (resource.attached["links"]?.objectValue ?? [:]).values { Self.removeConnection(link, &world) }
    }

    static func removeConnection(_ link: JSON, _ world: inout World) {
        guard let service = link["service"]?.stringValue, let name = link["connection"]?.stringValue,
            let id = ResourceID(parsing: service), var pls = world.resource(id)
        else { return }
        var connections = pls.attached["connections"]?.objectValue ?? [:]
        connections[name] = nil
        pls.attached["connections"] = .object(connections)
        world.resources[pls.id.key] = pls
    }
}
