import ReconcileModel

/// The `azure.*` resource types this provider handles, and the one table of how each is normalised.
///
/// Paths are dotted from the resource root; `[]` stands for "each element of this array".
///
/// | kind | read-only (dropped from observations and PUT bodies) | shared collections | owned collections |
/// |---|---|---|---|
/// | every kind | top `id`, `name`, `type`, `etag`, `systemData`; anywhere `etag`, `provisioningState`, `resourceGuid`; a child's ARM `type` (`Microsoft.X/...`); a child's own `id` (an object with a `name`) from observations only, PUT bodies keep it | | |
/// | resourceGroup | (`properties` is left empty and dropped; PUT bodies send it as `{}`, see `requestDefaults`) | | |
/// | virtualNetwork | subnet `ipConfigurations`, `ipConfigurationProfiles`, `privateEndpoints`, `purpose`, `resourceNavigationLinks`, `serviceAssociationLinks`, delegation `actions` | `properties.subnets` | |
/// | networkSecurityGroup | `defaultSecurityRules`, `networkInterfaces`, `subnets`, `flowLogs` | `properties.securityRules` | |
/// | networkInterface | `macAddress`, `primary`, `virtualMachine`, `hostedWorkloads`, `tapConfigurations`, `dscpConfiguration`, `vnetEncryptionSupported`, `privateEndpoint`, `defaultOutboundConnectivityEnabled`, `dnsSettings.{appliedDnsServers, internalFqdn, internalDomainNameSuffix}`, ipConfiguration `privateLinkConnectionProperties` | `properties.ipConfigurations` | |
/// | virtualMachine | top `resources`, `managedBy`; `vmId`, `instanceView`, `timeCreated`, `imageReference.exactVersion`, data disk `diskIOPSReadWrite`/`diskMBpsReadWrite` | | |
/// | loadBalancer | frontend `inboundNatRules`, `inboundNatPools`, `outboundRules`, `loadBalancingRules`; pool `backendIPConfigurations`, `loadBalancingRules`, `outboundRule(s)`, `inboundNatRules`; probe `loadBalancingRules`; NAT rule `backendIPConfiguration` | | `frontendIPConfigurations`, `backendAddressPools`, `probes`, `loadBalancingRules` |
/// | privateLinkService | `alias`, `networkInterfaces`, `privateEndpointConnections` (alias and connections become notes) | | `ipConfigurations` |
///
/// Shared collections are ones other people legitimately add to: an observation keeps only the elements the
/// manifest names (so someone's extra subnet shows no perpetual diff), and an update PUT keeps every live
/// element the manifest does not name (so it never deletes someone's subnet or rule). Owned collections are the
/// reconciler's outright: every observed element is kept (an extra one shows as a diff) and the desired array
/// replaces the live one on update (each element keeping its unmanaged live fields, matched by name).
///
/// Comparison rules (`Normaliser`), all relative to the desired spec and nothing else:
/// - ARM ids (`/subscriptions/...`) and GUIDs (subscription ids) compare case-insensitively: an observed string
///   equal ignoring case is rewritten to the desired spelling. So are child `name`s in named arrays, tag names
///   (ARM tag names are case-insensitive; values are not) and `location` (`East US` = `eastus`).
/// - Enum values are never case-folded (`Tcp` vs `TCP` is a real difference ARM rejects).
/// - Set-like arrays (`ARMResourceKind.setLikeKeys`) are reordered to the desired order; others keep order.
/// - A field the desired spec sets to `[]`, `{}`, or to its documented ARM default
///   (`ARMResourceKind.defaults`) counts as equal when ARM omits it.
public enum ARMResourceKind: CaseIterable, Sendable, RawRepresentable {
    case resourceGroup
    case virtualNetwork
    case networkSecurityGroup
    case networkInterface
    case virtualMachine
    case loadBalancer
    case privateLinkService
    /// A NIC (not the reconciler's) joined to one of our LB backend pools; written on the NIC.
    case poolAssociation

    /// The resource type name, from `ResourceTypes.Azure` (defined once there).
    public var rawValue: String {
        switch self {
        case .resourceGroup: ResourceTypes.Azure.resourceGroup
        case .virtualNetwork: ResourceTypes.Azure.virtualNetwork
        case .networkSecurityGroup: ResourceTypes.Azure.networkSecurityGroup
        case .networkInterface: ResourceTypes.Azure.networkInterface
        case .virtualMachine: ResourceTypes.Azure.virtualMachine
        case .loadBalancer: ResourceTypes.Azure.loadBalancer
        case .privateLinkService: ResourceTypes.Azure.privateLinkService
        case .poolAssociation: ResourceTypes.Azure.poolAssociation
        }
    }

    public init?(rawValue: String) {
        guard let kind = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = kind
    }

