import ReconcileModel

/// How values look in the human-readable plan.
///
/// Values are compact, key-sorted JSON (`Value.description`), except that a top-level string that is "simple"
/// (one word of letters, digits and `-_./:@+=*%~,`, not spelling another JSON value) is printed unquoted:
/// `westeurope`, `10.0.1.4`, `/subscriptions/x/resourceGroups/y`, but `"true"`, `"443"` and `"a b"` stay quoted.
enum ValueDisplay {
    /// What replaces a hidden value in the text plan.
    static let sensitive = "(sensitive value)"

    /// Characters a simple (unquoted) string may contain besides ASCII letters and digits.
    private static let safePunctuation: Set<Character> = ["-", "_", ".", "/", ":", "@", "+", "=", "*", "%", "~", ","]

    /// The display text of one value; the sensitive-masking placeholder shows as ``sensitive``.
    static func text(_ value: Value) -> String {
        guard case .string(let string) = value else { return value.description }
        if string == SensitiveMasking.placeholder { return sensitive }
        return isSimple(string) ? string : value.description
    }

    /// Whether `string` can be printed unquoted without being mistaken for something else.
    static func isSimple(_ string: String) -> Bool {
        guard !string.isEmpty else { return false }
        guard string != "null", string != "true", string != "false" else { return false }
        guard Int(string) == nil, Double(string) == nil else { return false }
        return string.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || safePunctuation.contains($0) }
    }

    /// `value` flattened to `(dotted path, leaf)` pairs, sorted by path.
    ///
    /// Objects are walked recursively (keys sorted); arrays, scalars and empty objects are leaves. A value that
    /// is not an object yields a single pair with an empty path.
    static func flatten(_ value: Value) -> [(path: String, value: Value)] {
        var out: [(path: String, value: Value)] = []
        walk(value, prefix: "", into: &out)
        return out
    }

    /// Objects recurse by key; arrays of objects recurse by element, named `[name]` when every element has a
    /// string `name` (LB rules, pools, subnets) and `[index]` otherwise, so a create reads like Terraform's blocks.
    private static func walk(_ value: Value, prefix: String, into out: inout [(path: String, value: Value)]) {
        if case .array(let items) = value, !items.isEmpty, items.allSatisfy({ $0.objectValue.map { !$0.isEmpty } ?? false }) {
            let names = items.compactMap { $0["name"]?.stringValue }
            let useNames = names.count == items.count && Set(names).count == names.count
            for (i, item) in items.enumerated() {
                var element = item
                if useNames, case .object(var o) = item { o["name"] = nil; element = .object(o) }
                let label = prefix + "[" + (useNames ? names[i] : String(i)) + "]"
                if case .object(let o) = element, o.isEmpty { out.append((label, .object([:]))) } else { walk(element, prefix: label, into: &out) }
            }
            return
        }
        guard case .object(let object) = value, !object.isEmpty else {
            out.append((prefix, value))
            return
        }
        for key in object.keys.sorted() {
            walk(object[key]!, prefix: prefix.isEmpty ? key : prefix + "." + key, into: &out)
        }
    }
}
