import Foundation

/// LROs: starting them, observing them (each observation moves them one step), completing their effect,
/// and the `Azure-AsyncOperation` / `Location` endpoints.
extension Transaction {
    mutating func startOperation(_ kind: Operation.Kind, target: ResourceID, namespace: String, location: String) -> Operation {
        let canonicalNamespace = ResourceKinds.all.first { $0.namespace.lowercased() == namespace.lowercased() }?.namespace ?? namespace
        var operation = Operation(
            id: UUID().uuidString.lowercased(), namespace: canonicalNamespace, subscription: target.subscription,
            location: location.lowercased().filter { $0 != " " }, kind: kind, target: target,
            remainingPolls: max(0, directives.polls ?? configuration.operationPolls), apiVersion: apiVersion, startTime: now)
        if directives.failOperation {
            operation.failure = ArmError(
                500, "InternalServerError", "An error occurred while processing operation \(operation.id) (injected fault).")
        }
        world.operations[operation.id.lowercased()] = operation
        return operation
    }

    /// One observation: `InProgress` while polls remain, then the operation completes.
    mutating func observe(_ operationID: String) {
        world.readEffects += 1
        guard var operation = world.operations[operationID.lowercased()], operation.isRunning else { return }
        if operation.remainingPolls > 0 {
            operation.remainingPolls -= 1
            world.operations[operationID.lowercased()] = operation
            return
        }
        operation.endTime = now
        if let failure = operation.failure {
            operation.status = .failed(failure)
            if var stored = world.resource(operation.target) {
                stored.state = .failed
                stored.operationID = nil
                world.resources[stored.id.key] = stored
            }
        } else {
            operation.status = .succeeded
            applyEffect(of: operation)
        }
        world.operations[operationID.lowercased()] = operation
        world.revision += 1
    }

    private mutating func applyEffect(of operation: Operation) {
        let target = operation.target
        switch operation.kind {
        case .put:
            guard var stored = world.resource(target) else { return }
            stored.state = .succeeded
            stored.operationID = nil
            world.resources[stored.id.key] = stored
        case .delete where target.isResourceGroup:
            let prefix = target.key + "/"
            for stored in world.resources.values where stored.id.key.hasPrefix(prefix) { remove(stored) }
            world.resources[target.key] = nil
        case .delete where target.isChild:
            guard var stored = world.resource(target) else { return }
            stored.state = .succeeded
            stored.operationID = nil
            if let childType = target.childType, let name = target.childName {
                if childType.lowercased() == "privateendpointconnections" {
                    var connections = stored.attached["connections"]?.objectValue ?? [:]
                    connections = connections.filter { $0.key.lowercased() != name.lowercased() }
                    stored.attached["connections"] = .object(connections)
                } else if let items = stored.body["properties"]?[childType]?.arrayValue {
                    stored.body.set(
                        ["properties", childType],
                        .array(items.filter { $0["name"]?.stringValue?.lowercased() != name.lowercased() }))
                }
            }
            world.resources[stored.id.key] = stored
        case .delete:
            if let stored = world.resource(target) { remove(stored) }
        }
    }

    /// Removes a top-level resource and runs its kind's delete side effects.
    private mutating func remove(_ stored: StoredResource) {
        world.resources[stored.id.key] = nil
        if let namespace = stored.id.namespace, let type = stored.id.type, let kind = ResourceKinds.kind(namespace, type) {
            kind.didDelete(stored, &world)
        }
    }

    /// `GET` of an `Azure-AsyncOperation` URL (200 with the status body) or a `Location` URL (202 while running,
    /// then the final result: 200 + resource for a PUT, 204 for a DELETE, 200 for a group DELETE, the error when failed).
    mutating func operationStatus(subscription: String, id: String, isLocation: Bool) throws(ArmError) -> HTTPResponse {
        guard let found = world.operations[id.lowercased()], found.subscription.sameID(subscription) else {
            throw ArmError(404, "OperationNotFound", "The operation '\(id)' could not be found.")
        }
        observe(found.id)
        let operation = world.operations[id.lowercased()]!
        if !isLocation {
            var headers: [(String, String)] = []
            if operation.isRunning { headers.append(("Retry-After", retryAfter)) }
            return .json(200, operation.statusBody(baseURL: baseURL), headers: headers)
        }
        switch operation.status {
        case .inProgress:
            return HTTPResponse(
                status: 202, headers: [("Location", baseURL + operation.locationPath), ("Retry-After", retryAfter)])
        case .failed(let error):
            return respond(error)
        case .succeeded:
            switch operation.kind {
            case .delete: return HTTPResponse(status: operation.isResourceGroup ? 200 : 204)
            case .put:
                guard let stored = world.resource(operation.target) else { return HTTPResponse(status: 204) }
                let body = operation.target.isChild ? renderChild(operation.target, in: stored) : render(stored)
                return .json(200, body ?? .null)
            }
        }
    }
}
