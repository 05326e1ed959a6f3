public import Foundation

/// A bearer token and the moment it stops being valid.
public struct AccessToken: Sendable, Hashable {
    public var token: String
    public var expiresAt: Date

    public init(token: String, expiresAt: Date) {
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// Supplies bearer tokens for a cloud API (Azure Resource Manager, GCP Compute).
///
/// Contract:
/// - `token(for:)` returns a token that stays valid for at least a few minutes. The provider handed to
///   API clients caches tokens per scope and refreshes them before they expire, so callers may ask
///   before every request. (Raw credentials that fetch on every call, like AzureAuth's, are wrapped in
///   a cache, AzureAuth's `TokenCache`, before being handed out.)
/// - Tokens, client secrets and assertions never appear in errors, logs or descriptions.
/// - Honours task cancellation.
public protocol AccessTokenProvider: Sendable {
    /// A token for `scope`, e.g. `https://management.azure.com/.default`.
    func token(for scope: String) async throws -> AccessToken
}

/// One HTTP exchange as a log line: never a header value or a body, so never a token or a secret.
public struct HTTPLogRecord: Sendable, Hashable {
    public var method: String
    /// The URL's path only (no query string, which may carry signatures).
    public var path: String
    /// Nil when no response arrived (connection failure, timeout, cancellation).
    public var status: Int?
    public var durationSeconds: Double
    /// The service's request id (`x-ms-request-id`, or GCP's `x-goog-request-id` / operation name).
    public var requestID: String?
    /// 1 for the first try; higher for retries.
    public var attempt: Int
    /// Why the exchange failed or is being retried, when it did or is.
    public var note: String?

    public init(
        method: String, path: String, status: Int?, durationSeconds: Double, requestID: String?, attempt: Int = 1, note: String? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.durationSeconds = durationSeconds
        self.requestID = requestID
        self.attempt = attempt
        self.note = note
    }

    /// `GET /subscriptions/.../loadBalancers/kafka-lb -> 200 in 0.052s (x-ms-request-id 1234) [attempt 2: 429]`.
    public var line: String {
        var s = "\(method) \(path) -> \(status.map(String.init) ?? "no response") in \(String(format: "%.3f", durationSeconds))s"
        if let requestID { s += " (request id \(requestID))" }
        if attempt > 1 || note != nil { s += " [attempt \(attempt)\(note.map { ": \($0)" } ?? "")]" }
        return s
    }
}

/// Where HTTP log records go. Called concurrently; must not block for long.
public protocol HTTPLogSink: Sendable {
    func record(_ entry: HTTPLogRecord)
}
