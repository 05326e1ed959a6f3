import Foundation
import AzureAuth
import AzureProvider
import CloudHTTP
import CurlTransport
public import ProviderAPI

/// Azure's wiring, registered by the composition root as the `azure` provider family in one line: ARM over libcurl,
/// with retries, request logging and the Azure credential chain, all configured from the environment.
///
/// Environment (the same names azure-identity reads, plus two endpoint overrides for emulators):
/// - `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`: a service principal's secret;
/// - `AZURE_FEDERATED_TOKEN_FILE` (+ tenant and client id): workload identity;
/// - otherwise managed identity (IMDS; `AZURE_CLIENT_ID` picks a user-assigned one), then the Azure CLI's login;
/// - `AZURE_RESOURCE_MANAGER_ENDPOINT` (default `https://management.azure.com`), `AZURE_AUTHORITY_HOST`
///   (default `https://login.microsoftonline.com`), `AZURE_IMDS_ENDPOINT`: plain `http://` only on loopback;
/// - `RECONCILE_AZURE_POLL_SECONDS`: the wait between long-running-operation polls when ARM sends no
///   `Retry-After` (default 10);
/// - `RECONCILE_HTTP_RETRY_BASE_MS`: the backoff ceiling of the first retry of a failed request without
///   `Retry-After` (default 500, doubling per retry); tests and emulators set it low so faults do not slow them.
public enum AzureCloud {
    /// ARM requests of one observation in flight at once, and the libcurl connections that carry them (kept alive
    /// for the provider's life). A pass GETs every declared and inventoried resource once: 2 x brokers + 5 per
    /// create-mode exposure, 11 for the seed, so 20 such clusters in one pass send about 220 GETs. Each wave of
    /// round trips costs one ARM latency: at 16, a 30-broker dry-run took 5 waves; at 64, 20 clusters took 4 (407 ms
    /// against 146 ms for one cluster); at 128 they took 2 (about twice one cluster's time); at 256 they take 1.
    /// Concurrency does not change what ARM throttles: it counts reads per subscription and region in a token
    /// bucket (250 reads of burst, refilled 25 a second), the same number of GETs at any concurrency; a pass of up
    /// to 250 reads fits the burst however fast it goes, and a larger one meets 429 + Retry-After (retried by
    /// `RetryingTransport`) at any concurrency. What grows is the number of connections one process opens to ARM
    /// (each a TCP + TLS handshake, then kept alive). Since every transfer runs on the transport's one libcurl multi
    /// thread, a connection is a socket, not a thread (256 at once was rejected while each request had its own
    /// thread: the threads cost more than the wave saved). Applies stay bounded by the executor (4 changes at once).
    /// Figures: BENCHMARKS.md, "A dry-run of 20 clusters in one process" and "Dry-run against ARM with 50 ms per
    /// request".
    static let armConcurrency = 256

    /// The ARM provider, or one that explains why it cannot work (every azure.* address then says so).
    public static func provider(environment: [String: String], log: any HTTPLogSink) -> any ResourceProvider {
        let endpoints: AzureEndpoints
        do {
            endpoints = try AzureEndpoints.fromEnvironment(environment)
        } catch {
            return UnavailableProvider(
                types: AzureResourceProvider.types, reason: "Azure endpoints: \(error)", summary: "Azure endpoint settings invalid")
        }
        let curl = CurlTransport(configuration: .init(maxConnections: armConcurrency))
        let policy = RetryPolicy.fromEnvironment(environment)
        let arm = RetryingTransport(wrapping: curl, policy: policy, logSink: log)
        let tokenTransport = RetryingTransport(wrapping: curl, policy: policy.retryingAzureTokenRequests(), logSink: log)
        let imds = CurlTransport(configuration: .init(connectTimeout: 2, maxConnections: 2))
        let chain = AzureCredentialChain.fromEnvironment(
            environment, endpoints: endpoints, transport: tokenTransport, imdsTransport: imds, logSink: log)
        var configuration = AzureResourceProvider.Configuration(
            baseURL: endpoints.resourceManager, scope: endpoints.tokenScope, maxConcurrentRequests: armConcurrency,
            defaultPollInterval: .seconds(Int64(environment["RECONCILE_AZURE_POLL_SECONDS"].flatMap(Int64.init) ?? 10)))
        // Also searched for resources tagged as the reconciler's (an exposure removed with the last mention of its
        // subscription in the manifests).
        configuration.discoverySubscriptions = (environment["AZURE_SUBSCRIPTION_ID"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return AzureResourceProvider(transport: arm, credentials: TokenCache(wrapping: chain), configuration: configuration)
    }
}
