import ArmEmulator
import Foundation

/// What a fault changes in how one request is processed.
struct Directives: Sendable {
    /// Polls the operation this request starts stays unfinished (nil: the configured number).
    var polls: Int?
    /// The operation this request starts ends in an error and has no effect.
    var failOperation = false
}

/// One request against the world: routing, Compute's rules, the change and its operation.
struct Transaction {
    var world: World
    let configuration: ComputeEmulator.Configuration
    let directives: Directives
    let request: HTTPRequest

    static let selfLinkBase = "https://www.googleapis.com/compute/v1/"

    mutating func run() -> HTTPResponse {
        do {
            return try route()
        } catch let error as ComputeError {
            return .json(error.status, error.body)
        } catch {
            return .json(500, ComputeError(status: 500, reason: "backendError", message: "\(error)").body)
        }
    }

    private mutating func route() throws -> HTTPResponse {
        if let (project, collection) = Self.aggregated(request.path) {
            guard request.method.uppercased() == "GET", Collection.aggregated.contains(collection) else {
                throw ComputeError(status: 404, reason: "notFound", message: "The requested URL \(request.path) was not found on this server.")
            }
            return try aggregatedList(project: project, collection: collection)
        }
        guard let (path, rest) = ComputePath.parse(request.path), request.path.hasPrefix("/compute/v1/") else {
            throw ComputeError(status: 404, reason: "notFound", message: "The requested URL \(request.path) was not found on this server.")
        }
        let method = request.method.uppercased()
        if path.collection == "operations" {
            guard let name = path.name else { throw ComputeError.invalid("list operations is not supported") }
            return try operation(ComputePath(project: path.project, scope: path.scope, collection: "operations", name: name), wait: rest == ["wait"])
        }
        guard Collection.kinds[path.collection] != nil, Collection.allowed(path.collection, in: path.scope) else {
            throw ComputeError(status: 404, reason: "notFound", message: "The requested URL \(request.path) was not found on this server.")
        }
        switch (method, path.name, rest.first) {
        case ("GET", nil, nil): return try list(path)
        case ("GET", .some, nil): return .json(200, try render(existing(path)))
        case (_, _, _) where Collection.serverOwned.contains(path.collection):
            throw ComputeError.invalid("\(path.collection) of managed instance groups are created and deleted with their group manager")
        case ("POST", nil, nil):
            return try mutate(path) { t in
                let created = try t.insert(path.collectionPath, body: t.body())
                if created.collection == "instanceGroupManagers" { try t.settleGroup(created) }
                return created
            }
        case ("DELETE", .some, nil) where path.collection == "instanceGroupManagers": return try mutate(path) { try $0.deleteGroup(path) }
        case ("DELETE", .some, nil) where world.managed[path.description] != nil:
            throw ComputeError.invalid("The instance \(path) is managed by \(world.managed[path.description]!); delete it through its group (deleteInstances or resize)")
        case ("DELETE", .some, nil): return try mutate(path) { try $0.delete(path) }
        case ("POST", .some, "resize"): return try mutate(path) { try $0.resizeGroup(path) }
        case ("POST", .some, "setInstanceTemplate"): return try mutate(path) { try $0.setGroupTemplate(path, body: $0.body()) }
        case ("POST", .some, "recreateInstances"): return try mutate(path) { try $0.recreateGroupInstances(path, body: $0.body()) }
        case ("POST", .some, "listManagedInstances"): return try listManaged(path)
        case ("PATCH", .some, nil), ("PUT", .some, nil):
            return try mutate(path) { t in
                let changed = try t.patch(path, body: t.body(), replace: method == "PUT")
                if changed.collection == "instanceGroupManagers" { try t.settleGroup(changed) }
                return changed
            }
        case ("POST", .some, "setLabels"): return try mutate(path) { try $0.setLabels(path, body: $0.body()) }
        case ("POST", .some, "attachNetworkEndpoints"): return try mutate(path) { try $0.attach(path, body: $0.body()) }
        case ("POST", .some, "detachNetworkEndpoints"): return try mutate(path) { try $0.detach(path, body: $0.body()) }
        case ("POST", .some, "listNetworkEndpoints"): return try listEndpoints(path)
        default:
            throw ComputeError(status: 404, reason: "notFound", message: "The requested URL \(request.path) was not found on this server.")
        }
    }

    // MARK: - Reading

    func body() throws -> JSON {
        guard !request.body.isEmpty else { throw ComputeError.invalid("Required field 'resource' not specified") }
        do {
            let parsed = try JSON.parse(request.body)
            guard parsed.objectValue != nil else { throw ComputeError.invalid("Invalid JSON payload received. Expected an object.") }
            return parsed
        } catch let error as ComputeError {
            throw error
        } catch {
            throw ComputeError.invalid("Invalid JSON payload received. \(error)")
        }
    }

    func existing(_ path: ComputePath) throws -> StoredResource {
        guard let stored = world[path.description] else { throw ComputeError.notFound(path.description) }
        return stored
    }

