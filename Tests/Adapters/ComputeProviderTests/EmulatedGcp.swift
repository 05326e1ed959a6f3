import ArmEmulator
import CloudHTTP
import ComputeEmulator
import ComputeProvider
import CurlTransport
import Execution
import FileStateStore
import GcpCloud
import Foundation
import Manifests
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import Testing
import TestSupport

/// The GCP seed (manifests/examples/gcp-psc-port-mapping) reconciled by the real engine with the real Compute provider
/// (libcurl, the retrying transport with GCP's policy) against the in-process Compute emulator; brokers in memory.
final class EmulatedGcp: Sendable {
    let emulator: ComputeEmulator
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("gcp-state-\(UUID().uuidString)")
    let brokers = InMemoryProvider(types: [ResourceTypes.Kafka.brokerConfig])
    let provider: ComputeResourceProvider
    let manifests: ManifestSet

    static let seedPaths: Set<String> = {
        let p = "projects/my-kafka-project", r = "\(p)/regions/us-west1"
        return [
            "\(p)/global/networks/kafka-vpc", "\(r)/subnetworks/bastion-subnet", "\(r)/subnetworks/brokers-subnet", "\(r)/subnetworks/psc-subnet",
            "\(p)/global/firewalls/kafka-vpc-allow-custom", "\(p)/global/firewalls/kafka-vpc-allow-ssh", "\(p)/global/firewalls/allow-psc-traffic",
            "\(p)/zones/us-west1-a/instances/bastion-node", "\(p)/zones/us-west1-a/instances/broker-node1",
            "\(p)/zones/us-west1-b/instances/broker-node2", "\(p)/zones/us-west1-c/instances/broker-node3",
            "\(r)/networkEndpointGroups/kafka-neg", "\(r)/backendServices/kafka-lb", "\(r)/forwardingRules/kafka-lb-forwarding-rule",
            "\(r)/serviceAttachments/kafka-psc",
        ]
    }()

    let factsReader: (any ClusterFactsReader)?

    init(
        example: String = "gcp-psc-port-mapping", operationPolls: Int = 1, transport: ((any HTTPTransport) -> any HTTPTransport)? = nil,
        factsReader: (any ClusterFactsReader)? = nil, configure: (inout ComputeEmulator.Configuration) -> Void = { _ in }
    ) throws {
        self.factsReader = factsReader
        var configuration = ComputeEmulator.Configuration()
        configuration.operationPolls = operationPolls
        configure(&configuration)
        emulator = try ComputeEmulator(configuration: configuration)
        try emulator.start()
        let policy = GcpCloud.computePolicy(RetryPolicy(baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), maxRetryAfter: .milliseconds(5)))
        let http: any HTTPTransport = RetryingTransport(wrapping: CurlTransport(), policy: policy, logSink: NullLogSink())
        provider = ComputeResourceProvider(
            transport: transport?(http) ?? http, credentials: FixedToken(),
            configuration: .init(baseURL: emulator.computeBase, pollInterval: .zero, discoveryProjects: ["my-kafka-project"]), sleep: { _ in })
        manifests = ManifestLoader.load(directory: Repo.example(example)).manifests
    }

    deinit { emulator.stop() }

    /// One pass; `stateDirectory` instead of this bed's own state (an empty one: a CI runner's).
    func pass(
        _ mode: PassRequest.Mode = .apply, manifests override: ManifestSet? = nil, stateDirectory: URL? = nil, allowDestroy: [String] = []
    ) async -> PassResult {
        let engine = Reconciler(
            providers: ProviderRegistry([
                ProviderFamily("kafka", lifetime: .manifests) { [brokers] _ in brokers },
                ProviderFamily("gcp", lifetime: .reconciler, alwaysNeeded: true) { [provider] _ in provider },
            ]), store: FileStateStore(directory: stateDirectory ?? state), clock: ContinuousClock(), now: Date.init, factsReader: factsReader)
        return await engine.reconcile(PassRequest(manifests: override ?? manifests, mode: mode, allowDestroy: allowDestroy))
    }

    /// Applies until a pass succeeds (at most `limit`); the results in order.
    func applyUntilConverged(limit: Int = 3, manifests override: ManifestSet? = nil) async -> [PassResult] {
        var results: [PassResult] = []
        while results.count < limit {
            let result = await pass(manifests: override)
            results.append(result)
            if result.succeeded { break }
        }
        return results
    }

    /// Every request the emulator received, as the strict checker reads them.
    var requests: [GcpRequestCheck.Request] {
        emulator.requests.map { logged in
            GcpRequestCheck.Request(
                method: logged.method, url: logged.path + (logged.query.isEmpty ? "" : "?" + logged.query),
                body: logged.body.map { Data($0.serialized().utf8) })
        }
    }
}

/// A fixed bearer token (the emulator accepts any).
struct FixedToken: AccessTokenProvider {
    func token(for scope: String) async throws -> AccessToken { AccessToken(token: "emulated", expiresAt: .distantFuture) }
}
