/// Sub-resources: inline children read at `…/{type}/{name}/{childType}/{childName}` (LB frontends, pools, …),
/// subnets (PUT/DELETE as LROs on the VNet), and a PLS's private endpoint connections
/// (list, GET, PUT to approve/reject — synchronous 200 — and DELETE as an LRO).
extension Transaction {
    /// The parent resource or 404 (`ResourceGroupNotFound` / `ResourceNotFound`).
    func parent(of id: ResourceID) throws(ArmError) -> (StoredResource, any ResourceKind) {
        _ = try requireGroup(id.subscription, id.resourceGroup)
        let kind = try kind(id.namespace!, id.type!)
        guard let stored = world.resource(id) else {
            throw .resourceNotFound(type: kind.fullType, name: id.name!, resourceGroup: id.resourceGroup)
        }
        return (stored, kind)
    }

    func children(of parentID: ResourceID, _ childType: String) throws(ArmError) -> [JSON] {
        let (stored, kind) = try parent(of: parentID)
        try requireChildType(childType, of: kind)
        return render(stored)["properties"]?[canonicalChildType(childType, of: kind)]?.arrayValue ?? []
    }

    private func requireChildType(_ childType: String, of kind: any ResourceKind) throws(ArmError) {
        guard kind.childCollections.contains(where: { $0.lowercased() == childType.lowercased() }) || isConnections(childType, kind)
        else {
            throw ArmError(
                404, "InvalidResourceType",
                "The resource type '\(kind.type)/\(childType)' could not be found in the namespace '\(kind.namespace)' "
                    + "for api version '\(apiVersion)'.")
        }
    }

    private func canonicalChildType(_ childType: String, of kind: any ResourceKind) -> String {
        (kind.childCollections + kind.writableChildren).first { $0.lowercased() == childType.lowercased() } ?? childType
    }

    private func isConnections(_ childType: String, _ kind: any ResourceKind) -> Bool {
        kind.writableChildren.contains("privateEndpointConnections") && childType.lowercased() == "privateendpointconnections"
    }

    mutating func child(_ requested: ResourceID) throws(ArmError) -> HTTPResponse {
        let (found, kind) = try parent(of: requested)
        try requireChildType(requested.childType!, of: kind)
        if let running = found.operationID, request.method == "GET" { observe(running) }
        guard let stored = world.resource(requested) else {
            throw .resourceNotFound(type: kind.fullType, name: requested.name!, resourceGroup: requested.resourceGroup)
        }
        let childType = canonicalChildType(requested.childType!, of: kind)
        let id = stored.id.child(childType, requested.childName!)
        let current = renderChild(id, in: stored)
        let writable = kind.writableChildren.contains(childType)
        switch request.method {
        case "GET":
            guard let current else { throw childNotFound(id) }
            return .json(200, current)
        case "PUT" where writable && isConnections(childType, kind):
            guard current != nil else { throw childNotFound(id) }
            try checkConflict(stored, kind: kind)
            return try updateConnection(id, in: stored, kind: kind)
        case "PUT" where writable:
            try checkConflict(stored, kind: kind)
            var item = try jsonBody()
            item["name"] = .string(requested.childName!)
            var body = stored.body
            var items = body["properties"]?[childType]?.arrayValue ?? []
            if let index = items.firstIndex(where: { $0["name"]?.stringValue?.lowercased() == requested.childName!.lowercased() }) {
                item["name"] = items[index]["name"]
                items[index] = item
            } else {
                items.append(item)
            }
            body.set(["properties", childType], .array(items))
            body.remove(["properties", "provisioningState"])
            return try write(stored.id, kind: kind, body: body, existing: stored, target: id)
        case "DELETE" where writable:
            guard current != nil else { return HTTPResponse(status: 204) }
            try checkConflict(stored, kind: kind)
            if let blocker = kind.deleteChildBlocker(childType, requested.childName!, stored, world) { throw blocker }
            let operation = startOperation(
                .delete, target: id, namespace: kind.namespace, location: stored.body["location"]?.stringValue ?? "")
            var updated = stored
            updated.operationID = operation.id
            updated.state = .updating
            world.resources[updated.id.key] = updated
            return HTTPResponse(status: 202, headers: lroHeaders(operation))
        default:
            throw methodNotAllowed()
        }
    }

    private func childNotFound(_ id: ResourceID) -> ArmError {
        ArmError(
            404, "ResourceNotFound",
            "The Resource '\(id.qualifiedName)' under resource group '\(id.resourceGroup)' was not found. "
                + "For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    }

    /// PUT of a private endpoint connection: only `privateLinkServiceConnectionState` changes
    /// (`Approved`/`Rejected`/`Pending`/`Removed`; a `Rejected` connection cannot be approved again).
    private mutating func updateConnection(_ id: ResourceID, in stored: StoredResource, kind: any ResourceKind) throws(ArmError)
        -> HTTPResponse
    {
        let body = try jsonBody()
        let statePath = ["properties", "privateLinkServiceConnectionState"]
        let status = try Validation.enumeration(
            body, statePath + ["status"], ["Approved", "Rejected", "Pending", "Removed"], required: true)!
        var connections = stored.attached["connections"]?.objectValue ?? [:]
        guard let key = connections.keys.first(where: { $0.lowercased() == id.childName!.lowercased() }), var connection = connections[key]
        else { throw childNotFound(id) }
        let previous = connection["privateLinkServiceConnectionState"]?["status"]?.stringValue
        if previous == "Rejected" && status != "Rejected" && status != "Removed" {
            throw ArmError.badRequest(
                "CannotChangeRejectedPrivateEndpointConnectionState",
                "Private endpoint connection \(id.canonical) was rejected; the consumer must create a new private endpoint.")
        }
        var state = body[path: statePath] ?? .object([:])
        if state["actionsRequired"] == nil { state["actionsRequired"] = "None" }
        if state["description"] == nil { state["description"] = connection["privateLinkServiceConnectionState"]?["description"] ?? "" }
        connection["privateLinkServiceConnectionState"] = state
        connection["etag"] = Self.etag()
        connections[key] = connection
        var updated = stored
        updated.attached["connections"] = .object(connections)
        world.resources[updated.id.key] = updated
        world.revision += 1
        return .json(200, renderChild(id, in: updated) ?? .null)
    }
}
