import ProviderAPI
public import ReconcileModel

extension ComputeResourceProvider {
    public func apply(_ change: Change) async throws -> ObservedResource? {
        guard let kind = ComputeKind(rawValue: change.address.type) else {
            throw ProviderError(.terminal, address: change.address, "\(change.address.type) is not a Compute type this provider handles")
        }
        guard let path = change.cloudID.map(ComputeClient.relative), path.hasPrefix("projects/") else {
            throw ProviderError(.terminal, address: change.address, "the change carries no Compute path")
        }
        do {
            switch change.action {
            case .create:
                try await create(change, kind: kind, path: path)
            case .update, .expand:
                try await update(change, kind: kind, path: path)
            case .replace:
                try await remove(change, path: path, verb: "replace")
                try await create(change, kind: kind, path: path)
            case .delete:
                try await remove(change, path: path, verb: "delete")
                return nil
            case .forget:
                try await release(change, kind: kind, path: path)
                return nil
            case .writeBrokerConfig, .restartBroker:
                throw ProviderError(.terminal, address: change.address, "\(change.action.rawValue) does not apply to Compute resources")
            }
            return try await current(change, kind: kind, path: path)
        } catch let error as ComputeAPIError {
            throw error.providerError(change.address)
        }
    }

    private func desired(_ change: Change) throws -> Value {
        guard let after = change.after else { throw ProviderError(.terminal, address: change.address, "the change carries no desired body") }
        return after
    }

    /// The resource as it stands after the change, normalised like an observation.
    private func current(_ change: Change, kind: ComputeKind, path: String) async throws -> ObservedResource? {
        guard let body = try await client.get(path) else { return nil }
        var endpoints: [Value]?
        if kind == .networkEndpointGroup {
            endpoints = try await client.list("POST", path + "/listNetworkEndpoints").map { $0["networkEndpoint"] ?? .null }
        }
        return ObservedResource(
            address: change.address, cloudID: path, properties: Normaliser.normalise(body, kind: kind, desired: change.after, endpoints: endpoints),
            ownership: OwnershipMarks.isOurs(body, cluster: change.address.cluster) ? .reconciler : .foreign)
    }

    private func create(_ change: Change, kind: ComputeKind, path: String) async throws {
        let want = try desired(change)
        do {
            try await client.mutate("POST", ComputeKind.collectionPath(of: path), body: kind.body(want))
        } catch let error as ComputeAPIError where error.status == 409 {
            // Already there (an earlier, interrupted apply; or someone else's): ours is brought up to date.
            try await update(change, kind: kind, path: path)
            return
        }
        if kind == .networkEndpointGroup {
            try await reconcileEndpoints(path: path, want: want["networkEndpoints"]?.arrayValue ?? [], have: [])
        }
    }

    /// Forget: the resource stays and its marks say it was let go, so no pass treats it as the reconciler's again
    /// and discovery never finds it: labels (instances, forwarding rules) through `setLabels`, `managed-by` replaced by
    /// `released-by`; a description that can change (subnetworks, firewalls, health checks, backend services,
    /// attachments, group managers) by PATCH, its first word `released-by=`. Networks, NEGs and instance templates
    /// cannot change their description: their exposure's labels say it was let go. Gone already, or not (or no
    /// longer) marked as ours: nothing to do.
    private func release(_ change: Change, kind: ComputeKind, path: String) async throws {
        guard let live = try await client.get(path), OwnershipMarks.isOurs(live, cluster: change.address.cluster) else { return }
        do {
            try await mark(live, released: kind, path: path)
        } catch let error as ComputeAPIError where error.status == 404 {
            return  // gone meanwhile: nothing left to let go
        }
    }

    private func mark(_ live: Value, released kind: ComputeKind, path: String) async throws {
        if kind.hasLabels {
            try await client.mutate(
                "POST", path + "/setLabels",
                body: ["labels": OwnershipMarks.releasedLabels(live["labels"]), "labelFingerprint": live["labelFingerprint"] ?? .null])
            return
        }
        guard let description = live["description"]?.stringValue, let released = OwnershipMarks.releasedDescription(description) else { return }
        switch kind.update {
        case .patch:
            try await client.mutate("PATCH", path, body: ["description": .string(released)])
        case .fingerprintedPatch, .fields, .groupManager:
            try await client.mutate("PATCH", path, body: ["description": .string(released), "fingerprint": live["fingerprint"] ?? .null])
        case .none, .endpoints, .labels:
            return
        }
    }

    private func remove(_ change: Change, path: String, verb: String) async throws {
        guard let live = try await client.get(path) else { return }
        try ensureMayModify(live, change, verb: verb)
        do {
            try await client.mutate("DELETE", path, body: nil)
        } catch let error as ComputeAPIError where error.status == 404 {
            return
        }
    }

