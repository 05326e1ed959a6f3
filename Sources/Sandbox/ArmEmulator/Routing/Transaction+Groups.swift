import Foundation
/// Resource groups (`/subscriptions/{s}/resourcegroups/{rg}`, api 2025-04-01) and the generic `…/resources` lists.
///
/// PUT is synchronous (201 created / 200 updated) and ignores `properties` (read-only inside) unless it is not
/// an object; HEAD answers 204/404; DELETE is an LRO with a `Location`
/// URL that deletes everything in the group when it completes. A group's location cannot change
/// (409 `InvalidResourceGroupLocation`); writes into a group being deleted get 409 `ResourceGroupBeingDeleted`.
extension Transaction {
    mutating func resourceGroup(_ requested: ResourceID) throws(ArmError) -> HTTPResponse {
        let existing = world.group(requested.subscription, requested.resourceGroup)
        switch request.method {
        case "HEAD":
            return HTTPResponse(status: existing == nil ? 404 : 204)
        case "GET":
            guard let existing else { throw .resourceGroupNotFound(requested.resourceGroup) }
            return .json(200, render(existing))
        case "PUT", "PATCH":
            var body = try jsonBody()
            if let existing, existing.state == .deleting { throw beingDeleted(existing) }
            if request.method == "PATCH" {
                guard var stored = existing else { throw .resourceGroupNotFound(requested.resourceGroup) }
                for key in ["tags", "managedBy"] where body[key] != nil { stored.body[key] = body[key] }
                world.resources[stored.id.key] = stored
                return .json(200, render(stored))
            }
            guard let location = body["location"]?.stringValue, !location.isEmpty else {
                throw .badRequest("LocationRequired", "The location property is required for this definition.")
            }
            if let existing, let old = existing.body["location"]?.stringValue, !Validation.sameLocation(old, location) {
                throw ArmError(
                    409, "InvalidResourceGroupLocation",
                    "Invalid resource group location '\(location)'. The Resource group already exists in location '\(old)'.")
            }
            if let tags = body["tags"], tags.objectValue == nil, !tags.isNull {
                throw ArmError.invalidContent("The property 'tags' must be an object.")
            }
            // `properties` (required by the template schema) holds only the read-only provisioningState: taken
            // and ignored when it is an object.
            if let properties = body["properties"], properties.objectValue == nil, !properties.isNull {
                throw ArmError.invalidContent("The property 'properties' must be an object.")
            }
            let id = existing?.id ?? requested
            body = [
                "id": .string(id.canonical), "name": .string(id.resourceGroup), "type": "Microsoft.Resources/resourceGroups",
                "location": .string(existing?.body["location"]?.stringValue ?? location),
                "tags": body["tags"] ?? .null, "managedBy": body["managedBy"] ?? .null,
            ]
            if body["tags"] == .null { body["tags"] = nil }
            if body["managedBy"] == .null { body["managedBy"] = nil }
            let stored = StoredResource(
                id: id, body: body, state: .succeeded, sequence: existing?.sequence ?? world.takeSequence())
            world.resources[id.key] = stored
            return .json(existing == nil ? 201 : 200, render(stored))
        case "DELETE":
            guard var existing else { throw .resourceGroupNotFound(requested.resourceGroup) }
            if existing.state == .deleting, let running = existing.operationID, let operation = world.operations[running.lowercased()] {
                return HTTPResponse(
                    status: 202, headers: [("Location", baseURL + operation.locationPath), ("Retry-After", retryAfter)])
            }
            let operation = startOperation(.delete, target: existing.id, namespace: "Microsoft.Resources", location: "global")
            existing.state = .deleting
            existing.operationID = operation.id
            world.resources[existing.id.key] = existing
            return HTTPResponse(
                status: 202, headers: [("Location", baseURL + operation.locationPath), ("Retry-After", retryAfter)])
        default:
            throw methodNotAllowed()
        }
    }

    /// 409 for writes into a group that is being deleted.
    mutating func beingDeleted(_ group: StoredResource) -> ArmError {
        if let running = group.operationID { observe(running) }
        return ArmError(
            409, "ResourceGroupBeingDeleted",
            "The resource group '\(group.id.resourceGroup)' is in deprovisioning state and cannot perform this operation.")
    }

    /// `GET /subscriptions/{s}[/resourcegroups/{rg}]/resources`: every top-level resource as a GenericResource.
    ///
    /// `$filter` takes the forms the reconciler sends: `tagName eq 'N'`, `tagName eq 'N' and tagValue eq 'V'`
    /// (tag names case-insensitive, values exact; as ARM documents, the items then carry no `tags`) and
    /// `resourceType eq 'Microsoft.X/y'`. Any other filter is a 400 rather than a silently unfiltered list.
    func genericResources(subscription: String, group: String?) throws(ArmError) -> HTTPResponse {
        if let group { _ = try requireGroup(subscription, group) }
        let filter = try ListFilter.parse(request.query["$filter"], allowing: [.tag, .resourceType])
        let items = world.resources.values.filter {
            !$0.id.isResourceGroup && $0.id.subscription.sameID(subscription)
                && (group == nil || $0.id.resourceGroup.sameID(group)) && filter.admits($0.body, type: $0.id.typeString)
        }.sorted { $0.sequence < $1.sequence }.map { stored -> JSON in
            var item: JSON = ["id": .string(stored.id.canonical), "name": .string(stored.id.name ?? ""), "type": .string(stored.id.typeString)]
            for key in ["location", "tags", "sku", "zones", "kind", "managedBy"] where stored.body[key] != nil { item[key] = stored.body[key] }
            if filter.tagName != nil { item["tags"] = nil }
            return item
        }
        return page(items, size: configuration.genericListPageSize)
    }
}

/// The `$filter` subset of ARM's resource and resource-group lists the emulator answers.
struct ListFilter {
    enum Form { case tag, resourceType }
    var tagName: String?
    var tagValue: String?
    var resourceType: String?

    static func parse(_ text: String?, allowing forms: Set<Form>) throws(ArmError) -> ListFilter {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return ListFilter() }
        var filter = ListFilter()
        for clause in text.components(separatedBy: " and ") {
            let parts = clause.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, parts[1] == "eq", parts[2].count >= 2, parts[2].hasPrefix("'"), parts[2].hasSuffix("'") else {
                throw unsupported(text)
            }
            let value = String(parts[2].dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
            switch parts[0] {
            case "tagName" where forms.contains(.tag) && filter.tagName == nil: filter.tagName = value
            case "tagValue" where forms.contains(.tag) && filter.tagValue == nil: filter.tagValue = value
            case "resourceType" where forms.contains(.resourceType) && filter.resourceType == nil: filter.resourceType = value
            default: throw unsupported(text)
            }
        }
        if filter.tagValue != nil && filter.tagName == nil { throw unsupported(text) }
        if filter.tagName != nil && filter.resourceType != nil { throw unsupported(text) }
        return filter
    }

    static func unsupported(_ text: String) -> ArmError {
        .badRequest("InvalidFilterInQueryString", "Invalid $filter '\(text)' specified in the query string.")
    }

    func admits(_ body: JSON, type: String? = nil) -> Bool {
        if let resourceType, let type, resourceType.lowercased() != type.lowercased() { return false }
        guard let tagName else { return true }
        guard let tag = body["tags"]?.objectValue?.first(where: { $0.key.lowercased() == tagName.lowercased() }) else { return false }
        guard let tagValue else { return true }
        return tag.value.stringValue == tagValue
    }
}
