public import ProviderAPI
public import ReconcileModel
import Foundation
import Synchronization

/// The subset of etcd v3 the state store uses, through etcd's JSON gateway (`POST /v3/...`, bytes as base64,
/// int64 as strings), over the project's HTTP transport. No gRPC: the gateway is served by every etcd since 3.4
/// (Debian's 3.4.23 included), `/v3` only (3.5 drops `/v3beta`).
///
/// Hand-written because no Swift etcd client fits: the two that exist speak gRPC through grpc-swift 1.x, which the
/// package mirror does not carry, and lack leases or transactions (`../shared/reference/etcd.md` §D.6).
///
/// Contract:
/// - Every call goes to the current endpoint; a connection failure, a timeout, or an answer that the member cannot
///   serve now (HTTP 5xx or 503, "no leader", "leader changed", "too many requests") moves to the next endpoint
///   and retries once per endpoint; after every endpoint failed the call throws `EtcdError.unavailable`.
///   A request that may have taken effect before its connection broke is retried only when it is idempotent or
///   guarded (every write of the store is a compare-and-set or a put of a fresh key, so a repeat is harmless).
/// - With a user name, the client authenticates once (`/v3/auth/authenticate`), sends the token as
///   `Authorization: <token>` (not `Bearer`), and re-authenticates once on an "invalid auth token" answer.
/// - Never logs; the password and the token never appear in errors.
public final class EtcdClient: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Base URLs of the members, e.g. `http://127.0.0.1:2379` (https when the transport carries a CA).
        public var endpoints: [String]
        public var username: String?
        public var password: String?
        /// Per-request timeout in seconds.
        public var requestTimeout: Double

        public init(endpoints: [String], username: String? = nil, password: String? = nil, requestTimeout: Double = 5) {
            self.endpoints = endpoints
            self.username = username
            self.password = password
            self.requestTimeout = requestTimeout
        }
    }

    public let configuration: Configuration
    private let transport: any HTTPTransport
    private struct State {
        var current = 0
        var token: String?
    }
    private let state = Mutex(State())

    public init(configuration: Configuration, transport: any HTTPTransport) {
        precondition(!configuration.endpoints.isEmpty, "etcd needs at least one endpoint")
        self.configuration = configuration
        self.transport = transport
    }

    /// The endpoint calls go to now.
    public var currentEndpoint: String { configuration.endpoints[state.withLock { $0.current }] }

    // MARK: Key-value

    public struct KeyValue: Sendable, Hashable {
        public var key: String
        public var value: [UInt8]
        public var createRevision: Int
        public var modRevision: Int
        public var version: Int
        public var lease: Int

        init(_ v: Value) throws(EtcdError) {
            guard let key = v["key"]?.stringValue.flatMap(EtcdClient.unbase64) else { throw .malformed("a key-value without a key") }
            self.key = String(decoding: key, as: UTF8.self)
            self.value = v["value"]?.stringValue.flatMap(EtcdClient.unbase64) ?? []
            self.createRevision = EtcdClient.int64(v["create_revision"])
            self.modRevision = EtcdClient.int64(v["mod_revision"])
            self.version = EtcdClient.int64(v["version"])
            self.lease = EtcdClient.int64(v["lease"])
        }
    }

    public struct RangeResult: Sendable {
        public var kvs: [KeyValue]
        /// The store's revision when the range was read.
        public var revision: Int
    }

    /// A comparison of a transaction.
    public enum Compare: Sendable, Hashable {
        /// The key's `create_revision` equals this (0: the key does not exist).
        case createRevision(String, equals: Int)
        /// The key's `mod_revision` equals this.
        case modRevision(String, equals: Int)

        var json: Value {
            switch self {
            case .createRevision(let key, let revision):
                ["key": .string(EtcdClient.base64(key)), "target": "CREATE", "result": "EQUAL", "create_revision": .string(String(revision))]
            case .modRevision(let key, let revision):
                ["key": .string(EtcdClient.base64(key)), "target": "MOD", "result": "EQUAL", "mod_revision": .string(String(revision))]
            }
        }
    }

    /// One operation of a transaction's success or failure branch.
    public enum Operation: Sendable, Hashable {
        case put(String, [UInt8], lease: Int = 0)
        case get(String)
        case delete(String)

        var json: Value {
            switch self {
            case .put(let key, let value, let lease):
                var put: [String: Value] = ["key": .string(EtcdClient.base64(key)), "value": .string(Data(value).base64EncodedString())]
                if lease != 0 { put["lease"] = .string(String(lease)) }
                return ["request_put": .object(put)]
            case .get(let key): return ["request_range": ["key": .string(EtcdClient.base64(key))]]
            case .delete(let key): return ["request_delete_range": ["key": .string(EtcdClient.base64(key))]]
            }
        }
    }

    public struct TxnResult: Sendable {
        public var succeeded: Bool
        /// The key-values of each `get` of the branch that ran, in order.
        public var ranges: [[KeyValue]]
        public var revision: Int
    }

    /// Reads one key, or every key under `prefix` when `prefix` is true (sorted by key, or by creation when
    /// `byCreation`).
    public func range(_ key: String, prefix: Bool = false, keysOnly: Bool = false, byCreation: Bool = false) async throws(EtcdError) -> RangeResult {
        var body: [String: Value] = ["key": .string(Self.base64(key))]
        if prefix { body["range_end"] = .string(Data(Self.prefixEnd(Array(key.utf8))).base64EncodedString()) }
        if keysOnly { body["keys_only"] = true }
        if byCreation {
            body["sort_target"] = "CREATE"
            body["sort_order"] = "ASCEND"
        }
        let reply = try await call("/v3/kv/range", .object(body))
        return RangeResult(kvs: try (reply["kvs"]?.arrayValue ?? []).map { v throws(EtcdError) in try KeyValue(v) }, revision: Self.int64(reply["header"]?["revision"]))
    }

    public func put(_ key: String, _ value: [UInt8], lease: Int = 0) async throws(EtcdError) {
        var body: [String: Value] = ["key": .string(Self.base64(key)), "value": .string(Data(value).base64EncodedString())]
        if lease != 0 { body["lease"] = .string(String(lease)) }
        _ = try await call("/v3/kv/put", .object(body))
    }

    public func txn(if compare: [Compare], then success: [Operation], else failure: [Operation] = []) async throws(EtcdError) -> TxnResult {
        let body: Value = [
            "compare": .array(compare.map(\.json)), "success": .array(success.map(\.json)), "failure": .array(failure.map(\.json)),
        ]
        let reply = try await call("/v3/kv/txn", body)
        var ranges: [[KeyValue]] = []
        for response in reply["responses"]?.arrayValue ?? [] {
            if let range = response["response_range"] {
                ranges.append(try (range["kvs"]?.arrayValue ?? []).map { v throws(EtcdError) in try KeyValue(v) })
            }
        }
        return TxnResult(succeeded: reply["succeeded"] == .bool(true), ranges: ranges, revision: Self.int64(reply["header"]?["revision"]))
    }

    // MARK: Leases

    /// Grants a lease of `ttl` seconds; returns its id.
    public func grantLease(ttl: Int) async throws(EtcdError) -> Int {
        let reply = try await call("/v3/lease/grant", ["TTL": .string(String(ttl))])
        let id = Self.int64(reply["ID"])
        guard id != 0 else { throw .malformed("lease grant without an ID") }
        return id
    }

    /// Renews a lease; returns the TTL etcd granted, or 0 when the lease has expired (etcd leaves `TTL` out).
    /// The gateway answers one NDJSON line and ends the stream, so each keepalive is one request.
    public func keepAlive(lease: Int) async throws(EtcdError) -> Int {
        let reply = try await call("/v3/lease/keepalive", ["ID": .string(String(lease))])
        return Self.int64(reply["result"]?["TTL"] ?? reply["TTL"])
    }

    /// Revokes a lease, deleting every key attached to it. A lease already gone is not an error.
    public func revokeLease(_ lease: Int) async throws(EtcdError) {
        do {
            _ = try await call("/v3/lease/revoke", ["ID": .string(String(lease))])
        } catch .server(_, let message, _) where message.contains("lease not found") {
        }
    }

    // MARK: Calls and failover

    private func call(_ path: String, _ body: Value) async throws(EtcdError) -> Value {
        let count = configuration.endpoints.count
        let start = state.withLock { $0.current }
        var failures: [String] = []
        for step in 0..<count {
            let index = (start + step) % count
            let endpoint = configuration.endpoints[index]
            do {
                let reply = try await callOnce(endpoint, path, body, reauthenticate: true)
                if step > 0 { state.withLock { $0.current = index } }
                return reply
            } catch .unavailable(let why) {
                failures.append("\(endpoint): \(why)")
            }
        }
        throw .unavailable(failures.joined(separator: "; "))
    }

    /// One endpoint. Throws `.unavailable` for what another member may serve, `.server` for an answer.
    private func callOnce(_ endpoint: String, _ path: String, _ body: Value, reauthenticate: Bool) async throws(EtcdError) -> Value {
        var headers = [("Content-Type", "application/json")]
        if configuration.username != nil {
            let token = try await token(endpoint)
            headers.append(("Authorization", token))
        }
        let request = HTTPRequest(method: "POST", url: endpoint + path, headers: headers, body: JSONText.encode(body), timeout: configuration.requestTimeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as HTTPTransportError {
            if error == .cancelled { throw .cancelled }
            throw .unavailable(error.description)
        } catch {
            throw .unavailable("\(error)")
        }
        // The keepalive stream is NDJSON: its first line is the answer.
        let firstLine = Array(response.body.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: true).first ?? [])
        let reply: Value
        do {
            reply = try JSONText.decode(firstLine)
        } catch {
            if response.status >= 500 { throw .unavailable("HTTP \(response.status)") }
            throw .malformed("HTTP \(response.status): \(error.description)")
        }
        let failure = reply["error"]
        if response.status == 200, failure == nil || failure == .null { return reply }
        let message = reply["message"]?.stringValue ?? failure?["message"]?.stringValue ?? reply["error"]?.stringValue ?? "HTTP \(response.status)"
        let code = reply["code"]?.intValue ?? failure?["grpc_code"]?.intValue ?? 0
        if message.contains("invalid auth token") || message.contains("auth token is not provided"), reauthenticate, configuration.username != nil {
            state.withLock { $0.token = nil }
            return try await callOnce(endpoint, path, body, reauthenticate: false)
        }
        if response.status >= 500 || code == 14 || Self.transientMessages.contains(where: message.contains) {
            throw .unavailable(message)
        }
        throw .server(code: code, message: message, status: response.status)
    }

    /// Answers another member may not give: this one lost its leader or is overloaded.
    static let transientMessages = ["no leader", "leader changed", "too many requests", "timed out", "not capable", "unhealthy cluster"]

    private func token(_ endpoint: String) async throws(EtcdError) -> String {
        if let token = state.withLock({ $0.token }) { return token }
        let body: Value = ["name": .string(configuration.username ?? ""), "password": .string(configuration.password ?? "")]
        let request = HTTPRequest(
            method: "POST", url: endpoint + "/v3/auth/authenticate", headers: [("Content-Type", "application/json")], body: JSONText.encode(body),
            timeout: configuration.requestTimeout)
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            throw .unavailable("authenticate: \(error)")
        }
        let reply = (try? JSONText.decode(response.body)) ?? .null
        guard response.status == 200, let token = reply["token"]?.stringValue else {
            if response.status >= 500 { throw .unavailable("authenticate: HTTP \(response.status)") }
            throw .authentication("user \(configuration.username ?? ""): \(reply["message"]?.stringValue ?? "HTTP \(response.status)")")
        }
        state.withLock { $0.token = token }
        return token
    }

    // MARK: Encoding

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    static func unbase64(_ text: String) -> [UInt8]? { Data(base64Encoded: text).map(Array.init) }
    static func int64(_ v: Value?) -> Int {
        switch v {
        case .string(let s)?: Int(s) ?? 0
        case .int(let i)?: i
        default: 0
        }
    }

    /// The end of the range of keys starting with `prefix`: its last byte below 0xff incremented, what follows dropped.
    static func prefixEnd(_ prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xff {
                end[end.count - 1] = last + 1
                return end
            }
            end.removeLast()
        }
        return [0]  // every key
    }
}

public enum EtcdError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No endpoint could serve the call (each one's reason, in order).
    case unavailable(String)
    /// A member answered with an error.
    case server(code: Int, message: String, status: Int)
    case authentication(String)
    case malformed(String)
    case cancelled

    public var description: String {
        switch self {
        case .unavailable(let why): "etcd unavailable: \(why)"
        case .server(let code, let message, let status): "etcd refused (HTTP \(status), code \(code)): \(message)"
        case .authentication(let why): "etcd authentication failed: \(why)"
        case .malformed(let why): "etcd answer not understood: \(why)"
        case .cancelled: "cancelled"
        }
    }
}
