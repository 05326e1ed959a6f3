import Foundation
public import ProviderAPI
public import ReconcileModel

extension ComputeResourceProvider {
    /// The label filter of the labelled kinds: the reconciler's, current or released (a released exposure's labels
    /// say its description-only resources were let go too).
    static let labelFilter =
        "(labels.\(OwnershipMarks.managedByKey) = \"\(OwnershipMarks.managedByValue)\") OR (labels.\(OwnershipMarks.releasedKey) = \"\(OwnershipMarks.managedByValue)\")"
    /// The description filter of the other kinds (Compute's regex form: the whole field must match).
    static let descriptionFilter = "description eq \"\(OwnershipMarks.managedByKey)=\(OwnershipMarks.managedByValue) cluster=.*\""

    /// Kinds listed across a project's regions and zones in one `aggregatedList` each, or by one global `list`.
    static let aggregatedKinds: [ComputeKind] = [
        .instance, .forwardingRule, .subnetwork, .serviceAttachment, .instanceGroupManager, .backendService, .healthCheck, .instanceTemplate,
    ]
    static let globalKinds: [ComputeKind] = [.network, .firewall]

    /// One list request of discovery.
    struct Listing: Sendable {
        var project: String
        var kind: ComputeKind
        /// nil: aggregated or global; else the region of a regional list (NEGs, which have no aggregated list).
        var region: String?
    }

