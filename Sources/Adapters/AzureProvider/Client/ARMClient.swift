import Foundation
public import ProviderAPI
public import ReconcileModel

/// Azure Resource Manager over any `HTTPTransport`: GET, paged lists, full-body PUT and DELETE that follow
/// long-running operations to the end.
///
/// Contract:
/// - Every request carries `Authorization: Bearer` (a token asked for `configuration.scope` each time; the
///   token provider caches), a fresh `x-ms-client-request-id`, and the pinned `api-version` of the path's
///   provider namespace (`APIVersions`). Ids are paths under `configuration.baseURL`.
/// - No generic HTTP retry here (the transport below may be a retrying one). The one ARM-level retry: a
///   PUT/DELETE answered `RetryableErrorDueToAnotherOperation`/`AnotherOperationInProgress` is sent again after
///   `Retry-After`, at most `maxAnotherOperationRetries` times.
/// - Failures throw `ARMError` (classified retryable/terminal, with request id and hint); cancellation throws
///   `CancellationError`.
/// - Absolute URLs from the service (`nextLink`, `Azure-AsyncOperation`, `Location`) are followed verbatim, and
///   only on the origin of `baseURL`.
public struct ARMClient: Sendable {
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    let transport: any HTTPTransport
    let credentials: any AccessTokenProvider
    public let configuration: AzureResourceProvider.Configuration
    let sleep: Sleep

    public init(
        transport: any HTTPTransport, credentials: any AccessTokenProvider,
        configuration: AzureResourceProvider.Configuration = .init(), sleep: @escaping Sleep = ARMClient.taskSleep
    ) {
        self.transport = transport
        self.credentials = credentials
        self.configuration = configuration
        self.sleep = sleep
    }

    public static let taskSleep: Sleep = { duration in try await Task.sleep(for: duration) }

    /// The resource, or nil when ARM answers 404 (absent, or its resource group is).
    public func get(_ id: String) async throws -> Value? {
        let (response, url) = try await send("GET", id)
        if response.status == 404 { return nil }
        guard (200..<300).contains(response.status) else { throw ARMError.response(response, method: "GET", url: url) }
        return try decode(response, method: "GET", url: url)
    }

    /// Every element of a collection (`{value, nextLink}`), following `nextLink` verbatim.
    public func list(_ path: String) async throws -> [Value] {
        var items: [Value] = []
        var next: String? = path
        var seen: Set<String> = []
        while let target = next {
            guard seen.insert(target).inserted, seen.count <= 1000 else {
                throw ARMError(kind: .terminal, message: "ARM list \(ARMPath.short(path)) returned a nextLink loop")
            }
            let (response, url) = try await send("GET", target)
            guard (200..<300).contains(response.status) else { throw ARMError.response(response, method: "GET", url: url) }
            let page = try decode(response, method: "GET", url: url)
            items += page["value"]?.arrayValue ?? []
            next = page["nextLink"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        }
        return items
    }

    /// Every element of a collection narrowed by an OData `$filter` (sent on the first page; `nextLink` carries
    /// it on).
    public func list(_ path: String, filter: String) async throws -> [Value] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encoded = filter.addingPercentEncoding(withAllowedCharacters: allowed) ?? filter
        return try await list(try resolve(path) + "&%24filter=" + encoded)
    }

    /// Creates or replaces the whole resource, waits for its operation, and returns it as it then stands.
    public func put(_ id: String, body: Value) async throws -> Value {
        let (initial, url) = try await mutate("PUT", id, body: body)
        return try await finishPut(id, initial: initial, url: url)
    }

    /// Deletes the resource and waits until it is gone. Absent already (204, 404) is success.
    public func delete(_ id: String) async throws {
        let (initial, url) = try await mutate("DELETE", id, body: nil)
        try await finishDelete(id, initial: initial, url: url)
    }

    /// A token for `configuration.scope`, or an `ARMError` saying why there is none.
    public func bearerToken() async throws -> String {
        do {
            return try await credentials.token(for: configuration.scope).token
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as ProviderError {
            throw ARMError(kind: error.kind, message: "cannot get an Azure access token for \(configuration.scope): \(error.message)")
        } catch {
            let kind: ProviderError.Kind = error is HTTPTransportError ? .retryable : .terminal
            throw ARMError(kind: kind, message: "cannot get an Azure access token for \(configuration.scope): \(error)")
        }
    }

    // MARK: - Requests

    /// A PUT or DELETE, sent again while another operation holds the resource. Returns a 2xx response (or a
    /// DELETE's 404).
    func mutate(_ method: String, _ id: String, body: Value?) async throws -> (HTTPResponse, String) {
        var attempt = 0
        while true {
            let (response, url) = try await send(method, id, body: body)
            if (200..<300).contains(response.status) || (method == "DELETE" && response.status == 404) { return (response, url) }
            let error = ARMError.response(response, method: method, url: url)
            guard error.isAnotherOperation, attempt < configuration.maxAnotherOperationRetries else { throw error }
            attempt += 1
            try await sleep(retryAfter(response))
        }
    }

    /// One exchange. `target` is an id/path under `baseURL` (the api-version is added) or an absolute URL
    /// from the service (sent verbatim).
    func send(_ method: String, _ target: String, body: Value? = nil) async throws -> (HTTPResponse, String) {
        let url = try resolve(target)
        var headers: [(String, String)] = [
            ("Authorization", "Bearer \(try await bearerToken())"),
            ("x-ms-client-request-id", UUID().uuidString.lowercased()),
            ("Accept", "application/json"),
        ]
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let request = HTTPRequest(method: method, url: url, headers: headers, body: body.map(JSONText.encode), timeout: configuration.requestTimeout)
        try Task.checkCancellation()
        do {
            return (try await transport.send(request), url)
        } catch is CancellationError {
            throw CancellationError()
        } catch HTTPTransportError.cancelled {
            throw CancellationError()
        } catch {
            throw ARMError.transport(error, method: method, url: url)
        }
    }

    func resolve(_ target: String) throws -> String {
        if ARMPath.origin(target) != nil {
            guard ARMPath.origin(target) == ARMPath.origin(configuration.baseURL) else {
                throw ARMError(kind: .terminal, message: "ARM sent a URL on another host (\(ARMPath.origin(target) ?? target)) than "
                    + "\(configuration.baseURL); not following it with the reconciler's credentials")
            }
            return target
        }
        let path = target.hasPrefix("/") ? target : "/" + target
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return "\(configuration.baseURL)\(encoded)?api-version=\(APIVersions.forPath(path))"
    }

    func decode(_ response: HTTPResponse, method: String, url: String) throws -> Value {
        do {
            return try JSONText.decode(response.body)
        } catch {
            throw ARMError(
                kind: .retryable, status: response.status,
                message: "ARM \(response.status) on \(method) \(ARMPath.short(url)) returned a body that is not JSON (\(error))",
                requestID: response.header("x-ms-request-id"))
        }
    }

    /// `Retry-After` (seconds; or azure-core's `retry-after-ms` / `x-ms-retry-after-ms`), capped at 10 minutes;
    /// `defaultPollInterval` when absent or unreadable.
    func retryAfter(_ response: HTTPResponse) -> Duration {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = response.header(name), let ms = Double(text.trimmingPrefixAndSuffixBlanks), ms >= 0 {
                return .milliseconds(Int64(min(ms, 600_000)))
            }
        }
        if let text = response.header("Retry-After"), let seconds = Double(text.trimmingPrefixAndSuffixBlanks), seconds >= 0 {
            return .milliseconds(Int64(min(seconds, 600) * 1000))
        }
        return configuration.defaultPollInterval
    }
}