    /// Read-only top-level keys of every kind.
    static let readOnlyTop: Set<String> = ["id", "name", "type", "etag", "systemData"]
    /// Read-only keys wherever they appear.
    static let readOnlyAnywhere: Set<String> = ["etag", "provisioningState", "resourceGuid"]

    /// Read-only paths beyond the generic rules.
    var readOnly: Set<String> {
        switch self {
        case .resourceGroup, .poolAssociation:
            return []
        case .virtualNetwork:
            let subnet = "properties.subnets[].properties."
            return Set(["ipConfigurations", "ipConfigurationProfiles", "privateEndpoints", "purpose", "resourceNavigationLinks",
                        "serviceAssociationLinks", "delegations[].properties.actions"].map { subnet + $0 })
        case .networkSecurityGroup:
            return ["properties.defaultSecurityRules", "properties.networkInterfaces", "properties.subnets", "properties.flowLogs"]
        case .networkInterface:
            return Set(["macAddress", "primary", "virtualMachine", "hostedWorkloads", "tapConfigurations", "dscpConfiguration",
                        "vnetEncryptionSupported", "privateEndpoint", "defaultOutboundConnectivityEnabled",
                        "dnsSettings.appliedDnsServers", "dnsSettings.internalFqdn", "dnsSettings.internalDomainNameSuffix",
                        "ipConfigurations[].properties.privateLinkConnectionProperties"].map { "properties." + $0 })
        case .virtualMachine:
            return ["resources", "managedBy", "properties.vmId", "properties.instanceView", "properties.timeCreated",
                    "properties.storageProfile.imageReference.exactVersion",
                    "properties.storageProfile.dataDisks[].diskIOPSReadWrite", "properties.storageProfile.dataDisks[].diskMBpsReadWrite"]
        case .loadBalancer:
            let frontend = ["inboundNatRules", "inboundNatPools", "outboundRules", "loadBalancingRules"]
                .map { "properties.frontendIPConfigurations[].properties." + $0 }
            let pool = ["backendIPConfigurations", "loadBalancingRules", "outboundRule", "outboundRules", "inboundNatRules"]
                .map { "properties.backendAddressPools[].properties." + $0 }
            return Set(frontend + pool + ["properties.probes[].properties.loadBalancingRules",
                                          "properties.inboundNatRules[].properties.backendIPConfiguration"])
        case .privateLinkService:
            return ["properties.alias", "properties.networkInterfaces", "properties.privateEndpointConnections"]
        }
    }

    /// Top-level fields every PUT body of this kind carries, with the value sent when the desired body has none:
    /// the official template schema requires a resource group's `properties`, although everything in it is
    /// read-only (`provisioningState`). Sending `{}` changes nothing: observations drop it again (an object left
    /// empty by stripping read-only fields), and the normaliser counts a desired `{}` equal to ARM omitting it.
    var requestDefaults: [String: Value] {
        switch self {
        case .resourceGroup: ["properties": .object([:])]
        default: [:]
        }
    }

    /// `body` with the fields of ``requestDefaults`` it lacks.
    func completingRequest(_ body: Value) -> Value {
        guard case .object(var object) = body else { return body }
        for (key, value) in requestDefaults where object[key] == nil { object[key] = value }
        return .object(object)
    }

    /// Collections others legitimately add to (see the table above).
    var sharedCollections: Set<String> {
        switch self {
        case .virtualNetwork: ["properties.subnets"]
        case .networkSecurityGroup: ["properties.securityRules"]
        case .networkInterface: ["properties.ipConfigurations"]
        default: []
        }
    }

    /// Collections the reconciler owns outright (documentation; any named array not shared behaves this way).
    var ownedCollections: Set<String> {
        switch self {
        case .loadBalancer:
            ["properties.frontendIPConfigurations", "properties.backendAddressPools", "properties.probes", "properties.loadBalancingRules"]
        case .privateLinkService: ["properties.ipConfigurations"]
        default: []
        }
    }

    /// Arrays whose order ARM does not give meaning to: compared as sets (reordered to the desired order).
    /// `dnsServers` is deliberately absent (its order is the resolver order).
    static let setLikeKeys: Set<String> = [
        "zones", "addressPrefixes", "subscriptions", "fqdns", "loadBalancerBackendAddressPools", "loadBalancerFrontendIpConfigurations",
        "loadBalancerInboundNatRules", "applicationSecurityGroups", "sourceAddressPrefixes", "destinationAddressPrefixes",
        "sourcePortRanges", "destinationPortRanges", "networkInterfaces", "backendAddressPools",
    ]

    /// Documented ARM defaults, by field name: ARM omitting the field equals the manifest stating this value.
    static let defaults: [String: Value] = [
        "enableFloatingIP": false, "enableTcpReset": false, "disableOutboundSnat": false, "enableProxyProtocol": false,
        "enableAcceleratedNetworking": false, "enableIPForwarding": false, "privateIPAddressVersion": "IPv4",
        "idleTimeoutInMinutes": 4, "loadDistribution": "Default",
    ]
}
