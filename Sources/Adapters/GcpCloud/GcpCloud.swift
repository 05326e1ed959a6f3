public import CloudHTTP
import ComputeProvider
import CurlTransport
import Foundation
import GcpAuth
public import ProviderAPI

/// GCP's wiring, registered by the composition root as the `gcp` provider family in one line: Compute over libcurl,
/// with retries, request logging and the GCP credential chain, all configured from the environment.
///
/// Environment (the names Google's libraries and Terraform read, see GcpAuth):
/// - `GOOGLE_OAUTH_ACCESS_TOKEN`; `GOOGLE_APPLICATION_CREDENTIALS` (a service-account key: self-signed JWTs, no
///   token request; `authorized_user`; `external_account`); gcloud's ADC file under `CLOUDSDK_CONFIG`; then the
///   metadata server at `GCE_METADATA_HOST`;
/// - `GOOGLE_COMPUTE_CUSTOM_ENDPOINT`: the Compute base (default `https://compute.googleapis.com/compute/v1/`);
/// - `GOOGLE_CLOUD_PROJECT` (comma-separated): projects searched for the reconciler's resources besides those the
///   manifests and the inventory name;
/// - `RECONCILE_GCP_POLL_SECONDS`: the wait between polls of a running operation (default 2);
/// - `RECONCILE_HTTP_RETRY_BASE_MS`: the first retry's backoff ceiling (default 500, doubling per retry).
///
/// Requests are retried on 429, 5xx, dropped connections and Compute's 403 rate limits. A mutation (POST, PATCH)
/// is retried only when it carries a `requestId`: Compute then ignores the repeat, so nothing is done twice.
public enum GcpCloud {
    /// Compute requests of one observation in flight at once, and the libcurl connections that carry them (as Azure's:
    /// a 30-broker observation goes out in one wave).
    static let computeConcurrency = 64

    /// The Compute provider, or one that explains why it cannot work (every gcp.* address then says so).
    public static func provider(environment: [String: String], log: any HTTPLogSink) -> any ResourceProvider {
        let endpoints: GcpEndpoints
        do {
            endpoints = try GcpEndpoints.fromEnvironment(environment)
        } catch {
            return UnavailableProvider(
                types: ComputeResourceProvider.types, reason: "GCP endpoints: \(error)", summary: "GCP endpoint settings invalid")
        }
        let curl = CurlTransport(configuration: .init(maxConnections: computeConcurrency))
        let policy = computePolicy(RetryPolicy.fromEnvironment(environment))
        let compute = RetryingTransport(wrapping: curl, policy: policy, logSink: log)
        let tokens = RetryingTransport(wrapping: curl, policy: RetryPolicy.fromEnvironment(environment).retryingGcpTokenRequests(), logSink: log)
        let metadata = RetryingTransport(
            wrapping: CurlTransport(configuration: .init(connectTimeout: 2, maxConnections: 2)), policy: .gcpMetadata, logSink: log)
        let chain = GcpCredentialChain.fromEnvironment(
            environment, endpoints: endpoints, transport: tokens, metadataTransport: metadata, logSink: log)
        let seconds = environment["RECONCILE_GCP_POLL_SECONDS"].flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 2
        let configuration = ComputeResourceProvider.Configuration(
            baseURL: endpoints.compute, scope: endpoints.tokenScope, maxConcurrentRequests: computeConcurrency,
            pollInterval: .milliseconds(Int64(max(0, seconds) * 1000)),
            discoveryProjects: (environment["GOOGLE_CLOUD_PROJECT"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty })
        return ComputeResourceProvider(transport: compute, credentials: TokenCache(wrapping: chain), configuration: configuration)
    }

    /// `base`, also retrying mutations that carry a `requestId` and Compute's 403 rate-limit answers.
    public static func computePolicy(_ base: RetryPolicy) -> RetryPolicy {
        base.markingIdempotent { request in
            request.url.contains("requestId=") && ["POST", "PATCH"].contains(request.method.uppercased())
        }.retryingResponses { response in
            guard response.status == 403 else { return false }
            let text = String(decoding: response.body.prefix(4096), as: UTF8.self)
            return text.contains("\"rateLimitExceeded\"") || text.contains("\"RATE_LIMIT_EXCEEDED\"") || text.contains("\"userRateLimitExceeded\"")
        }
    }
}
