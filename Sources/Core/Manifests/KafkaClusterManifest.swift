public import Scheduling
public import ReconcileModel

/// `kind: KafkaCluster`: a self-hosted KRaft cluster, its brokers and how to reach them.
public struct KafkaClusterManifest: Sendable, Hashable {
    public struct Listener: Sendable, Hashable {
        public var name: String
        public var port: Located<Int>
    }

    public struct Broker: Sendable, Hashable {
        public var nodeID: Located<Int>
        /// VM or instance name (also the SSH host unless `sshHost` is given).
        public var name: Located<String>
        /// Private IPv4 address: the INTERNAL advertised host and the controller-quorum address.
        public var address: Located<String>
        public var zone: Located<String>?
        /// `process.roles` of this node; defaults to the cluster's.
        public var processRoles: [String]
        public var sshHost: String?
        public var location: SourceLocation
    }

    public enum HostKeyPolicy: String, Sendable, Hashable {
        /// Only hosts already in `knownHostsFile` (the default; never bypassed).
        case strict
        /// Record unknown hosts on first contact (`StrictHostKeyChecking=accept-new`); changed keys still fail.
        case acceptNew
    }

    public struct SSH: Sendable, Hashable {
        public var user: String
        public var port: Int
        public var identityFile: String?
        /// `[user@]host[:port]` of a bastion, passed to OpenSSH as ProxyJump.
        public var jumpHost: String?
        public var knownHostsFile: String?
        public var hostKeyPolicy: HostKeyPolicy
        public var connectTimeoutSeconds: Int
        public var maxConcurrentHosts: Int
        /// False when the manifest has no `ssh` (allowed only for a cluster exposed solely through kafka-proxy,
        /// whose brokers are never reached over SSH).
        public var declared: Bool = true
    }

    public enum RestartPolicy: String, Sendable, Hashable {
        /// The reconciler restarts brokers one at a time, gated on Kafka's health (the default).
        case rolling
        /// Configs are written; restarts are left to the operator and reported as needed, never planned.
        case manual
    }

    public enum UnderReplicatedPolicy: String, Sendable, Hashable {
        /// Zero under-replicated partitions cluster-wide before each restart (the default).
        case strict
        /// Strimzi's min-ISR rule: only partitions that would drop under `min.insync.replicas` block.
        case minIsr
    }

    public struct Health: Sendable, Hashable {
        public var underReplicated: UnderReplicatedPolicy
        public var brokerReadyTimeoutSeconds: Int
        public var pollIntervalMilliseconds: Int
        public var quorumFetchTimeoutMilliseconds: Int
    }

    public var name: Located<String>
    public var kafkaVersion: Located<KafkaVersion>
    public var clusterID: Located<String>
    public var internalListener: Listener
    public var controllerListener: Listener
    public var processRoles: [String]
    public var logDirs: Located<String>
    public var brokers: [Broker]
    /// Extra `server.properties` keys, written as given on every broker.
    public var settings: [(key: Located<String>, value: Located<String>)]
    public var ssh: SSH
    public var configPath: String
    public var restartCommand: [String]
    public var restartTimeoutSeconds: Int
    public var restartPolicy: RestartPolicy
    public var health: Health
    public var source: SourceLocation
    /// `spec.reconcile`: what a pass may apply to this cluster, reviewed in git like the rest.
    public var reconcile: ReconcilePolicy = ReconcilePolicy()

    /// `spec.reconcile {apply, suspend, windows}`.
    public struct ReconcilePolicy: Sendable, Hashable {
        public enum Apply: String, Sendable, Hashable {
            /// Everything the plan holds, within the maintenance windows for disruptive changes.
            case always
            /// Only changes nobody notices: broker config writes and restarts, consumer-visible and destroying
            /// changes are held and reported.
            case nonDisruptive
            /// Nothing: drift is detected and reported only.
            case never
        }

        public var apply: Apply = .always
        /// Suspended: no pass applies anything (the service still reports).
        public var suspend = false
        /// When disruptive changes may run (none: always).
        public var windows: [MaintenanceWindow] = []

        public init(apply: Apply = .always, suspend: Bool = false, windows: [MaintenanceWindow] = []) {
            self.apply = apply
            self.suspend = suspend
            self.windows = windows
        }
    }

    public static func == (a: KafkaClusterManifest, b: KafkaClusterManifest) -> Bool {
        a.name == b.name && a.brokers == b.brokers && a.source == b.source
    }

    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(source)
    }

    public func broker(_ id: Int) -> Broker? { brokers.first { $0.nodeID.value == id } }

    /// Node ids of nodes with the controller role, sorted.
    public var controllerIDs: [Int] {
        brokers.filter { $0.processRoles.contains("controller") }.map(\.nodeID.value).sorted()
    }
}

/// A Kafka release number; ordering follows the numbers, so rendering can depend on it.
public struct KafkaVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public init?(parsing text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        let nums = parts.map { Int($0) }
        guard nums.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        self.init(nums[0]!, nums[1]!, parts.count == 3 ? nums[2]! : 0)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (a: KafkaVersion, b: KafkaVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }
}
