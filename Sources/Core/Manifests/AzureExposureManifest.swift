public import ReconcileModel

/// `kind: AzurePrivateLinkExposure`: an internal Standard load balancer with one rule per broker and a Private
/// Link Service in front of it (seed runbook 000, sections 4.1-4.4).
public struct AzureExposureManifest: Sendable, Hashable {
    public struct Network: Sendable, Hashable {
        public var virtualNetworkName: Located<String>
        public var addressSpace: [Located<String>]
        public var subnetName: Located<String>
        public var subnetPrefix: Located<String>?
        public var nsgName: String
        public var sshSourcePrefixes: [String]
        /// The VNet and subnet already exist and are only referenced (never created or changed).
        public var existing: Bool
    }

    public struct Image: Sendable, Hashable {
        public var publisher: String
        public var offer: String
        public var sku: String
        public var version: String
    }

    public enum VMMode: String, Sendable, Hashable { case create, existing }

    public struct VMs: Sendable, Hashable {
        public var mode: VMMode
        /// Where `mode` is written.
        public var modeLocation: SourceLocation?
        public var size: String
        public var image: Image
        public var adminUsername: String
        public var sshPublicKey: Located<String>?
        public var osDiskType: String
        /// Existing mode: the NIC (and its IP configuration) of each broker, by node id.
        public var networkInterfaces: [Int: (name: String, ipConfiguration: String)]

        public static func == (a: VMs, b: VMs) -> Bool {
            a.mode == b.mode && a.size == b.size && a.image == b.image && a.adminUsername == b.adminUsername
                && a.sshPublicKey == b.sshPublicKey && a.osDiskType == b.osDiskType
                && a.networkInterfaces.mapValues { "\($0.name)/\($0.ipConfiguration)" }
                    == b.networkInterfaces.mapValues { "\($0.name)/\($0.ipConfiguration)" }
        }

        public func hash(into h: inout Hasher) { h.combine(mode); h.combine(size) }
    }

    public struct LoadBalancer: Sendable, Hashable {
        public var name: String
        public var frontendName: String
        public var probeName: String
        public var idleTimeoutMinutes: Int?
        /// A static private address for the frontend. When nil, see ``AzureExposureManifest/frontendAddress``.
        public var frontendIPAddress: Located<String>?
    }

    public struct PrivateLinkService: Sendable, Hashable {
        public var name: String
        /// Where `name` is written (nil when it is the default).
        public var nameLocation: SourceLocation?
        public var natSubnet: Located<String>
        public var visibility: [Located<String>]
        public var autoApproval: [Located<String>]
        public var enableProxyProtocol: Bool
    }

    public var common: ExposureCommon
    public var subscriptionID: Located<String>
    public var resourceGroup: Located<String>
    /// Whether the resource group is created (false: it must exist and is only referenced).
    public var manageResourceGroup: Bool
    public var location: Located<String>
    public var network: Network
    public var vms: VMs
    public var loadBalancer: LoadBalancer
    public var privateLinkService: PrivateLinkService
    /// `TYPE/NAME` of existing resources the manifest takes over (e.g. `azure.loadBalancer/kafka-lb`).
    public var adopt: [Located<String>]

    /// The frontend's static address, or nil for a dynamic one.
    ///
    /// ARM gives a dynamic address the lowest free one of the subnet at the moment of creation. The load
    /// balancer is created before the broker NICs (they join its pools), so a dynamic frontend would take the
    /// address a broker's static NIC asks for next. When the reconciler creates the NICs, the frontend therefore
    /// defaults to the subnet's last usable address; existing NICs already hold theirs, so dynamic is safe there.
    public var frontendAddress: String? {
        if let pinned = loadBalancer.frontendIPAddress { return pinned.value }
        guard vms.mode == .create, let prefix = network.subnetPrefix, let cidr = CIDR(prefix.value) else { return nil }
        return IPv4Address(value: cidr.last - 1).description
    }
}
