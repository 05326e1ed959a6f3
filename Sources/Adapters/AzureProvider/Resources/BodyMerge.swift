import ReconcileModel

/// Builds the full PUT body of an update: the live resource with the desired managed fields laid over it.
///
/// Rules (ARM's PUT replaces the whole resource, so anything left out would be deleted):
/// - Objects merge key by key: desired keys win, live-only keys are kept (someone's extra tag, a VM's data
///   disks, an LB's inbound NAT rules). Under `tags`, a live name equal to a desired one ignoring case is
///   replaced by the desired spelling.
/// - Named arrays (child resources): each desired element is merged with the live element of the same name
///   (case-insensitive), so it keeps its unmanaged live fields. For an owned collection the result is exactly the
///   desired elements, in desired order; for a shared collection (`ARMResourceKind.sharedCollections`) live
///   elements the manifest does not name are kept in place, so a VNet PUT never deletes someone's subnet.
/// - Arrays of references (`{id, ...}` without a name): the desired array replaces the live one, each element
///   merged with the live one of the same id (case-insensitive).
/// - Any other array, and every scalar: the desired value replaces the live one.
/// - Finally read-only fields are stripped (`ReadOnlyFields`, request mode: child ids stay).
enum BodyMerge {
    static func merge(live: Value, desired: Value, kind: ARMResourceKind) -> Value {
        ReadOnlyFields.strip(merge(live, desired, path: "", shared: kind.sharedCollections), kind: kind, forRequest: true)
    }

    private static func merge(_ live: Value, _ desired: Value, path: String, shared: Set<String>) -> Value {
        switch (live, desired) {
        case (.object(var out), .object(let want)):
            if path == "tags" {
                for name in Array(out.keys) where want[name] == nil && want.keys.contains(where: { $0.lowercased() == name.lowercased() }) {
                    out.removeValue(forKey: name)
                }
            }
            for (key, wanted) in want {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                out[key] = out[key].map { merge($0, wanted, path: childPath, shared: shared) } ?? wanted
            }
            return .object(out)
        case (.array(let have), .array(let want)):
            return .array(mergeArray(have, want, path: path, shared: shared))
        default:
            return desired
        }
    }

    private static func mergeArray(_ have: [Value], _ want: [Value], path: String, shared: Set<String>) -> [Value] {
        let elementPath = path + "[]"
        let isShared = shared.contains(path)
        if Value.isNamed(want) || (isShared && want.isEmpty) {
            let liveByName = Dictionary(have.compactMap { e in e.armName.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
            let merged = want.map { element in
                liveByName[element.armName!].map { merge($0, element, path: elementPath, shared: shared) } ?? element
            }
            guard isShared else { return merged }
            let mergedByName = Dictionary(merged.map { ($0.armName!, $0) }, uniquingKeysWith: { a, _ in a })
            var out: [Value] = []
            var placed: Set<String> = []
            for element in have {
                if let name = element.armName, let replacement = mergedByName[name] {
                    out.append(replacement)
                    placed.insert(name)
                } else {
                    out.append(element)
                }
            }
            return out + merged.filter { !placed.contains($0.armName!) }
        }
        if Value.isReferences(want) {
            let liveByID = Dictionary(have.compactMap { e in e.armID.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
            return want.map { element in
                liveByID[element.armID!].map { merge($0, element, path: elementPath, shared: shared) } ?? element
            }
        }
        return want
    }
}