    /// The served form: references as full URLs, `kind`, `selfLink`, scope URLs, and computed fields.
    func render(_ stored: StoredResource) -> JSON {
        var body = Self.urls(stored.body)
        body["kind"] = .string(Collection.kinds[stored.path.collection] ?? "compute#resource")
        body["selfLink"] = .string(Self.selfLinkBase + stored.path.description)
        switch stored.path.scope {
        case .region(let r): body["region"] = .string(Self.selfLinkBase + "projects/\(stored.path.project)/regions/\(r)")
        case .zone(let z): body["zone"] = .string(Self.selfLinkBase + "projects/\(stored.path.project)/zones/\(z)")
        case .global: break
        }
        switch stored.path.collection {
        case "networkEndpointGroups":
            body["size"] = .number(Double(stored.body["networkEndpoints"]?.arrayValue?.count ?? 0))
            body["networkEndpoints"] = nil
        case "serviceAttachments":
            body["connectedEndpoints"] = .array(PrivateServiceConnect.connections(of: stored, in: world).map { c in
                [
                    "endpoint": .string(Self.selfLinkBase + c.endpoint.path.description), "status": .string(c.status),
                    "pscConnectionId": .string(c.endpoint.body["pscConnectionId"]?.stringValue ?? "0"),
                    "consumerNetwork": .string(Self.selfLinkBase + (c.endpoint.body["network"]?.stringValue ?? "")),
                ]
            })
        case "forwardingRules" where stored.body["target"] != nil:
            body["pscConnectionStatus"] = .string(PrivateServiceConnect.status(of: stored, in: world))
        default: break
        }
        return body
    }

