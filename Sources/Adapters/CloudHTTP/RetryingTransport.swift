public import Foundation
public import ProviderAPI

/// An ``HTTPTransport`` that retries another one according to a ``RetryPolicy`` and logs every
/// attempt to an ``HTTPLogSink``.
///
/// Contract:
/// - Only requests the policy deems idempotent are ever sent more than once.
/// - When retries run out (or the request may not be retried) the last *response* is returned,
///   not thrown, so callers can decode the service's error body; the last transport error is
///   rethrown as is.
/// - Task cancellation stops at once, including during a wait, with
///   ``HTTPTransportError/cancelled``; a cancelled attempt is never retried.
/// - Each attempt yields exactly one ``HTTPLogRecord``: method, URL path (never the query),
///   status, duration, the service's request id, attempt number and a note on failures and
///   retries. Header values and bodies are never looked at for logging, so tokens and secrets
///   cannot leak into records.
/// - Time and randomness are injected: `now` measures durations and resolves HTTP-date
///   `Retry-After` values, `sleep` waits, `random` draws the jittered delay.
public struct RetryingTransport: HTTPTransport {
    public let base: any HTTPTransport
    public let policy: RetryPolicy
    private let logSink: any HTTPLogSink
    private let now: @Sendable () -> Date
    private let sleep: @Sendable (Duration) async throws -> Void
    private let random: @Sendable (ClosedRange<Double>) -> Double

    /// - Parameters:
    ///   - base: the transport doing the actual exchange (it must not retry itself).
    ///   - random: returns a uniformly distributed value in the given range (seconds).
    public init(
        wrapping base: any HTTPTransport,
        policy: RetryPolicy = RetryPolicy(),
        logSink: any HTTPLogSink = NullLogSink(),
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable (ClosedRange<Double>) -> Double = { Double.random(in: $0) }
    ) {
        self.base = base
        self.policy = policy
        self.logSink = logSink
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let path = RequestDescription.path(of: request.url)
        let idempotent = policy.isIdempotent(request)
        var attempt = 1
        while true {
            if Task.isCancelled { throw HTTPTransportError.cancelled }
            let started = now()
            let isLast = attempt >= policy.maxAttempts
            var record = HTTPLogRecord(
                method: request.method, path: path, status: nil, durationSeconds: 0, requestID: nil, attempt: attempt
            )
            let delay: Duration
            do {
                let response = try await base.send(request)
                record.durationSeconds = elapsed(since: started)
                record.status = response.status
                record.requestID = RequestDescription.requestID(in: response)
                guard policy.isRetryable(response) else {
                    logSink.record(record)
                    return response
                }
                guard idempotent, !isLast else {
                    record.note = "\(response.status)" + (idempotent ? Self.givingUp(after: attempt) : Self.notIdempotent(request))
                    logSink.record(record)
                    return response
                }
                delay = waitBefore(retry: attempt, after: response)
                record.note = "\(response.status), retrying in \(Self.format(delay))"
            } catch {
                record.durationSeconds = elapsed(since: started)
                let transportError = error as? HTTPTransportError
                if Task.isCancelled || error is CancellationError || transportError == .cancelled {
                    record.note = "cancelled"
                    logSink.record(record)
                    throw HTTPTransportError.cancelled
                }
                guard let transportError, policy.isRetryable(transportError), idempotent, !isLast else {
                    var note = Self.describe(error)
                    if let transportError, policy.isRetryable(transportError) {
                        note += idempotent ? Self.givingUp(after: attempt) : Self.notIdempotent(request)
                    }
                    record.note = note
                    logSink.record(record)
                    throw error
                }
                delay = jittered(retry: attempt)
                record.note = "\(transportError.description), retrying in \(Self.format(delay))"
            }
            logSink.record(record)
            do {
                try await sleep(delay)
            } catch {
                throw HTTPTransportError.cancelled
            }
            attempt += 1
        }
    }

    /// `Retry-After` (capped) when the response carries a usable one, full-jitter backoff otherwise.
    private func waitBefore(retry: Int, after response: HTTPResponse) -> Duration {
        if let requested = RetryAfter.delay(in: response, now: now()) {
            return min(requested, policy.maxRetryAfter)
        }
        return jittered(retry: retry)
    }

    private func jittered(retry: Int) -> Duration {
        let ceiling = policy.backoffCeiling(retry: retry).seconds
        guard ceiling > 0 else { return .zero }
        let drawn = random(0...ceiling)
        return .seconds(min(ceiling, max(0, drawn)))
    }

    private func elapsed(since start: Date) -> Double {
        max(0, now().timeIntervalSince(start))
    }

    private static func givingUp(after attempts: Int) -> String {
        ", giving up after \(attempts) attempt\(attempts == 1 ? "" : "s")"
    }

    private static func notIdempotent(_ request: HTTPRequest) -> String {
        ", not retried: \(request.method) is not marked idempotent"
    }

    static func format(_ delay: Duration) -> String {
        String(format: "%.1fs", delay.seconds)
    }

    /// Errors from transports are designed to be safe to print; anything else is reduced to its type.
    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPTransportError { return error.description }
        return "error: \(type(of: error))"
    }
}
