public import ReconcileModel

/// Attribute-level differences between two property trees, as dotted paths.
///
/// - Objects are compared key by key (`properties.frontendPort`).
/// - Arrays whose elements are all objects with a unique string `name` are matched by name, in any order
///   (`loadBalancingRules[rule1].properties.frontendPort`); an element present on one side only shows as
///   added or removed as a whole subtree.
/// - Every other array, and every scalar, is compared whole.
///
/// A change is `forcesReplacement` when its top-level key is in `replaceOn`, and `sensitive` when any key on
/// its path looks like a secret (so a secret object's children are hidden too).
public enum AttributeDiff {
    /// The changes that turn `before` into `after`, sorted by path.
    public static func changes(from before: Value?, to after: Value?, replaceOn: Set<String> = []) -> [AttributeChange] {
        var out: [AttributeChange] = []
        walk(before, after, path: "", topKey: nil, sensitive: false, replaceOn: replaceOn, into: &out)
        return out
    }

    /// Whether a key names a secret: matches /password|secret|token|jaas|private.?key/ case-insensitively.
    public static func isSensitive(key: String) -> Bool {
        // On ASCII bytes: called for every key of every compared document, where `String.contains` and arrays of
        // Characters were a tenth of a 20-cluster dry-run's CPU time (perf). Non-ASCII bytes never match a word.
        let lower = key.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        func has(_ word: StaticString, at start: Int) -> Bool {
            let count = word.utf8CodeUnitCount
            guard start + count <= lower.count else { return false }
            return word.withUTF8Buffer { bytes in (0..<count).allSatisfy { lower[start + $0] == bytes[$0] } }
        }
        for start in lower.indices {
            if has("password", at: start) || has("secret", at: start) || has("token", at: start) || has("jaas", at: start) { return true }
            if has("private", at: start) && (has("key", at: start + 7) || has("key", at: start + 8)) { return true }
        }
        return false
    }

    // MARK: - Walk

    private static func walk(
        _ before: Value?,
        _ after: Value?,
        path: String,
        topKey: String?,
        sensitive: Bool,
        replaceOn: Set<String>,
        into out: inout [AttributeChange]
    ) {
        switch (before, after) {
        case (.object(let b), .object(let a)):
            walkObjects(b, a, path: path, topKey: topKey, sensitive: sensitive, replaceOn: replaceOn, into: &out)
        case (nil, .object(let a)):
            walkObjects([:], a, path: path, topKey: topKey, sensitive: sensitive, replaceOn: replaceOn, into: &out)
        case (.object(let b), nil):
            walkObjects(b, [:], path: path, topKey: topKey, sensitive: sensitive, replaceOn: replaceOn, into: &out)
        case (.array(let b), .array(let a)):
            if let namedB = named(b), let namedA = named(a), !(namedB.isEmpty && namedA.isEmpty) {
                for name in Set(namedB.keys).union(namedA.keys).sorted() {
                    walk(namedB[name], namedA[name], path: "\(path)[\(name)]", topKey: topKey,
                         sensitive: sensitive, replaceOn: replaceOn, into: &out)
                }
            } else if b != a {
                out.append(leaf(path, before, after, topKey: topKey, sensitive: sensitive, replaceOn: replaceOn))
            }
        default:
            if before != after {
                out.append(leaf(path, before, after, topKey: topKey, sensitive: sensitive, replaceOn: replaceOn))
            }
        }
    }

    private static func walkObjects(
        _ before: [String: Value],
        _ after: [String: Value],
        path: String,
        topKey: String?,
        sensitive: Bool,
        replaceOn: Set<String>,
        into out: inout [AttributeChange]
    ) {
        for key in Set(before.keys).union(after.keys).sorted() {
            walk(before[key], after[key], path: path.isEmpty ? key : "\(path).\(key)", topKey: topKey ?? key,
                 sensitive: sensitive || isSensitive(key: key), replaceOn: replaceOn, into: &out)
        }
    }

    private static func leaf(
        _ path: String,
        _ before: Value?,
        _ after: Value?,
        topKey: String?,
        sensitive: Bool,
        replaceOn: Set<String>
    ) -> AttributeChange {
        AttributeChange(
            path: path.isEmpty ? "(root)" : path,
            before: before,
            after: after,
            forcesReplacement: topKey.map(replaceOn.contains) ?? false,
            sensitive: sensitive
        )
    }

    /// Elements by name when every element is an object with a unique string `name`; nil otherwise.
    private static func named(_ elements: [Value]) -> [String: Value]? {
        var out: [String: Value] = [:]
        for element in elements {
            guard let name = element["name"]?.stringValue, out[name] == nil else { return nil }
            out[name] = element
        }
        return out
    }
}
