public import CloudHTTP
import ProviderAPI

extension RetryPolicy {
    /// This policy, also treating GCP token POSTs as idempotent so that they are retried (issuing another
    /// token has no other effect): OAuth and STS token endpoints (a path ending in `/token`) and IAM
    /// Credentials' `…:generateAccessToken`.
    public func retryingGcpTokenRequests() -> RetryPolicy {
        markingIdempotent { request in
            let path = RequestDescription.path(of: request.url)
            return request.method.uppercased() == "POST"
                && (path.hasSuffix("/token") || path.hasSuffix(":generateAccessToken"))
        }
    }

    /// For the metadata server: retry 429 and 5xx with a short backoff; never retry a connection failure, so
    /// that off GCP the credential says "unavailable" after one connect timeout.
    public static var gcpMetadata: RetryPolicy {
        RetryPolicy(
            maxAttempts: 3, baseDelay: .milliseconds(500), maxDelay: .seconds(4), maxRetryAfter: .seconds(10),
            retryableStatuses: Set([429]).union(500...599), retriesTransportFailures: false
        )
    }
}
