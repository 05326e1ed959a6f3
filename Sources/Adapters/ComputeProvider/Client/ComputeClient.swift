import Foundation
public import ProviderAPI
public import ReconcileModel

/// Compute Engine v1 over any ``HTTPTransport``: bearer tokens, Google's error bodies, operations followed to `DONE`
/// through their `selfLink` (whatever host it names), `requestId`s, paging.
///
/// Contract:
/// - Paths are relative to the Compute base (`projects/...`); links the service returns are followed by their path
///   after `/compute/v1/`, on the configured base (so an emulator's `https://www.googleapis.com/...` links work).
/// - `get` answers nil on 404; every other error status throws ``ComputeAPIError``.
/// - `mutate` sends one change with `requestId` in the query (the retrying transport resends the same URL, so
///   Compute sees the same id and acts once), then polls the operation until `DONE` and throws its `error` even when
///   `DONE` (``ComputeAPIError/operationFailed``).
/// - Honours cancellation between polls.
public struct ComputeClient: Sendable {
    public let transport: any HTTPTransport
    public let credentials: any AccessTokenProvider
    public let baseURL: String
    public let scope: String
    public let pollInterval: Duration
    let sleep: @Sendable (Duration) async throws -> Void
    let requestID: @Sendable () -> String

    public init(
        transport: any HTTPTransport, credentials: any AccessTokenProvider, baseURL: String, scope: String, pollInterval: Duration,
        sleep: @escaping @Sendable (Duration) async throws -> Void, requestID: @escaping @Sendable () -> String
    ) {
        self.transport = transport
        self.credentials = credentials
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.scope = scope
        self.pollInterval = pollInterval
        self.sleep = sleep
        self.requestID = requestID
    }

    public static let taskSleep: @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }

    /// The path after `/compute/v1/` of a link or reference, whatever its host; a relative path as it is.
    public static func relative(_ link: String) -> String {
        if let range = link.range(of: "/compute/v1/") { return String(link[range.upperBound...]) }
        return link
    }

    func bearer() async throws -> String {
        do {
            return try await credentials.token(for: scope).token
        } catch let error as ComputeAPIError {
            throw error
        } catch {
            throw ComputeAPIError.credentials("\(error)")
        }
    }

    /// One request; the decoded body of a 2xx answer, else ``ComputeAPIError``.
    func send(_ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil) async throws -> Value {
        var url = baseURL + Self.relative(path)
        if !query.isEmpty {
            url += "?" + query.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? $0.1)" }.joined(separator: "&")
        }
        var headers = [("Authorization", "Bearer \(try await bearer())"), ("Accept", "application/json")]
        var bytes: [UInt8]?
        if let body {
            headers.append(("Content-Type", "application/json"))
            bytes = Array(body.description.utf8)
        } else if method == "POST" {
            bytes = []
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(HTTPRequest(method: method, url: url, headers: headers, body: bytes))
        } catch let error as HTTPTransportError {
            throw ComputeAPIError.transport(method: method, path: Self.relative(path), error)
        }
        let decoded = (try? JSONText.decode(response.body)) ?? .null
        guard (200..<300).contains(response.status) else {
            throw ComputeAPIError.http(status: response.status, body: decoded, method: method, path: Self.relative(path))
        }
        return decoded
    }

    /// RFC 3986's unreserved characters: everything else in a query value is percent-encoded (a filter holds `=`,
    /// `"` and spaces; a page token may hold `+`, `/` and `=`).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The resource, or nil when it does not exist.
    public func get(_ path: String) async throws -> Value? {
        do {
            return try await send("GET", path)
        } catch let error as ComputeAPIError where error.status == 404 {
            return nil
        }
    }

    /// Sends one change with a fresh `requestId` and waits for its operation; returns the finished operation.
    @discardableResult
    public func mutate(_ method: String, _ path: String, body: Value?, extraQuery: [(String, String)] = []) async throws -> Value {
        let operation = try await send(method, path, query: [("requestId", requestID())] + extraQuery, body: body)
        return try await wait(operation, for: "\(method) \(Self.relative(path))")
    }

    /// Polls `operation` through its `selfLink` until `DONE`; throws its `error` (checked even when `DONE`).
    public func wait(_ operation: Value, for what: String) async throws -> Value {
        var current = operation
        while current["status"]?.stringValue != "DONE" {
            guard let link = current["selfLink"]?.stringValue else {
                throw ComputeAPIError.http(status: 500, body: current, method: "GET", path: "(an operation without selfLink)")
            }
            try await sleep(pollInterval)
            try Task.checkCancellation()
            current = try await send("GET", Self.relative(link))
        }
        if let errors = current["error"]?["errors"]?.arrayValue, !errors.isEmpty {
            throw ComputeAPIError.operationFailed(operation: current, what: what)
        }
        if let status = current["httpErrorStatusCode"]?.intValue, status >= 400 {
            throw ComputeAPIError.operationFailed(operation: current, what: what)
        }
        return current
    }

    /// Every item of a list (`items` across pages, or `key`: `managedInstances` for `listManagedInstances`), `method`
    /// GET for collections or POST for `listNetworkEndpoints` and `listManagedInstances`.
    /// `filter`: Compute's list filter (see ``aggregatedList(project:collection:filter:)``).
    public func list(_ method: String, _ path: String, key: String = "items", filter: String? = nil) async throws -> [Value] {
        var items: [Value] = []
        try await pages(method, path, filter: filter) { items += $0[key]?.arrayValue ?? [] }
        return items
    }

    /// Every item of `projects/PROJECT/aggregated/COLLECTION` (every region and zone, and global where the collection
    /// has one), across pages: `items` maps each scope to `{COLLECTION: [...]}` (or a warning when it has none).
    /// `filter` is sent as given (an AIP-160 expression such as `labels.owner = "me"`, or the regex form
    /// `description eq "re"`).
    public func aggregatedList(project: String, collection: String, filter: String? = nil) async throws -> [Value] {
        var items: [Value] = []
        try await pages("GET", "projects/\(project)/aggregated/\(collection)", filter: filter) { page in
            for scope in (page["items"]?.objectValue ?? [:]).keys.sorted() { items += page["items"]?[scope]?[collection]?.arrayValue ?? [] }
        }
        return items
    }

    private func pages(_ method: String, _ path: String, filter: String?, _ each: (Value) -> Void) async throws {
        var token: String?
        repeat {
            var query: [(String, String)] = [("maxResults", "500")]
            if let filter { query.append(("filter", filter)) }
            if let token { query.append(("pageToken", token)) }
            let page = try await send(method, path, query: query)
            each(page)
            token = page["nextPageToken"]?.stringValue
            try Task.checkCancellation()
        } while token?.isEmpty == false
    }
}
