public import Foundation
public import ProviderAPI
public import ReconcileModel
import Synchronization

/// The `gcp.*` resource types of port-mapping exposures over Compute Engine v1: network, subnetworks (including the
/// PSC NAT subnet), firewalls, instances, the `GCE_VM_IP_PORTMAP` NEG and its endpoints, the internal backend service,
/// health checks, forwarding rules and the service attachment.
///
/// Contract (on top of `ResourceProvider`'s):
/// - `observe` only reads (GET, and `listNetworkEndpoints` for a NEG, sent beside its GET), all addresses concurrently, at most
///   `maxConcurrentRequests` at once. 404 is "absent"; a failure to read one address is `.failed` for it alone; it
///   throws only when no token can be had. Bodies are normalised (``Normaliser``); ownership is `.reconciler` when
///   the labels (instances, forwarding rules) or the description (the other types) say the reconciler made it for
///   this cluster. A service attachment's connected endpoints are `notes` (and the endpoints `dependents`).
/// - `apply`: create inserts and follows the operation (a NEG's endpoints are attached after its insert); an insert
///   answered 409 on a resource of ours is an update. Update changes only what Compute lets change in place
///   (``ComputeKind/Update``; anything else is a terminal error naming the fields), with fingerprints, re-reading
///   and retrying on 412 `conditionNotMet` (three times). NEG endpoints are attached before the old ones are
///   detached, except an old one holding a client port a new one needs, which is detached first. Replace deletes then
///   creates; delete follows the operation (404 is done); forget does nothing remote. A live resource without the
///   reconciler's marks is never changed or deleted unless observation saw it adopted or in the inventory.
/// - Every mutation carries its own `requestId`, the same on every retry of that request.
public final class ComputeResourceProvider: ResourceProvider {
    public static let types: Set<String> = Set(ComputeKind.allCases.map(\.rawValue))
    public let resourceTypes: Set<String> = ComputeResourceProvider.types

    public struct Configuration: Sendable {
        /// The Compute base, ending in `/compute/v1/`.
        public var baseURL: String
        public var scope: String
        public var maxConcurrentRequests: Int
        public var pollInterval: Duration
        /// Projects searched for the reconciler's resources besides those the manifests' and the inventory's paths
        /// name (`GOOGLE_CLOUD_PROJECT`), so an exposure removed together with the last mention of its project is
        /// still found.
        public var discoveryProjects: [String]

        public init(
            baseURL: String = "https://compute.googleapis.com/compute/v1/", scope: String = "https://www.googleapis.com/auth/compute",
            maxConcurrentRequests: Int = 64, pollInterval: Duration = .seconds(2), discoveryProjects: [String] = []
        ) {
            self.baseURL = baseURL
            self.scope = scope
            self.maxConcurrentRequests = max(1, maxConcurrentRequests)
            self.pollInterval = pollInterval
            self.discoveryProjects = discoveryProjects
        }
    }

    public let configuration: Configuration
    let client: ComputeClient
    /// Addresses the last observations saw adopted by the manifest or recorded in the inventory.
    private let untaggedButOurs = Mutex<Set<ResourceAddress>>([])

    public init(
        transport: any HTTPTransport, credentials: any AccessTokenProvider, configuration: Configuration = .init(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = ComputeClient.taskSleep,
        requestID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() }
    ) {
        self.configuration = configuration
        client = ComputeClient(
            transport: transport, credentials: credentials, baseURL: configuration.baseURL, scope: configuration.scope,
            pollInterval: configuration.pollInterval, sleep: sleep, requestID: requestID)
    }

    /// Asks for the Google token in the background (joined by the observation's own request through the token
    /// cache's single flight; a failure is met again, and reported, there).
    public func prepare() {
        let client = client
        Task { _ = try? await client.bearer() }
    }

    func remember(mayModify addresses: Set<ResourceAddress>, clusters: Set<String>) {
        untaggedButOurs.withLock { $0 = $0.filter { !clusters.contains($0.cluster) }.union(addresses) }
    }

    /// Refuses (terminal) to change a live resource that is not the reconciler's, unless adopted or inventoried.
    func ensureMayModify(_ live: Value, _ change: Change, verb: String) throws {
        if OwnershipMarks.isOurs(live, cluster: change.address.cluster) { return }
        if untaggedButOurs.withLock({ $0.contains(change.address) }) { return }
        throw ProviderError(
            .terminal, address: change.address,
            "refusing to \(verb) \(change.cloudID ?? change.address.description): it exists but does not carry the reconciler's "
                + "marks (label \(OwnershipMarks.managedByKey)=\(OwnershipMarks.managedByValue), or that text in its description, for "
                + "cluster \(change.address.cluster)); adopt it in the manifest (`adopt: [\(change.address.type)/\(change.address.name)]`) to let the reconciler manage it")
    }

    /// A service attachment's facts: one line per connected endpoint (also what a delete would cut). Its path is a
    /// consumer fact of the desired state, shown beside these.
    static func attachmentFacts(_ body: Value, path: String) -> (notes: [String], cut: [String]) {
        var notes: [String] = []
        var cut: [String] = []
        let connected = body["connectedEndpoints"]?.arrayValue ?? []
        for endpoint in connected {
            let link = ComputeClient.relative(endpoint["endpoint"]?.stringValue ?? "an unknown endpoint")
            let status = endpoint["status"]?.stringValue ?? "STATUS_UNSPECIFIED"
            notes.append("endpoint \(link): \(status) (pscConnectionId \(endpoint["pscConnectionId"]?.stringValue ?? "?"))")
            cut.append("PSC endpoint `\(link)` (\(status)) would be cut")
        }
        if connected.isEmpty { notes.append("no connected endpoints yet") }
        return (notes, cut)
    }
}
