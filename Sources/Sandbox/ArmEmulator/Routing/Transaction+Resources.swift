/// Top-level resources: GET, PUT (create-or-replace, an LRO), PATCH (tags), DELETE (an LRO).
///
/// Network PUT answers 201 (created) / 200 (updated) with the body in a non-terminal `provisioningState`
/// and `Azure-AsyncOperation`, `Location`, `Retry-After`; Compute the same with `Creating`/`Updating`.
/// DELETE answers 202 with `Location` + `Azure-AsyncOperation`, or 204 when there is nothing to delete.
/// A PUT/DELETE while another LRO holds the resource gets 429 `RetryableErrorDueToAnotherOperation`
/// (Network) or 409 `OperationNotAllowed` (Compute).
extension Transaction {
    mutating func resource(_ requested: ResourceID, kind: any ResourceKind) throws(ArmError) -> HTTPResponse {
        let group = try requireGroup(requested.subscription, requested.resourceGroup)
        if let running = world.resource(requested)?.operationID, request.method == "GET" { observe(running) }
        let existing = world.resource(requested)
        switch request.method {
        case "GET":
            guard let existing else {
                throw .resourceNotFound(type: kind.fullType, name: requested.name!, resourceGroup: requested.resourceGroup)
            }
            return .json(200, render(existing))
        case "PUT":
            if group.state == .deleting { throw beingDeleted(group) }
            try checkConflict(existing, kind: kind)
            try checkPreconditions(existing)
            let id = canonicalID(requested, kind: kind, group: group, existing: existing)
            return try write(id, kind: kind, body: try jsonBody(), existing: existing, target: id)
        case "PATCH":
            guard let existing else {
                throw .resourceNotFound(type: kind.fullType, name: requested.name!, resourceGroup: requested.resourceGroup)
            }
            try checkConflict(existing, kind: kind)
            let patch = try jsonBody()
            if kind.isCompute {
                var body = existing.body
                body.mergePatch(patch)
                return try write(existing.id, kind: kind, body: body, existing: existing, target: existing.id)
            }
            guard kind.type != "privateLinkServices" else { throw methodNotAllowed() }
            var stored = existing
            if let tags = patch["tags"] { stored.body["tags"] = tags.isNull ? nil : tags }
            stored.body["etag"] = Self.etag()
            world.resources[stored.id.key] = stored
            return .json(200, render(stored))
        case "DELETE":
            guard var existing else { return HTTPResponse(status: 204) }
            try checkConflict(existing, kind: kind)
            if let blocker = kind.deleteBlocker(existing, world) { throw blocker }
            let operation = startOperation(
                .delete, target: existing.id, namespace: kind.namespace, location: existing.body["location"]?.stringValue ?? "")
            existing.state = .deleting
            existing.operationID = operation.id
            world.resources[existing.id.key] = existing
            return HTTPResponse(status: 202, headers: lroHeaders(operation))
        default:
            throw methodNotAllowed()
        }
    }

    /// The ID as ARM spells it: the group's stored casing, the kind's namespace/type, the name as first created.
    func canonicalID(_ requested: ResourceID, kind: any ResourceKind, group: StoredResource, existing: StoredResource?) -> ResourceID {
        existing?.id
            ?? .resource(group.id.subscription, group.id.resourceGroup, kind.namespace, kind.type, requested.name!)
    }

    /// 429/409 when an LRO holds the resource (the request counts as an observation of that LRO).
    mutating func checkConflict(_ existing: StoredResource?, kind: any ResourceKind) throws(ArmError) {
        guard let running = existing?.operationID, let operation = world.operations[running.lowercased()], operation.isRunning
        else { return }
        observe(running)
        throw ArmError.anotherOperation(
            resource: existing!.id.canonical, operationID: running, compute: kind.isCompute,
            retryAfter: configuration.retryAfterSeconds)
    }

    /// `If-Match` / `If-None-Match` (declared by Compute; honoured everywhere): 412 `PreconditionFailed`.
    func checkPreconditions(_ existing: StoredResource?) throws(ArmError) {
        let current = existing?.body["etag"]?.stringValue
        if let ifMatch = request.header("if-match") {
            let ok = ifMatch == "*" ? existing != nil : current.map { ifMatch == $0 || "W/\(ifMatch)" == $0 } ?? false
            guard ok else { throw ArmError(412, "PreconditionFailed", "The condition specified using HTTP conditional header(s) is not met.") }
        }
        if request.header("if-none-match") == "*", existing != nil {
            throw ArmError(412, "PreconditionFailed", "The resource already exists (If-None-Match: *).")
        }
    }

    /// Validates and stores a full body for `id`, starts the LRO on `target` (the resource or one of its
    /// writable children) and answers with `target`'s representation.
    mutating func write(_ id: ResourceID, kind: any ResourceKind, body incoming: JSON, existing: StoredResource?, target: ResourceID)
        throws(ArmError) -> HTTPResponse
    {
        var body = incoming
        try prepareCommon(&body, id: id, kind: kind, existing: existing)
        try kind.prepare(&body, WriteContext(id: id, previous: existing, world: world, configuration: configuration))
        let etag = Self.etag()
        body["etag"] = etag
        for collection in kind.childCollections {
            guard var items = body["properties"]?[collection]?.arrayValue else { continue }
            for index in items.indices { items[index]["etag"] = etag }
            body.set(["properties", collection], .array(items))
        }
        let created = existing == nil
        let operation = startOperation(
            .put(created: created), target: target, namespace: kind.namespace, location: body["location"]?.stringValue ?? "")
        let stored = StoredResource(
            id: id, body: body, state: created ? .creating : .updating, operationID: operation.id,
            attached: existing?.attached ?? [:], sequence: existing?.sequence ?? world.takeSequence())
        world.resources[id.key] = stored
        kind.didWrite(id, &world)
        world.revision += 1
        let createdTarget = target.isChild ? !(existing.map { renderChild(target, in: $0) != nil } ?? false) : created
        let representation = target.isChild ? renderChild(target, in: world.resources[id.key]!) ?? body : render(world.resources[id.key]!)
        return .json(createdTarget ? 201 : 200, representation, headers: lroHeaders(operation))
    }

