public import Manifests
public import ReconcileModel

/// Where each resource comes from in its exposure's manifest, the exposures as declared now, and what
/// deleting each resource type does. The planner explains a protected removal with these: the field that
/// made the resource exist, where it is written, and the exposure's `deletionPolicy`.
public enum Declarations {
    /// The manifest field whose value makes a resource of each Azure type exist (its name or its mode).
    static let azureField: [String: String] = [
        AzureTypes.resourceGroup: "spec.resourceGroup",
        AzureTypes.networkSecurityGroup: "spec.network",
        AzureTypes.virtualNetwork: "spec.network.virtualNetwork.name",
        AzureTypes.networkInterface: "spec.vms.mode",
        AzureTypes.virtualMachine: "spec.vms.mode",
        AzureTypes.loadBalancer: "spec.loadBalancer.name",
        AzureTypes.privateLinkService: "spec.privateLinkService.name",
        AzureTypes.poolAssociation: "spec.vms.networkInterfaces",
    ]

    static let gcpField: [String: String] = [
        GcpTypes.instance: "spec.instances",
        GcpTypes.forwardingRule: "spec.loadBalancer.forwardingRule",
        GcpTypes.serviceAttachment: "spec.serviceAttachment",
        GcpTypes.networkEndpointGroup: "spec.loadBalancer.networkEndpointGroup",
        GcpTypes.backendService: "spec.loadBalancer.backendService",
    ]

    /// The manifest field that makes a resource of `type` exist (`spec` when no narrower field does).
    public static func field(ofType type: String) -> String { azureField[type] ?? gcpField[type] ?? "spec" }

    /// What deleting (or replacing) a resource of each type does; types not listed follow their change
    /// disruption. Protected (`Disruption.isProtected`): VMs and instances with their disks, resource groups
    /// (data loss); NICs, load balancers, Private Link Services, forwarding rules and service attachments
    /// (consumer visible).
    public static let deletionImpact: [String: Disruption] = [
        AzureTypes.virtualMachine: .dataLoss,
        AzureTypes.resourceGroup: .dataLoss,
        AzureTypes.networkInterface: .consumerVisible,
        AzureTypes.loadBalancer: .consumerVisible,
        AzureTypes.privateLinkService: .consumerVisible,
        GcpTypes.instance: .dataLoss,
        GcpTypes.forwardingRule: .consumerVisible,
        GcpTypes.serviceAttachment: .consumerVisible,
    ]

    /// The disruption an inventory entry records for a resource of `type` (the one its desired spec carries), for
    /// a resource found in the cloud without an entry: what the graphs give its kind (GCP's NEGs, backend services,
    /// instance templates and group managers, and a `PRIVATE_SERVICE_CONNECT` subnet, are consumer visible), at
    /// least its `deletionImpact`. A plan from an empty state then shows the disruption the full state's does.
    public static func recordedDisruption(type: String, properties: Value?) -> Disruption {
        let graph: Disruption
        switch type {
        case GcpTypes.networkEndpointGroup, GcpTypes.backendService, GcpTypes.instanceTemplate, GcpTypes.instanceGroupManager:
            graph = .consumerVisible
        case GcpTypes.subnetwork where properties?["purpose"]?.stringValue == "PRIVATE_SERVICE_CONNECT":
            graph = .consumerVisible
        default:
            graph = .none
        }
        return max(graph, deletionImpact[type] ?? .none)
    }

    static func of(_ exposure: ExposureCommon, field: String) -> Declaration {
        Declaration(
            exposure: exposure.name.value, field: field, location: exposure.fields[field] ?? exposure.source,
            deletionPolicy: exposure.effectiveDeletionPolicy)
    }

    /// Every exposure of the manifests as declared now, by `CLUSTER/EXPOSURE`.
    public static func exposures(_ set: ManifestSet) -> [String: ExposureDeclaration] {
        let commons = set.azureExposures.map(\.common) + set.gcpExposures.map(\.common)
        var out: [String: ExposureDeclaration] = [:]
        for c in commons {
            out["\(c.cluster.value)/\(c.name.value)"] = ExposureDeclaration(
                name: c.name.value, cluster: c.cluster.value, deletionPolicy: c.effectiveDeletionPolicy,
                policyLocation: c.deletionPolicy?.location ?? c.source, source: c.source, fields: c.fields)
        }
        return out
    }
}
