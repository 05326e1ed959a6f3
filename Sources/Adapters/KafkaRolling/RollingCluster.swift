public import ProviderAPI
public import RollingRestart

/// Everything a roll needs to know about one cluster, taken from its manifests.
public struct RollingCluster: Sendable {
    public struct Broker: Sendable, Hashable {
        public var id: Int
        /// Where the INTERNAL listener answers (the node's address and INTERNAL port); all health reads go here.
        public var internalHost: String
        public var internalPort: Int
        public var isController: Bool
        /// How to reach the VM to run the restart command.
        public var ssh: SSHTarget

        public init(id: Int, internalHost: String, internalPort: Int, isController: Bool, ssh: SSHTarget) {
            self.id = id
            self.internalHost = internalHost
            self.internalPort = internalPort
            self.isController = isController
            self.ssh = ssh
        }
    }

    /// A broker listener added for a consumer, and the endpoint each broker must advertise on it.
    public struct Exposure: Sendable, Hashable {
        public var listenerName: String
        public var listenerPort: Int
        /// node id -> `host:port` exactly as the pattern says.
        public var expected: [Int: String]

        public init(listenerName: String, listenerPort: Int, expected: [Int: String]) {
            self.listenerName = listenerName
            self.listenerPort = listenerPort
            self.expected = expected
        }
    }

    /// A kafka-proxy in front of the cluster (GCP kafka-proxy mode): what `verify` checks through it.
    public struct ProxyExposure: Sendable, Hashable {
        public var name: String
        /// Each mapped broker's static endpoint as the proxy advertises it (`b<id>.<suffix>:<port>`), by node id.
        public var staticEndpoints: [Int: String]
        /// The host the proxy advertises for brokers it found later (its dynamic listeners, any port).
        public var dynamicHost: String
        /// Why the expected endpoints could not be derived (the brokers' addresses unreadable, a version too new).
        public var unresolved: String?

        public init(name: String, staticEndpoints: [Int: String], dynamicHost: String, unresolved: String? = nil) {
            self.name = name
            self.staticEndpoints = staticEndpoints
            self.dynamicHost = dynamicHost
            self.unresolved = unresolved
        }
    }

    public var name: String
    public var brokers: [Broker]
    public var exposures: [Exposure]
    public var proxies: [ProxyExposure] = []
    /// Run on the broker's VM over SSH, one broker at a time.
    public var restartCommand: [String]
    public var restartTimeout: Duration
    public var policy: GatePolicy
    public var timeouts: RollTimeouts

    public init(
        name: String, brokers: [Broker], exposures: [Exposure], restartCommand: [String], restartTimeout: Duration,
        policy: GatePolicy, timeouts: RollTimeouts
    ) {
        self.name = name
        self.brokers = brokers
        self.exposures = exposures
        self.restartCommand = restartCommand
        self.restartTimeout = restartTimeout
        self.policy = policy
        self.timeouts = timeouts
    }

    public func broker(_ id: Int) -> Broker? { brokers.first { $0.id == id } }
}
