import ProviderAPI
public import ReconcileModel

extension AzureResourceProvider {
    public func apply(_ change: Change) async throws -> ObservedResource? {
        guard let kind = ARMResourceKind(rawValue: change.address.type) else {
            throw ProviderError(.terminal, address: change.address, "\(change.address.type) is not an Azure resource type this provider handles")
        }
        do {
            if kind == .poolAssociation { return try await applyAssociation(change) }
            switch change.action {
            case .create, .update, .expand:
                return try await upsert(change, kind: kind)
            case .replace:
                guard kind != .resourceGroup else {
                    throw ProviderError(.terminal, address: change.address, "a resource group cannot be replaced (that would delete "
                        + "everything in it); its location is fixed at creation, so move or recreate it by hand")
                }
                try await remove(change, kind: kind, verb: "replace")
                return try await upsert(change, kind: kind)
            case .delete:
                try await remove(change, kind: kind, verb: "delete")
                return nil
            case .forget:
                try await release(change, kind: kind)
                return nil
            case .writeBrokerConfig, .restartBroker:
                throw ProviderError(.terminal, address: change.address, "\(change.action.rawValue) does not apply to Azure resources")
            }
        } catch let error as ARMError {
            throw error.providerError(change.address)
        }
    }

    private func resourceID(_ change: Change) throws -> String {
        guard let id = change.cloudID, ARMPath.isResourceID(id) else {
            throw ProviderError(.terminal, address: change.address, "the change carries no ARM resource id")
        }
        return id
    }

    /// Create or update: the desired body as is when nothing is there, else laid over the live resource; either
    /// way with the fields the request schema requires (`ARMResourceKind.requestDefaults`). A PUT that would
    /// change nothing is not sent.
    private func upsert(_ change: Change, kind: ARMResourceKind) async throws -> ObservedResource {
        let id = try resourceID(change)
        guard let after = change.after, case .object = after else {
            throw ProviderError(.terminal, address: change.address, "the change carries no desired properties")
        }
        let desired = kind.completingRequest(after)
        let result: Value
        if let live = try await client.get(id) {
            try ensureMayModify(live, change, verb: "modify")
            let body = kind.completingRequest(BodyMerge.merge(live: live, desired: desired, kind: kind))
            // Equal up to what ARM itself treats as equal (id case, defaults, set order): nothing to send, unless
            // the resource is in a Failed state, which a repeated PUT is ARM's way to repair.
            let failed = ARMClient.provisioningState(of: live).lowercased() == "failed"
            let unchanged = !failed && Normaliser.normalise(live, kind: kind, desired: body) == Normaliser.normalise(body, kind: kind, desired: body)
            result = unchanged ? live : try await client.put(id, body: body)
        } else {
            result = try await client.put(id, body: desired)
        }
        let notes = kind == .privateLinkService ? await privateLinkFacts(result, id: id).notes : []
        return observed(change.address, kind: kind, cloudID: id, body: result, shape: after, notes: notes)
    }

    /// Delete (or the first half of a replace): gone already is success; someone else's resource is refused;
    /// a resource group must hold nothing but the reconciler's resources of this cluster.
    private func remove(_ change: Change, kind: ARMResourceKind, verb: String) async throws {
        let id = try resourceID(change)
        guard let live = try await client.get(id) else { return }
        try ensureMayModify(live, change, verb: verb)
        if kind == .resourceGroup {
            let foreign = try await client.list(id + "/resources").filter { !OwnershipTags.isOurs($0, cluster: change.address.cluster) }
            if !foreign.isEmpty {
                let names = foreign.prefix(10).map { r in
                    "\(r["name"]?.stringValue ?? "?") (\(r["type"]?.stringValue ?? "?"))"
                }
                throw ProviderError(
                    .terminal, address: change.address,
                    "refusing to delete resource group \(ARMPath.short(id)): it still holds \(foreign.count) resource(s) the reconciler "
                        + "does not own for cluster \(change.address.cluster): \(names.joined(separator: ", "))\(foreign.count > 10 ? ", ..." : ""); "
                        + "delete or move them first")
            }
        }
        try await client.delete(id)
    }

    /// Forget: the resource stays, and its ownership tags are marked as released (`OwnershipTags.released`), so
    /// the reconciler no longer treats it as its own and a later manifest must adopt it. Gone already, or not
    /// (or no longer) carrying our tags: nothing to do. The PUT is the live body with only the tags changed.
    private func release(_ change: Change, kind: ARMResourceKind) async throws {
        guard let id = change.cloudID, ARMPath.isResourceID(id), let live = try await client.get(id),
            OwnershipTags.isOurs(live, cluster: change.address.cluster), case .object(var body) = live
        else { return }
        body["tags"] = OwnershipTags.released(live["tags"])
        _ = try await client.put(id, body: ReadOnlyFields.strip(.object(body), kind: kind, forRequest: true))
    }

    /// Pool membership of a NIC the reconciler does not own: only that ipConfiguration's pool list changes.
    private func applyAssociation(_ change: Change) async throws -> ObservedResource? {
        guard let target = PoolAssociationTarget(properties: change.after) ?? change.cloudID.flatMap(PoolAssociationTarget.init(cloudID:))
            ?? PoolAssociationTarget(properties: change.before)
        else {
            throw ProviderError(.terminal, address: change.address, "the change names no NIC ipConfiguration and backend pool")
        }
        let address = change.address
        switch change.action {
        case .create, .update, .expand, .replace:
            guard let nic = try await client.get(target.nicID) else {
                throw ProviderError(.terminal, address: address, "network interface \(ARMPath.short(target.nicID)) does not exist; "
                    + "the exposure lists it as a broker's NIC, so create it or fix `vms.networkInterfaces`")
            }
            guard let edited = PoolAssociation.adding(target, to: nic) else {
                throw ProviderError(.terminal, address: address, "network interface \(ARMPath.short(target.nicID)) has no ipConfiguration "
                    + "named \(target.ipConfiguration)")
            }
            var result = nic
            if !PoolAssociation.isMember(target, nic: nic) {
                result = try await client.put(target.nicID, body: ReadOnlyFields.strip(edited, kind: .networkInterface, forRequest: true))
            }
            guard let observed = PoolAssociation.observed(address, cloudID: target.cloudID, nic: result, shape: change.after) else {
                throw ProviderError(.retryable, address: address, "the NIC was updated but does not list \(ARMPath.short(target.poolID)) yet")
            }
            return observed
        case .delete:
            guard let nic = try await client.get(target.nicID), PoolAssociation.isMember(target, nic: nic) else { return nil }
            let edited = PoolAssociation.removing(target, from: nic)
            _ = try await client.put(target.nicID, body: ReadOnlyFields.strip(edited, kind: .networkInterface, forRequest: true))
            return nil
        case .forget:
            return nil
        case .writeBrokerConfig, .restartBroker:
            throw ProviderError(.terminal, address: address, "\(change.action.rawValue) does not apply to a pool association")
        }
    }
}
