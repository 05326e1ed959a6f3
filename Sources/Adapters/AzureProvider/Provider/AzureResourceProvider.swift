public import ProviderAPI
import ReconcileModel
import Synchronization

/// The `azure.*` resource types over Azure Resource Manager: resource group, virtual network, network security
/// group, network interface, virtual machine, load balancer, Private Link Service, and the membership of a NIC
/// the reconciler does not own in one of its LB backend pools (`azure.nicBackendPoolAssociation`).
///
/// Contract (on top of `ResourceProvider`'s):
/// - `observe` only GETs (and lists a Private Link Service's connections when its GET body lacks them), all
///   addresses concurrently, at most `maxConcurrentRequests` at once. A 404 is "absent"; a failure to read one
///   address is `ObservedResource.failed` for that address only; it throws only when no token can be had.
///   Properties are normalised (`Normaliser`, table on `ARMResourceKind`); ownership is `.reconciler` when the
///   tags say `managed-by: kafka-private-link-reconciler` and `reconcile-kafka-cluster: <cluster>`. A Private
///   Link Service's alias and private endpoint connections are reported as `notes`. A declared resource the
///   reconciler may modify whose `provisioningState` is `Failed` is reported absent, so that the plan creates it
///   again (a PUT over it is how ARM repairs a failed resource); with nothing to compare, it would stay Failed.
/// - `apply`: create and update PUT the desired body over the live resource (`BodyMerge`), or as is when there
///   is none, and wait for the long-running operation; replace deletes then creates; delete DELETEs and waits
///   (already gone is success); forget does nothing remote. A resource that exists without the reconciler's
///   tags is never PUT or DELETEd unless this provider observed it as adopted by the manifest or recorded in the
///   inventory. A resource group is deleted only when every resource inside carries our tags, and is never
///   replaced. Pool associations edit only the named ipConfiguration's `loadBalancerBackendAddressPools`.
/// - Errors are `ProviderError` with the address, retryable or terminal (see `ARMError`).
public final class AzureResourceProvider: ResourceProvider {
    /// Every resource type this provider handles.
    public static let types: Set<String> = Set(ARMResourceKind.allCases.map(\.rawValue))
    public let resourceTypes: Set<String> = AzureResourceProvider.types

    public let configuration: Configuration
    let client: ARMClient
    /// Addresses the last observations saw adopted by the manifest or recorded in the inventory: these may be
    /// changed even though their tags do not (or no longer) say they are ours, exactly as the planner allows.
    private let untaggedButOurs = Mutex<Set<ResourceAddress>>([])

    /// - Parameters:
    ///   - transport: HTTP to ARM; wrap it in the retrying transport (429/5xx/Retry-After) before handing it over.
    ///   - credentials: bearer tokens for `configuration.scope`.
    ///   - sleep: waits between long-running-operation polls (injected so tests need not wait).
    public init(
        transport: any HTTPTransport, credentials: any AccessTokenProvider, configuration: Configuration = .init(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = ARMClient.taskSleep
    ) {
        self.configuration = configuration
        self.client = ARMClient(transport: transport, credentials: credentials, configuration: configuration, sleep: sleep)
    }

    /// Asks for the ARM token in the background (joined by the observation's own request through the token cache's
    /// single flight; a failure is met again, and reported, there).
    public func prepare() {
        let client = client
        Task { _ = try? await client.bearerToken() }
    }

    /// Replaces what is remembered for the clusters of this observation (a later pass may drop an adoption).
    func remember(mayModify addresses: Set<ResourceAddress>, clusters: Set<String>) {
        untaggedButOurs.withLock { remembered in
            remembered = remembered.filter { !clusters.contains($0.cluster) }.union(addresses)
        }
    }

    /// Whether observation saw `address` adopted by the manifest or recorded in the inventory.
    func mayModify(_ address: ResourceAddress) -> Bool { untaggedButOurs.withLock { $0.contains(address) } }

    /// Refuses (terminal) to change a live resource that is not the reconciler's by tags, unless observation
    /// saw it adopted or inventoried.
    func ensureMayModify(_ live: Value, _ change: Change, verb: String) throws {
        if OwnershipTags.isOurs(live, cluster: change.address.cluster) { return }
        if untaggedButOurs.withLock({ $0.contains(change.address) }) { return }
        let id = live["id"]?.stringValue ?? change.cloudID ?? change.address.description
        throw ProviderError(
            .terminal, address: change.address,
            "refusing to \(verb) \(ARMPath.short(id)): it exists but does not carry the reconciler's tags "
                + "(\(OwnershipTags.managedByKey): \(OwnershipTags.managedByValue), \(OwnershipTags.clusterKey): \(change.address.cluster)); "
                + "adopt it in the manifest to let the reconciler manage it")
    }

    /// The observed form of an ARM body: normalised against `shape`, ownership from tags, notes for a PLS.
    func observed(
        _ address: ResourceAddress, kind: ARMResourceKind, cloudID: String, body: Value, shape: Value?, notes: [String]
    ) -> ObservedResource {
        let id = body["id"]?.stringValue.map { ARMPath.same($0, cloudID) ? cloudID : $0 } ?? cloudID
        return ObservedResource(
            address: address, cloudID: id, properties: Normaliser.normalise(body, kind: kind, desired: shape),
            ownership: OwnershipTags.isOurs(body, cluster: address.cluster) ? .reconciler : .foreign, notes: notes)
    }

    /// Human-readable facts of a Private Link Service (its alias, then one line per private endpoint connection,
    /// from the GET body or listed when the body lacks them) and the connections a delete would cut, as
    /// `private endpoint connection `NAME` (STATUS)`.
    func privateLinkFacts(_ body: Value, id: String) async -> (notes: [String], connections: [String]) {
        var notes: [String] = []
        if let alias = body["properties"]?["alias"]?.stringValue { notes.append("alias: \(alias)") }
        var connections = body["properties"]?["privateEndpointConnections"]?.arrayValue
        if connections == nil {
            do {
                connections = try await client.list(id + "/privateEndpointConnections")
            } catch {
                notes.append("private endpoint connections could not be listed: \(error)")
                return (notes, ["private endpoint connections that could not be listed (\(error))"])
            }
        }
        let sorted = (connections ?? []).sorted { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
        var cut: [String] = []
        for connection in sorted {
            let properties = connection["properties"]
            let endpoint = properties?["privateEndpoint"]?["id"]?.stringValue ?? "an unknown private endpoint"
            let state = properties?["privateLinkServiceConnectionState"]
            let name = connection["name"]?.stringValue ?? "(unnamed)"
            let status = state?["status"]?.stringValue ?? "Unknown"
            var line = "connection \(name) from \(endpoint): \(status)"
            if let description = state?["description"]?.stringValue, !description.isEmpty { line += " (\(description))" }
            notes.append(line)
            cut.append("private endpoint connection `\(name)` (\(status)) would be cut")
        }
        if sorted.isEmpty { notes.append("no private endpoint connections yet") }
        return (notes, cut)
    }
}
