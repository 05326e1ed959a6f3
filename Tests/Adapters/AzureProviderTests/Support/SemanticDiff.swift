import ReconcileModel

/// The planner's comparison (`Planning.AttributeDiff`, which this test target cannot import), reduced to the
/// changed paths: objects key by key, arrays of uniquely named objects by name in any order, anything else whole.
enum SemanticDiff {
    /// What the plan would show for this observation of this spec: observed projected onto desired, then diffed.
    static func plan(_ observed: Value, _ desired: Value) -> [String] {
        paths(from: observed.projected(onto: desired), to: desired)
    }

    static func paths(from before: Value?, to after: Value?, path: String = "") -> [String] {
        switch (before, after) {
        case (.object(let b)?, .object(let a)?):
            return Set(b.keys).union(a.keys).sorted().flatMap { key in
                paths(from: b[key], to: a[key], path: path.isEmpty ? key : "\(path).\(key)")
            }
        case (.array(let b)?, .array(let a)?):
            if let nb = named(b), let na = named(a), !(nb.isEmpty && na.isEmpty) {
                return Set(nb.keys).union(na.keys).sorted().flatMap { paths(from: nb[$0], to: na[$0], path: "\(path)[\($0)]") }
            }
            return b == a ? [] : [path]
        default:
            return before == after ? [] : [path.isEmpty ? "(root)" : path]
        }
    }

    private static func named(_ elements: [Value]) -> [String: Value]? {
        var out: [String: Value] = [:]
        for element in elements {
            guard let name = element["name"]?.stringValue, out[name] == nil else { return nil }
            out[name] = element
        }
        return out
    }
}
