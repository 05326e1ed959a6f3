public import ReconcileModel

/// Turns an ARM GET body into the observed properties the planner diffs against the desired spec, following
/// the table and rules on `ARMResourceKind`: read-only fields dropped, shared collections narrowed to the
/// elements the manifest names, and ids, names, tag names, locations, set-like arrays and defaulted fields
/// aligned with the desired spelling. It never invents a difference and never hides one ARM would act on.
public enum Normaliser {
    /// - Parameter desired: the desired properties (or the inventory's last applied ones); nil when neither is
    ///   known, in which case only read-only fields are dropped.
    public static func normalise(_ body: Value, kind: ARMResourceKind, desired: Value?) -> Value {
        let stripped = ReadOnlyFields.strip(body, kind: kind)
        guard let desired else { return stripped }
        var narrowed = stripped
        for path in kind.sharedCollections {
            guard let wanted = desired.at(path)?.arrayValue else { continue }
            let names = Set(wanted.compactMap(\.armName))
            narrowed = narrowed.replacing(path) { have in
                guard case .array(let elements) = have else { return have }
                return .array(elements.filter { $0.armName.map(names.contains) ?? false })
            }
        }
        return align(narrowed, to: desired, key: nil)
    }

    static func align(_ observed: Value, to desired: Value, key: String?) -> Value {
        switch (observed, desired) {
        case (.object(var have), .object(let want)):
            if key == "tags" {
                for name in Array(have.keys) where want[name] == nil {
                    if let spelled = want.keys.first(where: { $0.lowercased() == name.lowercased() }), have[spelled] == nil {
                        have[spelled] = have.removeValue(forKey: name)
                    }
                }
            }
            for (name, wanted) in want {
                if let value = have[name] {
                    have[name] = align(value, to: wanted, key: name)
                } else if wanted.isEmptyOrNull || ARMResourceKind.defaults[name] == wanted {
                    have[name] = wanted
                }
            }
            return .object(have)
        case (.array(let have), .array(let want)):
            return .array(alignArray(have, to: want, key: key))
        case (.string(let have), .string(let want)):
            return have != want && sameIgnoringCase(have, want, key: key) ? desired : observed
        default:
            return observed
        }
    }

    private static func alignArray(_ have: [Value], to want: [Value], key: String?) -> [Value] {
        if Value.isNamed(want) {
            let byName = Dictionary(want.map { ($0.armName!, $0) }, uniquingKeysWith: { a, _ in a })
            return have.map { element in
                guard let name = element.armName, let wanted = byName[name], case .object(var object) = element else { return element }
                object["name"] = wanted["name"]
                return align(.object(object), to: wanted, key: nil)
            }
        }
        let matchable = !want.isEmpty && want.allSatisfy { $0.isScalar || $0.armID != nil && $0.armName == nil }
        guard matchable else {
            return have.count == want.count ? zip(have, want).map { align($0, to: $1, key: nil) } : have
        }
        var used = Array(repeating: false, count: want.count)
        var result: [(desiredIndex: Int?, value: Value)] = []
        for element in have {
            if let index = want.indices.first(where: { !used[$0] && matches(element, want[$0], key: key) }) {
                used[index] = true
                result.append((index, align(element, to: want[index], key: key)))
            } else {
                result.append((nil, element))
            }
        }
        // Order is meaningful unless the key is set-like: then matched elements take the desired order.
        guard let key, ARMResourceKind.setLikeKeys.contains(key) else { return result.map(\.value) }
        let matched = result.compactMap { r in r.desiredIndex.map { ($0, r.value) } }.sorted { $0.0 < $1.0 }.map(\.1)
        return matched + result.filter { $0.desiredIndex == nil }.map(\.value)
    }

    private static func matches(_ observed: Value, _ desired: Value, key: String?) -> Bool {
        if observed == desired { return true }
        if case .string(let o) = observed, case .string(let d) = desired { return sameIgnoringCase(o, d, key: key) }
        if let o = observed.armID, let d = desired.armID, observed.armName == nil { return o == d }
        return false
    }

    /// ARM ids, GUIDs and locations compare case-insensitively (locations also ignore spaces); nothing else.
    static func sameIgnoringCase(_ observed: String, _ desired: String, key: String?) -> Bool {
        if key == "location" {
            func squash(_ s: String) -> String { s.lowercased().filter { $0 != " " } }
            return squash(observed) == squash(desired)
        }
        guard observed.lowercased() == desired.lowercased() else { return false }
        return ARMPath.isResourceID(desired) || ARMPath.isGUID(desired)
    }
}

extension Value {
    var isEmptyOrNull: Bool {
        switch self {
        case .null: true
        case .array(let a): a.isEmpty
        case .object(let o): o.isEmpty
        default: false
        }
    }

    var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }
}