    /// Finds the reconciler's resources of `clusters` in the projects the manifests' and the inventory's paths name
    /// and `configuration.discoveryProjects`, by filtered lists sent all at once: per project, an `aggregatedList` of
    /// each kind that has one and a global `list` of networks and firewalls; instances and forwarding rules by their
    /// labels (`managed-by`, or `released-by`), the rest by their description (`managed-by=... cluster=...`). Regional
    /// NEGs have no aggregated list: one list per region the paths name, and per region where the first lists found
    /// something. A found NEG's endpoints are listed too (its observation; its instances order deletes).
    ///
    /// What a found resource's marks say:
    /// - instances and forwarding rules: their labels (`managed-by`; the deletion policy; `origin: adopted`);
    ///   one whose labels say `released-by` is not returned;
    /// - the other kinds: their description names cluster, exposure and `origin=adopted`; the deletion policy is
    ///   that of the exposure's labelled resources (its forwarding rule, its instances), since networks, NEGs and
    ///   instance templates cannot change their description. When those say `released-by` the exposure was let go
    ///   and nothing of it is returned (a released subnet, firewall, backend service, health check, attachment or
    ///   group manager also says `released-by=` in its description and is not even listed); when the exposure has
    ///   no labelled resource left, the policy is unknown (nil: the engine only forgets).
    public func discover(clusters: Set<String>, desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [DiscoveredResource] {
        var projects = Set(configuration.discoveryProjects.filter { !$0.isEmpty })
        var regions: [String: Set<String>] = [:]
        let paths = desired.filter { Self.types.contains($0.address.type) }.compactMap(\.cloudID)
            + inventory.filter { Self.types.contains($0.address.type) }.compactMap(\.cloudID)
        for path in paths {
            guard let (project, region) = Self.projectAndRegion(of: path) else { continue }
            projects.insert(project)
            if let region { regions[project, default: []].insert(region) }
        }
        guard !projects.isEmpty, !clusters.isEmpty else { return [] }
        // Without a token there is nothing to list; observation reports why, once.
        guard (try? await client.bearer()) != nil else { return [] }

        var listings: [Listing] = []
        for project in projects.sorted() {
            listings += (Self.aggregatedKinds + Self.globalKinds).map { Listing(project: project, kind: $0, region: nil) }
            listings += (regions[project] ?? []).sorted().map { Listing(project: project, kind: .networkEndpointGroup, region: $0) }
        }
        var found = try await list(listings)
        var extra: [Listing] = []
        for item in found {
            guard let (project, region) = Self.projectAndRegion(of: item.path), let region, !(regions[project]?.contains(region) ?? false)
            else { continue }
            regions[project, default: []].insert(region)
            extra.append(Listing(project: project, kind: .networkEndpointGroup, region: region))
        }
        found += try await list(extra)
        return try await resources(found, clusters: clusters, known: Set(inventory.compactMap { $0.cloudID.map(ComputeClient.relative) }))
    }

    /// One found item: its kind, relative path and body.
    struct Found: Sendable {
        var kind: ComputeKind
        var path: String
        var body: Value
    }

    private func list(_ listings: [Listing]) async throws -> [Found] {
        do {
            return try await withThrowingTaskGroup(of: [Found].self) { group in
                for listing in listings {
                    group.addTask {
                        let filter = listing.kind.hasLabels ? Self.labelFilter : Self.descriptionFilter
                        let items: [Value]
                        if let region = listing.region {
                            items = try await self.client.list(
                                "GET", "projects/\(listing.project)/regions/\(region)/\(listing.kind.collection)", filter: filter)
                        } else if Self.globalKinds.contains(listing.kind) {
                            items = try await self.client.list("GET", "projects/\(listing.project)/global/\(listing.kind.collection)", filter: filter)
                        } else {
                            items = try await self.client.aggregatedList(project: listing.project, collection: listing.kind.collection, filter: filter)
                        }
                        return items.compactMap { body in
                            body["selfLink"]?.stringValue.map { Found(kind: listing.kind, path: ComputeClient.relative($0), body: body) }
                        }
                    }
                }
                var all: [Found] = []
                for try await listed in group { all += listed }
                return all
            }
        } catch let error as ComputeAPIError {
            throw ProviderError(error.kind, "cannot list the resources marked as the reconciler's: \(error.description)")
        }
    }

    /// What each found item's marks say (see `discover`), for the items of `clusters` the inventory does not hold.
    private func resources(_ found: [Found], clusters: Set<String>, known: Set<String>) async throws -> [DiscoveredResource] {
        struct Marks {
            var cluster: String
            var exposure: String
            var released: Bool
            var adopted: Bool
            var policy: DeletionPolicy?
        }
        func marks(_ item: Found) -> Marks? {
            let described = OwnershipMarks.descriptionMarks(item.body["description"]?.stringValue ?? "")
            if item.kind.hasLabels {
                let labels = item.body["labels"]
                func label(_ key: String) -> String? { labels?[key]?.stringValue }
                let managed = label(OwnershipMarks.managedByKey) == OwnershipMarks.managedByValue
                guard managed || label(OwnershipMarks.releasedKey) == OwnershipMarks.managedByValue else { return nil }
                // Names as written in the description (labels are lowercased and cut to 63 characters).
                guard let cluster = clusters.first(where: { c in
                    described?["cluster"] == c || (described == nil && label(OwnershipMarks.clusterKey) == String(c.lowercased().prefix(63)))
                }) else { return nil }
                let policy = label(OwnershipMarks.deletionPolicyKey).flatMap { value in DeletionPolicy.allCases.first { $0.rawValue.lowercased() == value } }
                return Marks(
                    cluster: cluster, exposure: described?["exposure"] ?? label(OwnershipMarks.exposureKey) ?? "", released: !managed,
                    adopted: label(OwnershipMarks.originKey) == OwnershipMarks.adoptedOrigin, policy: policy)
            }
            guard let described, described[OwnershipMarks.managedByKey] != nil, let cluster = described["cluster"], clusters.contains(cluster)
            else { return nil }
            return Marks(
                cluster: cluster, exposure: described["exposure"] ?? "", released: false,
                adopted: described["origin"] == OwnershipMarks.adoptedOrigin, policy: nil)
        }
        // A managed instance group's instances carry its template's labels, but belong to the group: Compute names
        // their manager in the `created-by` metadata key.
        func createdByGroup(_ item: Found) -> Bool {
            item.kind == .instance && (item.body["metadata"]?["items"]?.arrayValue ?? []).contains {
                $0["key"]?.stringValue == "created-by" && $0["value"]?.stringValue?.contains("/instanceGroupManagers/") == true
            }
        }
        let marked = found.filter { !createdByGroup($0) }.compactMap { item in marks(item).map { (item, $0) } }
        // Each exposure's state from its labelled resources: managed with a policy (the most careful one when they
        // disagree, as during a policy change), or released.
        struct Exposure: Hashable {
            var cluster: String
            var name: String
        }
        var policies: [Exposure: [DeletionPolicy?]] = [:]
        var released: Set<Exposure> = []
        for (item, m) in marked where item.kind.hasLabels {
            let key = Exposure(cluster: m.cluster, name: m.exposure)
            if m.released { released.insert(key) } else { policies[key, default: []].append(m.policy) }
        }
        func policy(of key: Exposure) -> DeletionPolicy? {
            let all = policies[key] ?? []
            if !all.isEmpty && all.allSatisfy({ $0 == .delete }) { return .delete }
            return all.contains(.orphan) ? .orphan : nil
        }
        let wanted = marked.filter { item, m in
            guard !m.released, !known.contains(item.path) else { return false }
            if item.kind.hasLabels { return true }
            let key = Exposure(cluster: m.cluster, name: m.exposure)
            return policies[key] != nil || !released.contains(key)
        }
        let jobs = wanted.map { item, m in
            (item: item, cluster: m.cluster, exposure: m.exposure, adopted: m.adopted,
             policy: item.kind.hasLabels ? m.policy : policy(of: Exposure(cluster: m.cluster, name: m.exposure)))
        }
        return try await jobs.concurrentMap(limit: configuration.maxConcurrentRequests) { job in
            try await self.discovered(job.item, cluster: job.cluster, exposure: job.exposure, adopted: job.adopted, policy: job.policy)
        }.sorted { $0.address < $1.address }
    }

    /// A found item as a discovered resource, observed from its listed body (and a NEG's endpoints).
    private func discovered(_ item: Found, cluster: String, exposure: String, adopted: Bool, policy: DeletionPolicy?) async throws -> DiscoveredResource {
        var endpoints: [Value]?
        if item.kind == .networkEndpointGroup {
            do {
                endpoints = try await client.list("POST", item.path + "/listNetworkEndpoints").map { $0["networkEndpoint"] ?? .null }
            } catch let error as ComputeAPIError {
                throw ProviderError(error.kind, "cannot list the endpoints of \(item.path), marked as the reconciler's: \(error.description)")
            }
        }
        let name = item.body["name"]?.stringValue ?? String(item.path.split(separator: "/").last ?? "")
        let address = ResourceAddress(cluster: cluster, type: item.kind.rawValue, name: name)
        var observed = ObservedResource(
            address: address, cloudID: item.path, properties: Normaliser.normalise(item.body, kind: item.kind, desired: nil, endpoints: endpoints),
            ownership: .reconciler)
        if item.kind == .serviceAttachment {
            let facts = Self.attachmentFacts(item.body, path: item.path)
            observed.notes = facts.notes
            observed.dependents = facts.cut
        }
        var references: [String] = []
        Self.collectReferences(item.body, key: nil, into: &references)
        for endpoint in endpoints ?? [] { Self.collectReferences(endpoint, key: nil, into: &references) }
        return DiscoveredResource(
            address: address, cloudID: item.path, observed: observed, origin: adopted ? .adopted : .created, exposure: exposure,
            deletionPolicy: policy, references: Array(Set(references.filter { $0 != item.path })).sorted())
    }

    /// `projects/P/regions/R/...` -> (P, R); `projects/P/zones/Z/...` -> (P, region of Z); global -> (P, nil).
    static func projectAndRegion(of path: String) -> (project: String, region: String?)? {
        let parts = ComputeClient.relative(path).split(separator: "/").map(String.init)
        guard parts.count >= 3, parts[0] == "projects" else { return nil }
        switch parts[2] {
        case "regions" where parts.count >= 4: return (parts[1], parts[3])
        case "zones" where parts.count >= 4:
            return (parts[1], parts[3].lastIndex(of: "-").map { String(parts[3][..<$0]) } ?? parts[3])
        default: return (parts[1], nil)
        }
    }

    /// The Compute resources a body refers to, as relative paths: every link but its own (`selfLink`), its scope
    /// (`region`, `zone`) and the consumers' endpoints of an attachment (not the reconciler's). A managed instance
    /// group (`instanceGroups/G` of a zone) stands for its manager (`instanceGroupManagers/G`), which made it.
    static func collectReferences(_ value: Value, key: String?, into out: inout [String]) {
        switch value {
        case .object(let members):
            for (name, member) in members where !["selfLink", "selfLinkWithId", "region", "zone", "connectedEndpoints", "kind"].contains(name) {
                collectReferences(member, key: name, into: &out)
            }
        case .array(let elements):
            for element in elements { collectReferences(element, key: key, into: &out) }
        case .string(let s) where s.hasPrefix("projects/") || s.contains("/compute/v1/projects/"):
            let path = ComputeClient.relative(s)
            guard path.hasPrefix("projects/") else { return }
            out.append(path)
            if path.contains("/instanceGroups/") { out.append(path.replacingOccurrences(of: "/instanceGroups/", with: "/instanceGroupManagers/")) }
        default:
            break
        }
    }
}