    static func urls(_ value: JSON, key: String? = nil) -> JSON {
        switch value {
        case .object(let members):
            return .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, urls($0.value, key: $0.key)) }))
        case .array(let items):
            return .array(items.map { urls($0, key: key) })
        case .string(let s) where key.map(Collection.referenceKeys.contains) == true && s.hasPrefix("projects/"):
            return .string(selfLinkBase + s)
        default:
            return value
        }
    }

    private func list(_ path: ComputePath) throws -> HTTPResponse {
        let filter = try ComputeListFilter.parse(request.query["filter"])
        let items = world.all(path.collection).filter { $0.path.collectionPath == path }.map(render).filter(filter.admits)
        return page(items, kind: (Collection.kinds[path.collection] ?? "compute#resource") + "List", selfLink: path.description)
    }

    /// `projects/P/aggregated/COLLECTION` -> (P, COLLECTION).
    static func aggregated(_ path: String) -> (project: String, collection: String)? {
        guard path.hasPrefix("/compute/v1/projects/") else { return nil }
        let parts = path.dropFirst("/compute/v1/".count).split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[2] == "aggregated", !parts[1].isEmpty, !parts[3].isEmpty else { return nil }
        return (parts[1], parts[3])
    }

    /// `aggregatedList`: the project's resources of one collection in every scope, filtered, paged over the whole
    /// sequence, each page grouped by scope (`zones/Z`, `regions/R`, `global`) under the collection's name; scopes
    /// without items on the page are left out (Compute lists them with a NO_RESULTS_ON_PAGE warning).
    private func aggregatedList(project: String, collection: String) throws -> HTTPResponse {
        let filter = try ComputeListFilter.parse(request.query["filter"])
        let stored = world.all(collection).filter { $0.path.project == project }
        let items = stored.map { ($0.path.scope, render($0)) }.filter { filter.admits($0.1) }
        let size = min(Int(request.query["maxresults"] ?? "") ?? configuration.pageSize, configuration.pageSize)
        let start = Int(request.query["pagetoken"] ?? "") ?? 0
        let slice = Array(items.dropFirst(start).prefix(max(size, 1)))
        var scoped: [String: [JSON]] = [:]
        for (scope, item) in slice {
            let key: String
            switch scope {
            case .global: key = "global"
            case .region(let r): key = "regions/\(r)"
            case .zone(let z): key = "zones/\(z)"
            }
            scoped[key, default: []].append(item)
        }
        // Compute's own spellings: `compute#healthChecksAggregatedList`; no `unreachables` on instance templates.
        let kind = collection == "healthChecks" ? "compute#healthChecksAggregatedList" : (Collection.kinds[collection] ?? "compute#resource") + "AggregatedList"
        let selfLink = "projects/\(project)/aggregated/\(collection)"
        var body: JSON = [
            "kind": .string(kind), "id": .string(selfLink), "selfLink": .string(Self.selfLinkBase + selfLink),
            "items": .object(scoped.mapValues { [collection: .array($0)] }),
        ]
        if collection != "instanceTemplates" { body["unreachables"] = [] }
        if start + slice.count < items.count { body["nextPageToken"] = .string(String(start + slice.count)) }
        return .json(200, body)
    }

    /// One page of `items`: `maxResults` (default and cap: the configured page size) from `pageToken`.
    func page(_ items: [JSON], kind: String, selfLink: String) -> HTTPResponse {
        let size = min(Int(request.query["maxresults"] ?? "") ?? configuration.pageSize, configuration.pageSize)
        let start = Int(request.query["pagetoken"] ?? "") ?? 0
        let slice = Array(items.dropFirst(start).prefix(max(size, 1)))
        var body: JSON = ["kind": .string(kind), "id": .string(selfLink), "items": .array(slice), "selfLink": .string(Self.selfLinkBase + selfLink)]
        if start + slice.count < items.count { body["nextPageToken"] = .string(String(start + slice.count)) }
        return .json(200, body)
    }

    private func listEndpoints(_ path: ComputePath) throws -> HTTPResponse {
        let neg = try existing(path)
        let endpoints = (neg.body["networkEndpoints"]?.arrayValue ?? []).map { endpoint -> JSON in
            ["networkEndpoint": Self.urls(endpoint), "healths": []]
        }
        return page(endpoints, kind: "compute#networkEndpointGroupsListNetworkEndpoints", selfLink: path.description)
    }

    // MARK: - Operations

    /// Runs `change` under Compute's `requestId` rule and answers with its operation.
    private mutating func mutate(_ target: ComputePath, _ change: (inout Transaction) throws -> ComputePath) throws -> HTTPResponse {
        if let requestID = request.query["requestid"], let key = world.requestIDs[requestID], let op = world.operations[key] {
            return .json(200, op.body)  // the same request again: the same operation, no second effect
        }
        var scratch = self
        let affected: ComputePath
        if directives.failOperation {
            affected = target
        } else {
            affected = try change(&scratch)
            world = scratch.world
            world.revision += 1
        }
        let op = startOperation(for: affected)
        if let requestID = request.query["requestid"] { world.requestIDs[requestID] = op.path.description }
        return .json(200, op.body)
    }

    private mutating func startOperation(for target: ComputePath) -> StoredOperation {
        let sequence = world.next()
        let name = "operation-\(1_733_000_000_000 + sequence)-emulated"
        let path = ComputePath(project: target.project, scope: target.scope, collection: "operations", name: name)
        let polls = directives.polls ?? configuration.operationPolls
        var body: JSON = [
            "kind": "compute#operation", "id": .string(world.id(sequence)), "name": .string(name),
            "operationType": .string(Self.operationType(request)), "targetLink": .string(Self.selfLinkBase + target.description),
            "targetId": .string(world[target.description].map { world.id($0.sequence) } ?? "0"),
            "selfLink": .string(Self.selfLinkBase + path.description), "insertTime": .string(Self.timestamp()),
            "startTime": .string(Self.timestamp()), "user": "emulated@compute-emulator", "progress": 0,
            "status": polls > 0 ? "PENDING" : "DONE",
        ]
        if let requestID = request.query["requestid"] { body["clientOperationId"] = .string(requestID) }
        switch target.scope {
        case .region(let r): body["region"] = .string(Self.selfLinkBase + "projects/\(target.project)/regions/\(r)")
        case .zone(let z): body["zone"] = .string(Self.selfLinkBase + "projects/\(target.project)/zones/\(z)")
        case .global: break
        }
        var op = StoredOperation(path: path, body: body, pollsLeft: polls)
        if polls == 0 { Self.finish(&op, failed: directives.failOperation) }
        if directives.failOperation { op.body["x-fail"] = true }
        world.operations[path.description] = op
        var served = op
        served.body["x-fail"] = nil
        return served
    }

    private mutating func operation(_ path: ComputePath, wait: Bool) throws -> HTTPResponse {
        guard var op = world.operations[path.description] else { throw ComputeError.notFound(path.description) }
        if op.body["status"]?.stringValue != "DONE" {
            op.pollsLeft = wait ? 0 : op.pollsLeft - 1
            if op.pollsLeft <= 0 {
                Self.finish(&op, failed: op.body["x-fail"] != nil)
            } else {
                op.body["status"] = "RUNNING"
                op.body["progress"] = 50
            }
            world.operations[path.description] = op
        }
        var body = op.body
        body["x-fail"] = nil
        return .json(200, body)
    }

    private static func finish(_ op: inout StoredOperation, failed: Bool) {
        op.body["status"] = "DONE"
        op.body["progress"] = 100
        op.body["endTime"] = .string(timestamp())
        guard failed else { return }
        let message = "Operation rate exceeded for resource '\(op.body["targetLink"]?.stringValue ?? "")' (injected fault)."
        op.body["httpErrorStatusCode"] = 403
        op.body["httpErrorMessage"] = "FORBIDDEN"
        op.body["error"] = ["errors": [["code": "RESOURCE_OPERATION_RATE_EXCEEDED", "message": .string(message)]]]
    }

    static func operationType(_ request: HTTPRequest) -> String {
        switch request.method.uppercased() {
        case "DELETE": return "delete"
        case "PATCH": return "patch"
        case "PUT": return "update"
        default:
            let last = request.path.split(separator: "/").last.map(String.init) ?? ""
            return ["setLabels", "attachNetworkEndpoints", "detachNetworkEndpoints", "resize", "setInstanceTemplate", "recreateInstances"]
                .contains(last) ? last : "insert"
        }
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