    /// Rules every tracked resource shares: `location` required and immutable, no `provisioningState` change,
    /// server-set `id`/`name`/`type`, child `id`s and `type`s, unique child names.
    func prepareCommon(_ body: inout JSON, id: ResourceID, kind: any ResourceKind, existing: StoredResource?) throws(ArmError) {
        guard let location = body["location"]?.stringValue, !location.isEmpty else {
            throw .badRequest("LocationRequired", "The location property is required for this definition.")
        }
        if let existing, let old = existing.body["location"]?.stringValue, !Validation.sameLocation(old, location) {
            throw ArmError.badRequest(
                "InvalidResourceLocation",
                "The resource '\(id.name!)' already exists in location '\(old)' in resource group '\(id.resourceGroup)'. "
                    + "A resource with the same name cannot be created in location '\(location)'. Please select a new resource name.",
                target: "location")
        }
        if let tags = body["tags"], !tags.isNull, tags.objectValue?.values.allSatisfy({ $0.stringValue != nil }) != true {
            throw ArmError.invalidFormat("InvalidJsonPropertyType", "Property tags must be an object of strings.", target: "tags")
        }
        if let properties = body["properties"], properties.objectValue == nil {
            throw ArmError.invalidFormat("InvalidJsonPropertyType", "Property properties must be an object.", target: "properties")
        }
        if let echoed = body["properties"]?["provisioningState"]?.stringValue, let existing,
            echoed != stateText(existing.state, kind: kind)
        {
            throw ArmError.badRequest(
                "ProvisioningStateMismatch",
                "The request echoes provisioningState '\(echoed)' but the resource's state is "
                    + "'\(stateText(existing.state, kind: kind))'; provisioningState is read-only.",
                target: "properties.provisioningState")
        }
        body.remove(["properties", "provisioningState"])
        body["id"] = .string(id.canonical)
        body["name"] = .string(id.name!)
        body["type"] = .string(kind.fullType)
        for collection in kind.childCollections {
            let items = try Validation.objects(body, ["properties", collection], where: "properties.\(collection)")
            var seen: Set<String> = []
            var named: [JSON] = []
            for (index, item) in items.enumerated() {
                guard let name = item["name"]?.stringValue, !name.isEmpty else {
                    throw Validation.missing("properties.\(collection)[\(index)].name")
                }
                guard seen.insert(name.lowercased()).inserted else {
                    throw ArmError.badRequest(
                        "DuplicateResourceName", "Resource \(id.canonical) has two child resources named '\(name)' in \(collection).",
                        target: "properties.\(collection)")
                }
                var child = item
                child["id"] = .string(id.child(collection, name).canonical)
                child["type"] = .string("\(kind.fullType)/\(collection)")
                child.remove(["properties", "provisioningState"])
                if child["properties"] == nil { child["properties"] = .object([:]) }
                named.append(child)
            }
            if body["properties"]?[collection] != nil { body.set(["properties", collection], .array(named)) }
        }
    }

    /// `Azure-AsyncOperation`, `Location` and `Retry-After` for an LRO.
    func lroHeaders(_ operation: Operation) -> [(String, String)] {
        [
            ("Azure-AsyncOperation", baseURL + operation.asyncOperationPath), ("Location", baseURL + operation.locationPath),
            ("Retry-After", retryAfter),
        ]
    }

    /// The provisioning state as the kind's provider spells it (Network says `Updating` while creating).
    func stateText(_ state: ProvisioningState, kind: (any ResourceKind)?) -> String {
        if state == .creating, !(kind?.isCompute ?? false) { return ProvisioningState.updating.rawValue }
        return state.rawValue
    }

    /// The full read representation: stored body, provisioning states, computed read-only fields.
    func render(_ stored: StoredResource) -> JSON {
        var body = stored.body
        guard let namespace = stored.id.namespace, let type = stored.id.type, let kind = ResourceKinds.kind(namespace, type) else {
            body.set(["properties", "provisioningState"], .string(stored.state.rawValue))
            return body
        }
        let state = JSON.string(stateText(stored.state, kind: kind))
        body.set(["properties", "provisioningState"], state)
        for collection in kind.childCollections {
            guard var items = body["properties"]?[collection]?.arrayValue else { continue }
            for index in items.indices { items[index].set(["properties", "provisioningState"], state) }
            body.set(["properties", collection], .array(items))
        }
        kind.render(&body, stored, world)
        return body
    }

    /// One inline child of a stored resource as read (nil when absent).
    func renderChild(_ id: ResourceID, in stored: StoredResource) -> JSON? {
        guard let childType = id.childType, let childName = id.childName else { return nil }
        return render(stored)["properties"]?[childType]?.arrayValue?.first {
            $0["name"]?.stringValue?.lowercased() == childName.lowercased()
        }
    }
}

extension JSON {
    /// RFC 7386 JSON merge patch.
    mutating func mergePatch(_ patch: JSON) {
        guard case .object(let members) = patch else {
            self = patch
            return
        }
        if objectValue == nil { self = .object([:]) }
        for (key, value) in members {
            if value.isNull {
                self[key] = nil
            } else {
                var current = self[key] ?? .null
                current.mergePatch(value)
                self[key] = current
            }
        }
    }
}
