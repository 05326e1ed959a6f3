import ArmEmulator

/// Insert, delete, patch and the custom verbs, with the rules Compute enforces (documented per rule).
extension Transaction {
    /// RFC 1035 names, as Compute requires.
    static func isName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last, s.count <= 63,
            ("a"..."z").contains(first), ("a"..."z").contains(last) || ("0"..."9").contains(last)
        else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// A copy of `body` with reference fields as relative paths and server-set fields dropped.
    static func incoming(_ body: JSON) -> JSON {
        guard case .object(var members) = body else { return body }
        for key in Collection.serverFields { members[key] = nil }
        return relativeReferences(.object(members))
    }

    static func relativeReferences(_ value: JSON, key: String? = nil) -> JSON {
        switch value {
        case .object(let members): return .object(Dictionary(uniqueKeysWithValues: members.map { ($0.key, relativeReferences($0.value, key: $0.key)) }))
        case .array(let items): return .array(items.map { relativeReferences($0, key: key) })
        case .string(let s) where key.map(Collection.referenceKeys.contains) == true: return .string(ComputePath.relative(s))
        default: return value
        }
    }

    /// The referenced resource, or 400 naming the field.
    func reference(_ body: JSON, _ field: String, required: Bool = true) throws -> StoredResource? {
        guard let ref = body[field]?.stringValue, !ref.isEmpty else {
            if required { throw ComputeError.invalid("Invalid value for field 'resource.\(field)': ''. Required.") }
            return nil
        }
        guard let stored = world[ref] else {
            throw ComputeError.invalid("Invalid value for field 'resource.\(field)': '\(ref)'. The referenced resource does not exist.")
        }
        return stored
    }

    mutating func insert(_ collection: ComputePath, body raw: JSON) throws -> ComputePath {
        var body = Self.incoming(raw)
        guard let name = body["name"]?.stringValue, Self.isName(name) else {
            throw ComputeError.invalid(
                "Invalid value for field 'resource.name': '\(raw["name"]?.stringValue ?? "")'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'")
        }
        var path = collection
        path.name = name
        if world[path.description] != nil { throw ComputeError.alreadyExists(path.description) }
        if case .zone(let z) = path.scope, let type = body["machineType"]?.stringValue, type.hasPrefix("zones/") {
            body["machineType"] = .string("projects/\(path.project)/\(type)")
            _ = z
        }
        try validate(path, &body)
        let sequence = world.next()
        body["id"] = .string(world.id(sequence))
        body["creationTimestamp"] = .string(Self.timestamp())
        if Collection.fingerprinted.contains(path.collection) { body["fingerprint"] = .string(world.fingerprint()) }
        if Collection.labelled.contains(path.collection) { body["labelFingerprint"] = .string(world.fingerprint()) }
        world[path.description] = StoredResource(path: path, body: body, sequence: sequence)
        return path
    }

    mutating func delete(_ path: ComputePath) throws -> ComputePath {
        let stored = try existing(path)
        for other in world.resources.values where other.path != path {
            if Self.mentions(other.body, path.description, skipping: ["networkEndpoints"]) {
                throw ComputeError.inUse(path.description, by: other.path.description)
            }
        }
        if path.collection == "instances" {
            // The instance's endpoints leave every NEG with it.
            for neg in world.all("networkEndpointGroups") {
                var changed = neg
                let kept = (neg.body["networkEndpoints"]?.arrayValue ?? []).filter { $0["instance"]?.stringValue != path.description }
                changed.body["networkEndpoints"] = .array(kept)
                world[neg.path.description] = changed
            }
        }
        _ = stored
        world.resources[path.description] = nil
        return path
    }

    static func mentions(_ value: JSON, _ path: String, skipping: Set<String>) -> Bool {
        switch value {
        case .string(let s): return s == path
        case .array(let items): return items.contains { mentions($0, path, skipping: skipping) }
        case .object(let members): return members.contains { !skipping.contains($0.key) && mentions($0.value, path, skipping: skipping) }
        default: return false
        }
    }

    mutating func patch(_ path: ComputePath, body raw: JSON, replace: Bool) throws -> ComputePath {
        var stored = try existing(path)
        if Collection.immutable.contains(path.collection) {
            throw ComputeError.invalid("Resource '\(path)' of this type cannot be patched")
        }
        if Collection.fingerprinted.contains(path.collection) {
            guard let given = raw["fingerprint"]?.stringValue, given == stored.body["fingerprint"]?.stringValue else {
                throw ComputeError.conditionNotMet(
                    "Invalid fingerprint: the resource '\(path)' was changed since it was read; read it again and retry with its current fingerprint.")
            }
        }
        let changes = Self.incoming(raw)
        if let allowed = Collection.patchable[path.collection] {
            for key in (changes.objectValue ?? [:]).keys where !allowed.contains(key) && key != "name" {
                if changes[key] != stored.body[key] {
                    throw ComputeError.invalid("Field '\(key)' of '\(path)' cannot be changed by patch")
                }
            }
        }
        if let name = changes["name"]?.stringValue, name != path.name {
            throw ComputeError.invalid("Invalid value for field 'resource.name': '\(name)'. The name cannot change.")
        }
        var body = stored.body
        if replace {
            var kept = JSON.object([:])
            for key in ["id", "creationTimestamp", "fingerprint", "labelFingerprint"] { kept[key] = body[key] }
            body = kept
            for (key, value) in changes.objectValue ?? [:] { body[key] = value }
        } else {
            body = Self.mergePatch(body, changes)
        }
        try validate(path, &body, existing: stored)
        if Collection.fingerprinted.contains(path.collection) { body["fingerprint"] = .string(world.fingerprint()) }
        stored.body = body
        world[path.description] = stored
        return path
    }

    /// RFC 7396 merge-patch: objects merge, null removes, anything else replaces.
    static func mergePatch(_ target: JSON, _ patch: JSON) -> JSON {
        guard case .object(let changes) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in changes {
            if value == .null { result[key] = nil } else { result[key] = mergePatch(result[key] ?? .null, value) }
        }
        return .object(result)
    }

    mutating func setLabels(_ path: ComputePath, body: JSON) throws -> ComputePath {
        guard Collection.labelled.contains(path.collection) else { throw ComputeError.notFound(request.path) }
        var stored = try existing(path)
        guard body["labelFingerprint"]?.stringValue == stored.body["labelFingerprint"]?.stringValue else {
            throw ComputeError.conditionNotMet("Labels fingerprint either invalid or resource labels have changed")
        }
        stored.body["labels"] = body["labels"] ?? [:]
        stored.body["labelFingerprint"] = .string(world.fingerprint())
        world[path.description] = stored
        return path
    }
}
