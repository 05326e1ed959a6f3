public import ReconcileModel

/// Removes what ARM sets and a request must not carry (see the table on `ARMResourceKind`). Used on every
/// observation and on every PUT body built from a live resource.
///
/// Also drops `null` values (ARM's way of saying "not set", same as absent) and objects that only held
/// read-only fields (a resource group's `properties`), so they do not appear as empty `{}`.
///
/// A child resource's own `id` (an object with a `name` below the root) is dropped from observations only:
/// request bodies keep it, because the request schemas allow it and an expanded reference looks the same.
public enum ReadOnlyFields {
    /// - Parameter forRequest: true for a PUT body (keeps child ids), false for an observation.
    public static func strip(_ body: Value, kind: ARMResourceKind, forRequest: Bool = false) -> Value {
        walk(body, path: "", readOnly: kind.readOnly, dropChildIDs: !forRequest)
    }

    private static func walk(_ value: Value, path: String, readOnly: Set<String>, dropChildIDs: Bool) -> Value {
        switch value {
        case .object(let object):
            // An object with a `name` below the root is a sub-resource: its `id` is its own, not a reference.
            let isSubResource = dropChildIDs && !path.isEmpty && object["name"]?.stringValue != nil
            var out: [String: Value] = [:]
            for (key, sub) in object {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if path.isEmpty, ARMResourceKind.readOnlyTop.contains(key) { continue }
                if ARMResourceKind.readOnlyAnywhere.contains(key) || readOnly.contains(childPath) { continue }
                if key == "type", case .string(let type) = sub, type.contains("/") { continue }
                if key == "id", isSubResource { continue }
                if sub == .null { continue }
                let stripped = walk(sub, path: childPath, readOnly: readOnly, dropChildIDs: dropChildIDs)
                if case .object(let before) = sub, !before.isEmpty, stripped == .object([:]) { continue }
                out[key] = stripped
            }
            return .object(out)
        case .array(let elements):
            return .array(elements.map { walk($0, path: path + "[]", readOnly: readOnly, dropChildIDs: dropChildIDs) })
        default:
            return value
        }
    }
}

/// Names in named ARM arrays (child resources) compare case-insensitively.
extension Value {
    var armName: String? { self["name"]?.stringValue?.lowercased() }
    var armID: String? { self["id"]?.stringValue?.lowercased() }

    /// Every element is an object with a string `name`.
    static func isNamed(_ elements: [Value]) -> Bool {
        !elements.isEmpty && elements.allSatisfy { $0.armName != nil }
    }

    /// Every element is a reference-like object: an `id`, no `name`.
    static func isReferences(_ elements: [Value]) -> Bool {
        !elements.isEmpty && elements.allSatisfy { $0.armID != nil && $0.armName == nil }
    }

    /// The value at a dotted path of object keys (no arrays), if present.
    func at(_ path: String) -> Value? {
        var current: Value? = self
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current
    }

    /// Replaces the value at a dotted path of object keys (no arrays) when every step exists.
    func replacing(_ path: String, with transform: (Value) -> Value) -> Value {
        let keys = path.split(separator: ".").map(String.init)
        return Self.replace(self, keys[...], transform)
    }

    private static func replace(_ value: Value, _ keys: ArraySlice<String>, _ transform: (Value) -> Value) -> Value {
        guard let key = keys.first else { return transform(value) }
        guard case .object(var object) = value, let sub = object[key] else { return value }
        object[key] = replace(sub, keys.dropFirst(), transform)
        return .object(object)
    }
}
