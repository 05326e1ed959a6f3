import Foundation
import ProviderAPI
import ReconcileModel
import Synchronization

/// TEST DOUBLE: a scripted stand-in for Azure Resource Manager behind the `HTTPTransport` port.
///
/// Routes are `METHOD path` (case-insensitive, query ignored); each replays its responses in order and repeats
/// the last one. Unscripted requests get a 501 naming the request, so a missing script fails loudly. Every
/// request is recorded, and the number of requests in flight at once is measured (with an optional delay).
final class ScriptedARMTransport: HTTPTransport, Sendable {
    private struct State {
        var routes: [String: [HTTPResponse]] = [:]
        var served: [String: Int] = [:]
        var requests: [HTTPRequest] = []
        var inFlight = 0
        var maxInFlight = 0
    }

    private let state = Mutex(State())
    private let delay: Duration?

    init(delay: Duration? = nil) { self.delay = delay }

    /// Scripts the responses to `METHOD path` (a resource id, or the path of an absolute URL).
    func script(_ method: String, _ path: String, _ responses: HTTPResponse...) {
        let key = Self.key(method, path)
        state.withLock { $0.routes[key, default: []] += responses }
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var maxInFlight: Int { state.withLock { $0.maxInFlight } }
    func requests(_ method: String) -> [HTTPRequest] { requests.filter { $0.method == method } }
    /// `METHOD path` of every request, in order.
    var log: [String] { requests.map { "\($0.method) \(Self.path(of: $0.url))" } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        state.withLock { s in
            s.requests.append(request)
            s.inFlight += 1
            s.maxInFlight = max(s.maxInFlight, s.inFlight)
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        if let delay { try await Task.sleep(for: delay) }
        let key = Self.key(request.method, Self.path(of: request.url))
        return state.withLock { s in
            guard let responses = s.routes[key], !responses.isEmpty else {
                return .armError(501, code: "UnscriptedRequest", message: "test double has no response for \(key)")
            }
            let index = s.served[key, default: 0]
            s.served[key] = index + 1
            return responses[min(index, responses.count - 1)]
        }
    }

    static func key(_ method: String, _ path: String) -> String { "\(method.uppercased()) \(self.path(of: path).lowercased())" }

    /// The path of a URL or id, without scheme, host or query.
    static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        if let query = rest.firstIndex(of: "?") { rest = rest[..<query] }
        return String(rest).removingPercentEncoding ?? String(rest)
    }
}

extension HTTPResponse {
    static func json(_ status: Int, _ body: Value, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json"), ("x-ms-request-id", "rid-\(status)")] + headers,
                     body: Array(body.description.utf8))
    }

    static func armError(_ status: Int, code: String, message: String, requestID: String = "req-123", headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("x-ms-request-id", requestID)] + headers,
                     body: Array(Value.object(["error": ["code": .string(code), "message": .string(message)]]).description.utf8))
    }

    static var notFound: HTTPResponse { .armError(404, code: "ResourceNotFound", message: "The Resource was not found.") }
    static func empty(_ status: Int, headers: [(String, String)] = []) -> HTTPResponse { HTTPResponse(status: status, headers: headers) }
}

extension HTTPRequest {
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

    /// The decoded JSON body, if any.
    var json: Value? {
        guard let body else { return nil }
        return try? JSONDecoder().decode(Value.self, from: Data(body))
    }

    var query: String { url.firstIndex(of: "?").map { String(url[url.index(after: $0)...]) } ?? "" }
}
