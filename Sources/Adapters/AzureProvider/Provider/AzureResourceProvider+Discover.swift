import Foundation
public import ProviderAPI
public import ReconcileModel

extension AzureResourceProvider {
    /// ARM resource types (lowercased) of the kinds that carry tags; pool associations live on NICs that are not
    /// ours and are found through the inventory only.
    static let discoverableTypes: [String: ARMResourceKind] = [
        "microsoft.network/virtualnetworks": .virtualNetwork,
        "microsoft.network/networksecuritygroups": .networkSecurityGroup,
        "microsoft.network/networkinterfaces": .networkInterface,
        "microsoft.compute/virtualmachines": .virtualMachine,
        "microsoft.network/loadbalancers": .loadBalancer,
        "microsoft.network/privatelinkservices": .privateLinkService,
    ]

    /// One tag-filtered list of each subscription's resources and one of its resource groups, all at once
    /// (`managed-by: kafka-private-link-reconciler`, so a released resource, whose `managed-by` became
    /// `released-by`, is never found), then a GET of each one the inventory does not hold, for its tags (ARM leaves
    /// tags out of a tag-filtered list); that GET is also its observation. Subscriptions: those of the manifests' and the inventory's ids, and
    /// `configuration.discoverySubscriptions`.
    public func discover(clusters: Set<String>, desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [DiscoveredResource] {
        var subscriptions: [String: String] = [:]
        let ids = desired.filter { Self.types.contains($0.address.type) }.compactMap(\.cloudID)
            + inventory.filter { Self.types.contains($0.address.type) }.compactMap(\.cloudID)
        for id in ids {
            let parts = id.split(separator: "/")
            if parts.count >= 2, parts[0].lowercased() == "subscriptions" { subscriptions[parts[1].lowercased()] = String(parts[1]) }
        }
        for subscription in configuration.discoverySubscriptions { subscriptions[subscription.lowercased()] = subscription }
        guard !subscriptions.isEmpty, !clusters.isEmpty else { return [] }
        // Without a token there is nothing to list; observation reports why, once.
        guard (try? await client.bearerToken()) != nil else { return [] }
        let known = Set(inventory.compactMap { $0.cloudID?.lowercased() })
        let filter = "tagName eq '\(OwnershipTags.managedByKey)' and tagValue eq '\(OwnershipTags.managedByValue)'"
        let paths = subscriptions.values.sorted().flatMap { ["/subscriptions/\($0)/resources", "/subscriptions/\($0)/resourcegroups"] }
        var found: [String] = []
        do {
            found = try await withThrowingTaskGroup(of: [String].self) { group in
                for path in paths { group.addTask { try await self.client.list(path, filter: filter).compactMap { $0["id"]?.stringValue } } }
                var ids: [String] = []
                for try await listed in group { ids += listed }
                return ids.sorted()
            }
        } catch let error as ARMError {
            throw ProviderError(error.kind, "cannot list the resources tagged as the reconciler's: \(error.message)")
        }
        let unknown = found.filter { !known.contains($0.lowercased()) && Self.kind(ofID: $0) != nil }
        return try await unknown.concurrentMap(limit: configuration.maxConcurrentRequests) { try await self.discovered($0, clusters: clusters) }
            .compactMap { $0 }.sorted { $0.address < $1.address }
    }

    /// The kind of a top-level resource or resource-group id, nil for any other.
    static func kind(ofID id: String) -> ARMResourceKind? {
        let parts = id.split(separator: "/").map { $0.lowercased() }
        if parts.count == 4, parts[0] == "subscriptions", parts[2] == "resourcegroups" { return .resourceGroup }
        guard parts.count == 8, parts[0] == "subscriptions", parts[2] == "resourcegroups", parts[4] == "providers" else { return nil }
        return discoverableTypes["\(parts[5])/\(parts[6])"]
    }

    /// What `id`'s tags say, or nil when it is gone, not of `clusters`, or no longer ours.
    private func discovered(_ id: String, clusters: Set<String>) async throws -> DiscoveredResource? {
        guard let kind = Self.kind(ofID: id) else { return nil }
        let body: Value?
        do {
            body = try await client.get(id)
        } catch let error as ARMError {
            throw ProviderError(error.kind, "cannot read \(ARMPath.short(id)), tagged as the reconciler's: \(error.message)")
        }
        guard let body, let tags = body["tags"]?.objectValue else { return nil }
        func tag(_ name: String) -> String? { tags.first { $0.key.lowercased() == name }?.value.stringValue }
        guard let cluster = tag(OwnershipTags.clusterKey), clusters.contains(cluster), OwnershipTags.isOurs(body, cluster: cluster)
        else { return nil }
        let name = body["name"]?.stringValue ?? String(id.split(separator: "/").last ?? "")
        let canonical = body["id"]?.stringValue ?? id
        var references: [String] = []
        if kind != .resourceGroup {
            let parts = canonical.split(separator: "/")
            references.append("/" + parts.prefix(4).joined(separator: "/"))
        }
        Self.collectReferences(body, key: nil, into: &references)
        let address = ResourceAddress(cluster: cluster, type: kind.rawValue, name: name)
        // Observed from the same body, as an inventory entry with nothing recorded of it would be.
        let observed = await derive([ObserveItem(address: address, kind: kind, cloudID: canonical, shape: nil)], from: body).first
        return DiscoveredResource(
            address: address, cloudID: canonical, observed: observed,
            origin: tag(OwnershipTags.originKey) == OwnershipTags.adoptedOrigin ? .adopted : .created,
            exposure: tag(OwnershipTags.exposureKey) ?? "",
            deletionPolicy: tag(OwnershipTags.deletionPolicyKey).flatMap(DeletionPolicy.init(rawValue:)),
            references: references.filter { !$0.lowercased().hasPrefix(canonical.lowercased() + "/") && $0.lowercased() != canonical.lowercased() })
    }

    /// The keys whose ids are what the desired graph makes a resource depend on: a NIC's and load balancer's
    /// subnet, a NIC's security group, a VM's NICs (under `networkProfile` only: a security group's or Private
    /// Link Service's `networkInterfaces` are back references ARM fills in, and point the other way), a Private
    /// Link Service's load balancer frontend. Back-reference lists of bare ids (a pool's members, a subnet's
    /// ipConfigurations) hold none of these keys and add nothing.
    static func collectReferences(_ value: Value, key: String?, into out: inout [String]) {
        switch value {
        case .object(let members):
            for (name, member) in members {
                switch name {
                case "subnet", "networkSecurityGroup", "loadBalancerFrontendIpConfigurations": ids(in: member, into: &out)
                case "networkInterfaces" where key == "networkProfile": ids(in: member, into: &out)
                case "networkInterfaces": continue
                default: collectReferences(member, key: name, into: &out)
                }
            }
        case .array(let elements):
            for element in elements { collectReferences(element, key: key, into: &out) }
        default:
            break
        }
    }

    private static func ids(in value: Value, into out: inout [String]) {
        switch value {
        case .object(let members):
            if let id = members["id"]?.stringValue, ARMPath.isResourceID(id) { out.append(id) }
        case .array(let elements):
            for element in elements { ids(in: element, into: &out) }
        default:
            break
        }
    }
}
