public import ReconcileModel

/// One cluster to read facts from: where to bootstrap (the manifest's broker addresses on the listener to read).
public struct ClusterFactsRequest: Sendable, Hashable {
    public var cluster: String
    /// `host:port` of each broker on the listener to read, in the manifest's order; tried in turn.
    public var bootstrap: [String]
    public var listenerPort: Int

    public init(cluster: String, bootstrap: [String], listenerPort: Int) {
        self.cluster = cluster
        self.bootstrap = bootstrap
        self.listenerPort = listenerPort
    }
}

/// Reads what a running cluster says about itself over the Kafka protocol, before the desired state is derived
/// (kafka-proxy's mappings are built from the brokers' advertised addresses).
///
/// Contract: read-only (ApiVersions and Metadata without topics), never over SSH and never a change; never throws: a
/// cluster that cannot be read comes back with `ClusterFacts.error` saying why (each bootstrap address tried, and
/// what it answered); bounded by its own connect and request timeouts. `advertised` is Metadata's broker list as the
/// first answering bootstrap broker gives it, on the requested listener; `apiMaxVersions` the highest version of
/// each key over every bootstrap broker that answered ApiVersions.
public protocol ClusterFactsReader: Sendable {
    func facts(_ request: ClusterFactsRequest) async -> ClusterFacts
}
