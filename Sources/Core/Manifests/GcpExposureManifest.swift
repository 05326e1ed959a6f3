import ReconcileModel

/// `kind: GcpPrivateServiceConnectExposure`: a PSC published service, either by port mapping (seed 003 §5) or
/// by a single kafka-proxy VM (§6).
public struct GcpExposureManifest: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable { case portMapping, kafkaProxy }

    public struct Subnet: Sendable, Hashable {
        public var name: Located<String>
        public var cidr: Located<String>
    }

    public struct Network: Sendable, Hashable {
        public var name: Located<String>
        public var subnets: [Subnet]
        public var brokersSubnet: Located<String>
        public var existing: Bool
        /// The console's suggested rules (traffic from inside the VPC, and SSH): `kafka-vpc-allow-custom`, `-ssh`.
        public var defaultFirewallRules: Bool
    }

    public struct Instances: Sendable, Hashable {
        public var create: Bool
        public var machineType: String
        public var image: String
        public var bastionName: String?
        public var bastionZone: Located<String>?
        public var bastionSubnet: Located<String>?
    }

    public struct ConsumerAccept: Sendable, Hashable {
        public var project: Located<String>
        public var connectionLimit: Int
    }

    public struct ServiceAttachment: Sendable, Hashable {
        public var name: String
        public var connectionPreference: String
        public var consumers: [ConsumerAccept]
        public var enableProxyProtocol: Bool
    }

    public struct KafkaProxy: Sendable, Hashable {
        public var version: String
        public var templateName: String
        public var machineType: String
        public var image: String
        public var groupName: String
        public var zone: Located<String>
        public var healthCheckName: String
        public var bootstrapPortStart: Located<Int>
        public var dynamicSequentialMinPort: Located<Int>
        public var dynamicAdvertisedWord: String
        public var externalIP: Bool
        /// Where the startup script gets the release tarball (`release`), checked against `sha256`.
        public var release: Release
        /// kafka-proxy's HTTP endpoint (`/health`, `/metrics`) on the VM: loopback only.
        public var httpListenAddress: String
    }

    /// `kafkaProxy.release`: the kafka-proxy release tarball (`kafka-proxy-<version>-linux-amd64.tar.gz`, the binary at
    /// its top), from a URL or a Cloud Storage object (read with the VM's service account), and its sha256.
    public struct Release: Sendable, Hashable {
        public enum Source: Sendable, Hashable {
            case url(String)
            /// `bucket` and object name of `gs://bucket/object`.
            case gcs(bucket: String, object: String)
        }

        public var source: Source
        public var sha256: String

        public init(source: Source, sha256: String) {
            self.source = source
            self.sha256 = sha256
        }
    }

    public var common: ExposureCommon
    public var mode: Mode
    public var project: Located<String>
    public var region: Located<String>
    /// Share another port-mapping exposure's NEG, load balancer and service attachment (second consumer, FAQ):
    /// this exposure then adds only its own NEG endpoints and listener.
    public var attachTo: Located<String>?
    public var network: Network?
    public var pscNatSubnet: Subnet?
    public var instances: Instances
    public var negName: String
    public var backendServiceName: String
    public var forwardingRuleName: String
    public var serviceAttachment: ServiceAttachment?
    public var firewallName: String
    public var kafkaProxy: KafkaProxy?
    public var adopt: [Located<String>]
}
