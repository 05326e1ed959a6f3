import ProviderAPI
import ReconcileModel
import Testing
@testable import ReconcileEngine

/// The pure step that turns resources found by their ownership marks into inventory entries.
@Suite("Inventory entries from discovered resources")
struct InventoryDiscoveryTests {
    static let group = "/subscriptions/s/resourceGroups/rg"
    static let network = "\(group)/providers/Microsoft.Network"

    static func found(_ type: String, _ name: String, id: String, policy: DeletionPolicy? = .delete, origin: Inventory.Entry.Origin = .created,
                      references: [String] = [], cluster: String = "c") -> DiscoveredResource {
        DiscoveredResource(
            address: ResourceAddress(cluster: cluster, type: type, name: name), cloudID: id, origin: origin, exposure: "x",
            deletionPolicy: policy, references: references)
    }

    @Test("Dependencies come from referenced ids (exactly, or as their container); declared and inventoried resources are left alone")
    func entries() {
        let found = [
            Self.found("azure.resourceGroup", "rg", id: Self.group),
            Self.found("azure.virtualNetwork", "vnet", id: "\(Self.network)/virtualNetworks/vnet", references: [Self.group]),
            Self.found("azure.loadBalancer", "lb", id: "\(Self.network)/loadBalancers/lb",
                       references: [Self.group, "\(Self.network)/virtualNetworks/VNET/subnets/s", "/subscriptions/s/resourceGroups/other"]),
            Self.found("azure.privateLinkService", "pls", id: "\(Self.network)/privateLinkServices/pls", policy: nil,
                       references: [Self.group, "\(Self.network)/loadBalancers/lb/frontendIPConfigurations/f"]),
            Self.found("azure.networkSecurityGroup", "declared", id: "\(Self.network)/networkSecurityGroups/declared"),
            Self.found("azure.networkSecurityGroup", "cached", id: "\(Self.network)/networkSecurityGroups/cached", origin: .adopted),
            Self.found("azure.virtualNetwork", "elsewhere", id: "/subscriptions/s/resourceGroups/d/providers/Microsoft.Network/virtualNetworks/v",
                       references: [Self.group], cluster: "d"),
        ]
        let declared = ResourceSpec(
            address: ResourceAddress(cluster: "c", type: "azure.networkSecurityGroup", name: "declared"),
            cloudID: "\(Self.network)/networkSecurityGroups/declared", properties: [:])
        let cachedAddress = ResourceAddress(cluster: "c", type: "azure.networkSecurityGroup", name: "cached")
        let cached = Inventory.Entry(address: cachedAddress, cloudID: "\(Self.network)/networkSecurityGroups/cached", origin: .created)
        let (inventories, added) = InventoryDiscovery.merge(found, into: ["c": Inventory(cluster: "c", entries: [cached])], desired: [declared])

        #expect(added.map(\.name).sorted() == ["elsewhere", "lb", "pls", "rg", "vnet"])
        let c = inventories["c"]!
        #expect(c[cachedAddress] == cached, "the inventory's own entry wins")
        #expect(c[declared.address] == nil, "a declared resource is planned from the manifests")
        let lb = c[ResourceAddress(cluster: "c", type: "azure.loadBalancer", name: "lb")]!
        #expect(lb.dependsOn.map(\.name) == ["rg", "vnet"], "the subnet's id names its network; an unmanaged group adds nothing")
        #expect(lb.disruption == .consumerVisible && lb.origin == .created)
        #expect(lb.declaration == Declaration(exposure: "x", field: "spec.loadBalancer.name", deletionPolicy: .delete))
        #expect(lb.applied == nil, "what was last applied is only in the inventory")
        let pls = c[ResourceAddress(cluster: "c", type: "azure.privateLinkService", name: "pls")]!
        #expect(pls.dependsOn.map(\.name) == ["lb", "rg"])
        #expect(pls.declaration?.deletionPolicy == .orphan, "no policy mark: never deleted on a guess")
        #expect(inventories["d"]?.entries.values.first?.dependsOn == [], "no dependency across clusters")
    }
}
