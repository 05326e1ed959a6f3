import Foundation

/// Per-request instructions from the fault plan.
struct Directives: Sendable {
    /// Overrides ``ArmEmulator/Configuration/operationPolls`` for an LRO this request starts.
    var polls: Int?
    /// The LRO this request starts ends `Failed`.
    var failOperation = false
}

/// One request processed against the world, under the world lock.
///
/// Order of checks (as ARM): route → authentication (401) → `api-version` (400) → resource group (404) → the handler.
struct Transaction {
    var world: World
    let configuration: ArmEmulator.Configuration
    /// `http://host:port` for absolute URLs (`Azure-AsyncOperation`, `Location`, `nextLink`).
    let baseURL: String
    let directives: Directives
    let request: HTTPRequest
    let now = Date()

    var apiVersion: String { request.query["api-version"] ?? "" }
    var retryAfter: String { String(configuration.retryAfterSeconds) }

    mutating func run() -> HTTPResponse {
        let route = Route(path: request.path, query: request.query)
        switch route {
        case .tokenEndpoint:
            return TokenService.tokenEndpoint(request, world: &world, lifetime: configuration.tokenLifetimeSeconds)
        case .imds:
            return TokenService.imds(request, world: &world, lifetime: configuration.tokenLifetimeSeconds)
        case .unknown:
            return respond(
                ArmError(404, "InvalidRequestUri", "The request URI '\(request.path)' is not valid for the emulated API surface."))
        default: break
        }
        if let error = TokenService.authenticate(request, world: world, accepted: configuration.acceptedTokens) {
            return respond(error)
        }
        guard let version = request.query["api-version"], !version.isEmpty else {
            return respond(
                .badRequest("MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests."))
        }
        let namespace = route.namespace ?? ""
        let accepted = configuration.apiVersions(for: namespace)
        guard !accepted.isEmpty else {
            return respond(ArmError(404, "InvalidResourceNamespace", "The resource namespace '\(namespace)' is invalid."))
        }
        guard accepted.contains(version) else {
            let list = accepted.joined(separator: ", ")
            return respond(
                .badRequest(
                    "InvalidApiVersionParameter",
                    "The api-version '\(version)' is invalid. The supported versions are '\(list)'. "
                        + "The supported api-versions for namespace '\(namespace)' are '\(list)'."))
        }
        do {
            return try dispatch(route)
        } catch {
            return respond(error)
        }
    }

    private mutating func dispatch(_ route: Route) throws(ArmError) -> HTTPResponse {
        switch route {
        case .resourceGroups(let subscription):
            try allow(["GET"])
            let filter = try ListFilter.parse(request.query["$filter"], allowing: [.tag])
            return page(
                world.resources.values.filter { $0.id.isResourceGroup && $0.id.subscription.sameID(subscription) && filter.admits($0.body) }
                    .sorted { $0.sequence < $1.sequence }.map(render))
        case .resourceGroup(let id):
            return try resourceGroup(id)
        case .genericResources(let subscription, let group):
            try allow(["GET"])
            return try genericResources(subscription: subscription, group: group)
        case .list(let subscription, let group, let namespace, let type):
            try allow(["GET"])
            let kind = try self.kind(namespace, type)
            if let group { _ = try requireGroup(subscription, group) }
            return page(world.all(kind.namespace, kind.type, subscription: subscription, group: group).map(render))
        case .resource(let id):
            return try resource(id, kind: try kind(id.namespace!, id.type!))
        case .childList(let parent, let childType):
            try allow(["GET"])
            return page(try children(of: parent, childType))
        case .child(let id):
            return try child(id)
        case .operation(let subscription, _, let id, let isLocation):
            try allow(["GET"])
            return try operationStatus(subscription: subscription, id: id, isLocation: isLocation)
        case .tokenEndpoint, .imds, .unknown:
            throw ArmError(404, "InvalidRequestUri", "Not found.")
        }
    }

    // MARK: Helpers shared by the handlers

    func allow(_ methods: [String]) throws(ArmError) {
        guard methods.contains(request.method) else { throw methodNotAllowed() }
    }

    func methodNotAllowed() -> ArmError {
        ArmError(405, "MethodNotAllowed", "The requested resource does not support http method '\(request.method)'.")
    }

    func kind(_ namespace: String, _ type: String) throws(ArmError) -> any ResourceKind {
        guard let kind = ResourceKinds.kind(namespace, type) else {
            throw ArmError(
                404, "InvalidResourceType",
                "The resource type '\(type)' could not be found in the namespace '\(namespace)' for api version '\(apiVersion)'.")
        }
        return kind
    }

    /// The group, or 404 `ResourceGroupNotFound`.
    func requireGroup(_ subscription: String, _ name: String) throws(ArmError) -> StoredResource {
        guard let group = world.group(subscription, name) else { throw .resourceGroupNotFound(name) }
        return group
    }

    /// The parsed JSON object body, or 400 `InvalidRequestContent`.
    func jsonBody() throws(ArmError) -> JSON {
        guard !request.body.isEmpty else { throw ArmError.invalidContent("The request body is empty.") }
        let value: JSON
        do {
            value = try JSON.parse(request.body)
        } catch {
            throw ArmError.invalidContent(error.description)
        }
        guard value.objectValue != nil else { throw ArmError.invalidContent("The request body must be a JSON object.") }
        return value
    }

    func respond(_ error: ArmError) -> HTTPResponse {
        .json(error.status, error.envelope, headers: error.headers)
    }

    /// A list response of at most `size` (by default ``ArmEmulator/Configuration/pageSize``) items with an absolute
    /// `nextLink` (the same path and query with `$skiptoken`).
    func page(_ items: [JSON], size: Int? = nil) -> HTTPResponse {
        let size = max(1, size ?? configuration.pageSize)
        let offset = max(0, Int(request.query["$skiptoken"] ?? "0") ?? 0)
        var body: JSON = ["value": .array(Array(items.dropFirst(offset).prefix(size)))]
        if offset + size < items.count {
            let rawPath = String(request.target.split(separator: "?", maxSplits: 1)[0])
            let kept = request.rawQuery.split(separator: "&").filter { !$0.lowercased().hasPrefix("%24skiptoken=") && !$0.lowercased().hasPrefix("$skiptoken=") }
            let query = (kept.map(String.init) + ["%24skiptoken=\(offset + size)"]).joined(separator: "&")
            body["nextLink"] = .string("\(baseURL)\(rawPath)?\(query)")
        }
        return .json(200, body)
    }

    static func etag() -> JSON { .string("W/\"\(UUID().uuidString.lowercased())\"") }
}
