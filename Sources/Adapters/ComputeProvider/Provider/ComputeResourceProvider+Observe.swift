import ProviderAPI
public import ReconcileModel

extension ComputeResourceProvider {
    struct ObserveItem: Sendable {
        var address: ResourceAddress
        var kind: ComputeKind
        var path: String
        var shape: Value?
    }

    public func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource] {
        var items: [ResourceAddress: ObserveItem] = [:]
        var failures: [ResourceAddress: ObservedResource] = [:]
        var mayModify: Set<ResourceAddress> = []
        for entry in inventory {
            guard let kind = ComputeKind(rawValue: entry.address.type) else { continue }
            mayModify.insert(entry.address)
            guard let path = entry.cloudID else {
                failures[entry.address] = .failed(entry.address, "the inventory records no Compute path for it")
                continue
            }
            items[entry.address] = ObserveItem(address: entry.address, kind: kind, path: ComputeClient.relative(path), shape: entry.applied)
        }
        for spec in desired {
            guard let kind = ComputeKind(rawValue: spec.address.type) else { continue }
            if spec.adopt { mayModify.insert(spec.address) }
            guard let path = spec.cloudID ?? items[spec.address]?.path else {
                failures[spec.address] = .failed(spec.address, "the desired state gives no Compute path for it")
                continue
            }
            failures[spec.address] = nil
            items[spec.address] = ObserveItem(address: spec.address, kind: kind, path: ComputeClient.relative(path), shape: spec.properties)
        }
        remember(mayModify: mayModify, clusters: Set(desired.map(\.address.cluster) + inventory.map(\.address.cluster)))
        if !items.isEmpty {
            do {
                _ = try await client.bearer()
            } catch let error as ComputeAPIError {
                throw ProviderError(error.kind, error.description, summary: "GCP credentials unavailable")
            }
        }
        let work = items.values.sorted { $0.address < $1.address }
        let observed = await work.concurrentMap(limit: configuration.maxConcurrentRequests) { await self.observeOne($0) }.compactMap { $0 }
        try Task.checkCancellation()
        return (observed + failures.values).sorted { $0.address < $1.address }
    }

    /// A NEG's endpoints; nil when the NEG does not exist.
    private func endpoints(of path: String) async throws -> [Value]? {
        do {
            return try await client.list("POST", path + "/listNetworkEndpoints").map { $0["networkEndpoint"] ?? .null }
        } catch let error as ComputeAPIError where error.status == 404 {
            return nil
        }
    }

    private func observeOne(_ item: ObserveItem) async -> ObservedResource? {
        do {
            // A NEG's endpoints are not in its body: they are listed beside its GET, not after it (one round trip).
            async let listed = item.kind == .networkEndpointGroup ? endpoints(of: item.path) : nil
            guard let body = try await client.get(item.path) else { return nil }
            let endpoints = try await listed
            var seen = ObservedResource(
                address: item.address, cloudID: item.path,
                properties: Normaliser.normalise(body, kind: item.kind, desired: item.shape, endpoints: endpoints),
                ownership: OwnershipMarks.isOurs(body, cluster: item.address.cluster) ? .reconciler : .foreign)
            if item.kind == .serviceAttachment {
                let facts = Self.attachmentFacts(body, path: item.path)
                seen.notes = facts.notes
                seen.dependents = facts.cut
            }
            return seen
        } catch {
            return .failed(item.address, "\(error)")
        }
    }
}
