import ProviderAPI
public import ReconcileModel

extension AzureResourceProvider {
    /// One address to observe: what to GET and what to normalise against.
    struct ObserveItem: Sendable {
        var address: ResourceAddress
        var kind: ARMResourceKind
        var cloudID: String
        /// Desired properties, else the inventory's last applied ones.
        var shape: Value?
        /// Whether the manifests declare it (not only the inventory).
        var isDesired = false

        /// The resource to GET: the NIC for a pool association, the resource itself otherwise.
        var getID: String? {
            kind == .poolAssociation ? PoolAssociationTarget(cloudID: cloudID)?.nicID : cloudID
        }
    }

    public func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource] {
        var items: [ResourceAddress: ObserveItem] = [:]
        var failures: [ResourceAddress: ObservedResource] = [:]
        var mayModify: Set<ResourceAddress> = []
        for entry in inventory {
            guard let kind = ARMResourceKind(rawValue: entry.address.type) else { continue }
            mayModify.insert(entry.address)
            guard let id = entry.cloudID else {
                failures[entry.address] = .failed(entry.address, "the inventory records no ARM id for it")
                continue
            }
            items[entry.address] = ObserveItem(address: entry.address, kind: kind, cloudID: id, shape: entry.applied)
        }
        for spec in desired {
            guard let kind = ARMResourceKind(rawValue: spec.address.type) else { continue }
            if spec.adopt { mayModify.insert(spec.address) }
            guard let id = spec.cloudID ?? items[spec.address]?.cloudID else {
                failures[spec.address] = .failed(spec.address, "the desired state gives no ARM id for it")
                continue
            }
            failures[spec.address] = nil
            items[spec.address] = ObserveItem(address: spec.address, kind: kind, cloudID: id, shape: spec.properties, isDesired: true)
        }
        let clusters = Set(desired.map(\.address.cluster) + inventory.map(\.address.cluster))
        remember(mayModify: mayModify, clusters: clusters)

        // One GET per distinct resource (several pool associations may share a NIC).
        var groups: [String: [ObserveItem]] = [:]
        for item in items.values {
            guard let getID = item.getID else {
                failures[item.address] = .failed(item.address, "\(item.cloudID) is not a NIC ipConfiguration and pool id pair")
                continue
            }
            groups[getID.lowercased(), default: []].append(item)
        }
        if !groups.isEmpty {
            do {
                _ = try await client.bearerToken()
            } catch let error as ARMError {
                throw ProviderError(error.kind, error.message, summary: "Azure credentials unavailable")
            }
        }
        let work = groups.keys.sorted()
        let batches = work.map { groups[$0]! }
        let observed = await batches.concurrentMap(limit: configuration.maxConcurrentRequests) { await self.observeGroup($0) }.flatMap { $0 }
        try Task.checkCancellation()
        return (observed + failures.values).sorted { $0.address < $1.address }
    }

    /// GETs one resource and derives every item that depends on it.
    private func observeGroup(_ items: [ObserveItem]) async -> [ObservedResource] {
        guard let getID = items.first?.getID else { return [] }
        let body: Value?
        do {
            body = try await client.get(getID)
        } catch {
            return items.map { .failed($0.address, "\(error)") }
        }
        guard let body else { return [] }
        return await derive(items, from: body)
    }

    /// What each item observes of one GET body (a PLS's connections and a departing group's contents are listed).
    func derive(_ items: [ObserveItem], from body: Value) async -> [ObservedResource] {
        var out: [ObservedResource] = []
        for item in items {
            // A declared resource of ours that an earlier operation left `Failed` is reported absent: the plan then
            // creates it, and `upsert` PUTs the desired body over it, which is ARM's way to repair it. Reported as
            // it stands, it would look unchanged (provisioningState is read-only) and stay Failed for good.
            if item.isDesired, item.kind != .poolAssociation, ARMClient.provisioningState(of: body).lowercased() == "failed",
                OwnershipTags.isOurs(body, cluster: item.address.cluster) || mayModify(item.address)
            {
                continue
            }
            switch item.kind {
            case .poolAssociation:
                if let association = PoolAssociation.observed(item.address, cloudID: item.cloudID, nic: body, shape: item.shape) {
                    out.append(association)
                }
            case .privateLinkService:
                let (notes, connections) = await privateLinkFacts(body, id: item.cloudID)
                var seen = observed(item.address, kind: item.kind, cloudID: item.cloudID, body: body, shape: item.shape, notes: notes)
                seen.dependents = connections
                out.append(seen)
            case .resourceGroup where !item.isDesired:
                // Leaving the manifests: what is inside decides whether it may ever be deleted.
                var seen = observed(item.address, kind: item.kind, cloudID: item.cloudID, body: body, shape: item.shape, notes: [])
                do {
                    seen.contents = Dependents.groupContents(try await client.list(item.cloudID + "/resources"))
                } catch {
                    seen = .failed(item.address, "cannot list the resources in resource group \(ARMPath.short(item.cloudID)): \(error)")
                }
                out.append(seen)
            default:
                var seen = observed(item.address, kind: item.kind, cloudID: item.cloudID, body: body, shape: item.shape, notes: [])
                seen.dependents = Dependents.of(item.kind, body: body)
                out.append(seen)
            }
        }
        return out
    }
}
