import Foundation
public import ProviderAPI

/// When and how long ``RetryingTransport`` retries.
///
/// Contract:
/// - A request is retried only when ``isIdempotent`` says so. The default accepts GET, HEAD, PUT,
///   DELETE and OPTIONS; a caller opts a POST or PATCH in (e.g. an OAuth token POST, which is safe
///   to repeat) with ``markingIdempotent(_:)``. The mechanism is a closure, never a request header,
///   so nothing extra goes on the wire.
/// - A response is retryable when its status is in ``retryableStatuses``, when it is a 429 or a
///   5xx carrying `Retry-After`, or when a cloud's own rule says so (``retryingResponses(_:)``: Compute's
///   403 `rateLimitExceeded`).
/// - Transport failures (``HTTPTransportError/connectFailed(_:)`` and
///   ``HTTPTransportError/timedOut(_:)``) are retryable when ``retriesTransportFailures`` is set;
///   ``HTTPTransportError/cancelled`` never is.
/// - Waits use exponential backoff with full jitter: a uniform random delay in
///   `[0, min(maxDelay, baseDelay * 2^(retry-1))]`. A parseable `Retry-After` (delta-seconds or an
///   HTTP-date, or Azure's `retry-after-ms` / `x-ms-retry-after-ms`) replaces the backoff, capped
///   at ``maxRetryAfter``.
public struct RetryPolicy: Sendable {
    /// Total tries including the first; values below 1 are treated as 1.
    public var maxAttempts: Int
    /// Backoff ceiling for the first retry; doubles per retry up to ``maxDelay``.
    public var baseDelay: Duration
    /// Largest backoff ceiling.
    public var maxDelay: Duration
    /// Largest `Retry-After` wait honoured; longer requests are shortened to this.
    public var maxRetryAfter: Duration
    /// Statuses retried with or without `Retry-After`.
    public var retryableStatuses: Set<Int>
    /// Whether connection failures and timeouts are retried.
    public var retriesTransportFailures: Bool
    /// Whether retrying `request` is safe. See ``markingIdempotent(_:)``.
    public var isIdempotent: @Sendable (HTTPRequest) -> Bool
    /// Other responses a cloud asks to be retried (see ``retryingResponses(_:)``).
    public var isRetryableResponse: @Sendable (HTTPResponse) -> Bool = { _ in false }

    /// Methods that are idempotent by definition (RFC 9110 §9.2.2, minus TRACE).
    public static let idempotentMethods: Set<String> = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]

    /// The statuses ARM and GCP ask clients to retry.
    public static let defaultRetryableStatuses: Set<Int> = [408, 429, 500, 502, 503, 504]

    public init(
        maxAttempts: Int = 4,
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(120),
        retryableStatuses: Set<Int> = RetryPolicy.defaultRetryableStatuses,
        retriesTransportFailures: Bool = true,
        isIdempotent: @escaping @Sendable (HTTPRequest) -> Bool = { RetryPolicy.idempotentMethods.contains($0.method.uppercased()) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.retryableStatuses = retryableStatuses
        self.retriesTransportFailures = retriesTransportFailures
        self.isIdempotent = isIdempotent
    }

    /// A copy that also treats requests matching `predicate` as idempotent (e.g. a token POST).
    public func markingIdempotent(_ predicate: @escaping @Sendable (HTTPRequest) -> Bool) -> RetryPolicy {
        var copy = self
        let previous = isIdempotent
        copy.isIdempotent = { previous($0) || predicate($0) }
        return copy
    }

    /// A copy that also retries responses matching `predicate` (e.g. Compute's 403 with reason `rateLimitExceeded`).
    public func retryingResponses(_ predicate: @escaping @Sendable (HTTPResponse) -> Bool) -> RetryPolicy {
        var copy = self
        let previous = isRetryableResponse
        copy.isRetryableResponse = { previous($0) || predicate($0) }
        return copy
    }

    /// Whether `response` asks to be retried (ignoring idempotency and the attempt count).
    public func isRetryable(_ response: HTTPResponse) -> Bool {
        if retryableStatuses.contains(response.status) || isRetryableResponse(response) { return true }
        let throttledOrServerError = response.status == 429 || (500...599).contains(response.status)
        return throttledOrServerError && response.header("Retry-After") != nil
    }

    /// Whether `error` is a transient transport failure worth retrying.
    public func isRetryable(_ error: HTTPTransportError) -> Bool {
        guard retriesTransportFailures else { return false }
        switch error {
        case .connectFailed, .timedOut: return true
        case .cancelled, .responseTooLarge, .other: return false
        }
    }

    /// The full-jitter ceiling before retry number `retry` (1 for the first retry):
    /// `min(maxDelay, baseDelay * 2^(retry-1))`.
    public func backoffCeiling(retry: Int) -> Duration {
        let exponent = min(max(0, retry - 1), 62)
        let base = baseDelay.seconds
        let ceiling = min(maxDelay.seconds, base * Double(UInt64(1) << UInt64(exponent)))
        return .seconds(max(0, ceiling))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}

extension RetryPolicy {
    /// The default policy, with `RECONCILE_HTTP_RETRY_BASE_MS` (a non-negative integer) as its base delay; every
    /// cloud's wiring reads it the same way.
    public static func fromEnvironment(_ environment: [String: String]) -> RetryPolicy {
        var policy = RetryPolicy()
        if let text = environment["RECONCILE_HTTP_RETRY_BASE_MS"], let ms = Int64(text.trimmingCharacters(in: .whitespaces)), ms >= 0 {
            policy.baseDelay = .milliseconds(ms)
        }
        return policy
    }
}
