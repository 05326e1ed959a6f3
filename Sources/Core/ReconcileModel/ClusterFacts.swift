/// What the reconciler read from a running cluster over the Kafka protocol before deriving the desired state, for
/// resources whose content depends on the cluster rather than on the manifests alone (kafka-proxy's bootstrap
/// mappings match the exact `host:port` the brokers advertise, so they are built from what the brokers say).
///
/// Read-only, and never over SSH: a cluster exposed through kafka-proxy is not the reconciler's to touch.
public struct ClusterFacts: Sendable, Hashable, Codable {
    /// The listener the facts were read on (its port), e.g. the INTERNAL listener kafka-proxy dials.
    public var listenerPort: Int
    /// Each registered broker's advertised `host:port` on that listener, by node id (Metadata's broker list:
    /// under KRaft only unfenced brokers appear).
    public var advertised: [Int: String]
    /// The highest version of each API key the brokers answered in ApiVersions (the highest over the brokers read).
    public var apiMaxVersions: [Int: Int]
    /// Why the facts could not be read (nothing answered, a protocol error); the other fields are then empty.
    public var error: String?

    public init(listenerPort: Int, advertised: [Int: String] = [:], apiMaxVersions: [Int: Int] = [:], error: String? = nil) {
        self.listenerPort = listenerPort
        self.advertised = advertised
        self.apiMaxVersions = apiMaxVersions
        self.error = error
    }

    public static func unreadable(listenerPort: Int, _ why: String) -> ClusterFacts {
        ClusterFacts(listenerPort: listenerPort, error: why)
    }
}
