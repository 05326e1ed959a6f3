public import ProviderAPI
public import ReconcileModel

/// Where one broker's `server.properties` lives: the SSH target and the file's path on the VM.
public struct BrokerEndpoint: Sendable, Hashable {
    /// `CLUSTER/kafka.brokerConfig/<node.id>`.
    public var address: ResourceAddress
    public var target: SSHTarget
    /// Absolute, or relative to the SSH user's home directory.
    public var configPath: String

    public init(address: ResourceAddress, target: SSHTarget, configPath: String) {
        self.address = address
        self.target = target
        self.configPath = configPath
    }

    /// `host:path`, the broker config's cloud id.
    public var id: String { "\(target.host):\(configPath)" }
}
