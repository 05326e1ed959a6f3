public import CloudHTTP
import ProviderAPI

extension RetryPolicy {
    /// This policy, also treating Entra ID token POSTs (`…/oauth2/v2.0/token`) as idempotent so
    /// they are retried: issuing a second token has no other effect.
    public func retryingAzureTokenRequests() -> RetryPolicy {
        markingIdempotent { EntraTokenClient.isTokenRequest($0) }
    }

    /// What azure-identity does for IMDS: retry 404 and 410 (the endpoint warming up), 429 and
    /// every 5xx, with exponential backoff; never retry connection failures, so that off Azure the
    /// credential reports "unavailable" after one short connect timeout instead of lingering.
    /// (azure-identity waits at least 70 s in total on 410; this policy's default ceiling is
    /// shorter, about 15 s over five attempts.)
    public static var imds: RetryPolicy {
        RetryPolicy(
            maxAttempts: 5,
            baseDelay: .seconds(1),
            maxDelay: .seconds(8),
            maxRetryAfter: .seconds(30),
            retryableStatuses: Set([404, 408, 410, 429]).union(500...599),
            retriesTransportFailures: false
        )
    }
}
