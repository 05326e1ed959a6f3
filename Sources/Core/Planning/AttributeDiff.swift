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
        let lower = key.lowercased()
        for word in ["password", "secret", "token", "jaas"] where lower.contains(word) { return true }
        let chars = Array(lower)
        let prefix = Array("private")
        let suffix = Array("key")
        guard chars.count >= prefix.count + suffix.count else { return false }
        for start in 0...(chars.count - prefix.count) where Array(chars[start..<start + prefix.count]) == prefix {
            let afterPrefix = start + prefix.count
            for gap in 0...1 {
                let keyStart = afterPrefix + gap
                if keyStart + suffix.count <= chars.count, Array(chars[keyStart..<keyStart + suffix.count]) == suffix {
                    return true
                }
            }
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