    /// Brings the live resource to `change.after`, within what Compute can change in place; 412 is re-read and retried.
    private func update(_ change: Change, kind: ComputeKind, path: String) async throws {
        let want = try desired(change)
        for attempt in 1...3 {
            guard let live = try await client.get(path) else {
                try await create(change, kind: kind, path: path)
                return
            }
            try ensureMayModify(live, change, verb: "change")
            var endpoints: [Value]?
            if kind == .networkEndpointGroup {
                endpoints = try await client.list("POST", path + "/listNetworkEndpoints").map { $0["networkEndpoint"] ?? .null }
            }
            let have = Normaliser.normalise(live, kind: kind, desired: want, endpoints: endpoints).projected(onto: want)
            let differing = Set((want.objectValue ?? [:]).keys.filter { have[$0] != want[$0] })
            if differing.isEmpty { return }
            do {
                try await patch(kind: kind, path: path, live: live, want: want, differing: differing, endpoints: have["networkEndpoints"]?.arrayValue ?? [], change: change)
                return
            } catch let error as ComputeAPIError where error.status == 412 && attempt < 3 {
                continue  // someone changed it since it was read: read it again and retry with the new fingerprint
            }
        }
    }

    private func patch(
        kind: ComputeKind, path: String, live: Value, want: Value, differing: Set<String>, endpoints: [Value], change: Change
    ) async throws {
        func refuse(_ fields: Set<String>) -> ProviderError {
            ProviderError(
                .terminal, address: change.address,
                "\(path): Compute cannot change \(fields.sorted().joined(separator: ", ")) of a \(kind.rawValue.dropFirst(4)) in place; "
                    + "the resource must be replaced (delete it, or mark the field as replace-on-change)")
        }
        switch kind.update {
        case .none:
            throw refuse(differing)
        case .patch:
            try await client.mutate("PATCH", path, body: kind.body(want))
        case .fingerprintedPatch:
            var body = kind.body(want)
            body = body.setting("fingerprint", live["fingerprint"] ?? .null)
            try await client.mutate("PATCH", path, body: body)
        case .fields(let allowed):
            let other = differing.subtracting(allowed)
            guard other.isEmpty else { throw refuse(other) }
            var body: [String: Value] = ["fingerprint": live["fingerprint"] ?? .null]
            for field in differing { body[field] = want[field] }
            try await client.mutate("PATCH", path, body: .object(body))
        case .labels:
            let other = differing.subtracting(["labels"])
            guard other.isEmpty else { throw refuse(other) }
            try await client.mutate(
                "POST", path + "/setLabels", body: ["labels": want["labels"] ?? [:], "labelFingerprint": live["labelFingerprint"] ?? .null])
        case .groupManager:
            let other = differing.subtracting(["targetSize", "instanceTemplate", "description"])
            guard other.isEmpty else { throw refuse(other) }
            // Back to its size first (fewer instances to recreate), then the template, then the description.
            if differing.contains("targetSize"), let size = want["targetSize"]?.intValue {
                try await client.mutate("POST", path + "/resize", body: nil, extraQuery: [("size", String(size))])
            }
            if differing.contains("instanceTemplate"), let template = want["instanceTemplate"] {
                try await client.mutate("POST", path + "/setInstanceTemplate", body: ["instanceTemplate": template])
                let instances = try await client.list("POST", path + "/listManagedInstances", key: "managedInstances")
                    .compactMap { $0["instance"] }
                if !instances.isEmpty {
                    try await client.mutate("POST", path + "/recreateInstances", body: ["instances": .array(instances)])
                }
            }
            if differing.contains("description") {
                let fresh = try await client.get(path) ?? live
                try await client.mutate("PATCH", path, body: ["description": want["description"] ?? .null, "fingerprint": fresh["fingerprint"] ?? .null])
            }
        case .endpoints:
            let other = differing.subtracting(["networkEndpoints"])
            guard other.isEmpty else { throw refuse(other) }
            try await reconcileEndpoints(path: path, want: want["networkEndpoints"]?.arrayValue ?? [], have: endpoints)
        }
    }

    /// Attach what is missing, then detach what is extra; an extra endpoint holding a client port a missing one needs
    /// is detached first (a client port maps to one endpoint).
    func reconcileEndpoints(path: String, want: [Value], have: [Value]) async throws {
        let missing = want.filter { !have.contains($0) }
        let extra = have.filter { !want.contains($0) }
        let needed = Set(missing.compactMap { $0["clientDestinationPort"]?.intValue })
        let blocking = extra.filter { $0["clientDestinationPort"]?.intValue.map(needed.contains) == true }
        if !blocking.isEmpty {
            try await client.mutate("POST", path + "/detachNetworkEndpoints", body: ["networkEndpoints": .array(blocking)])
        }
        if !missing.isEmpty {
            try await client.mutate("POST", path + "/attachNetworkEndpoints", body: ["networkEndpoints": .array(missing)])
        }
        let rest = extra.filter { !blocking.contains($0) }
        if !rest.isEmpty {
            try await client.mutate("POST", path + "/detachNetworkEndpoints", body: ["networkEndpoints": .array(rest)])
        }
    }
}

extension Value {
    func setting(_ key: String, _ value: Value) -> Value {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
