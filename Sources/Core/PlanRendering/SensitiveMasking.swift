import ReconcileModel

/// Hides sensitive attribute values inside a change's full `before`/`after` documents.
///
/// Sensitivity is carried only by `AttributeChange.sensitive`, addressed by a dotted path. Paths are resolved
/// against the document leniently, because object keys may themselves contain dots (`server.properties` keys
/// such as `sasl.jaas.config`) and array elements may be written `listeners[0]` or `listeners.0`.
///
/// Fail-safe: when a sensitive attribute says a side holds a value (its `before` or `after` is not nil) but its
/// path cannot be found in that side's document, the whole document is replaced by the placeholder. A secret is
/// never printed because of a path spelling the renderer did not understand.
enum SensitiveMasking {
    /// The string that stands in for a hidden value in machine-readable output.
    static let placeholder = "(sensitive)"

    /// Which side of a change a document belongs to.
    enum Side: Sendable {
        case before
        case after
    }

    /// `document` with every sensitive attribute of `attributes` replaced by ``placeholder``.
    static func mask(_ document: Value?, side: Side, attributes: [AttributeChange]) -> Value? {
        guard var masked = document else { return nil }
        for attribute in attributes where attribute.sensitive {
            let declared = side == .before ? attribute.before : attribute.after
            if let replaced = replacing(in: masked, at: Substring(attribute.path)) {
                masked = replaced
            } else if declared != nil {
                return .string(placeholder)
            }
        }
        return masked
    }

    /// An attribute value as it may be shown: the placeholder when the attribute is sensitive.
    static func mask(_ value: Value?, sensitive: Bool) -> Value? {
        guard sensitive, value != nil else { return value }
        return .string(placeholder)
    }

    /// `value` with the node(s) at `path` replaced by the placeholder, or nil when `path` matches nothing.
    static func replacing(in value: Value, at path: Substring) -> Value? {
        if path.isEmpty { return .string(placeholder) }
        switch value {
        case .object(var object):
            var found = false
            for key in object.keys.sorted() where !key.isEmpty {
                guard let rest = remainder(of: path, afterKey: key), let child = object[key],
                      let replaced = replacing(in: child, at: rest)
                else { continue }
                object[key] = replaced
                found = true
            }
            return found ? .object(object) : nil
        case .array(var array):
            guard let (index, rest) = leadingIndex(of: path), array.indices.contains(index),
                  let replaced = replacing(in: array[index], at: rest)
            else { return nil }
            array[index] = replaced
            return .array(array)
        case .null, .bool, .int, .string:
            return nil
        }
    }

    /// What is left of `path` after `key`, when `path` starts with the whole key: `key`, `key.rest`, `key[...]`.
    private static func remainder(of path: Substring, afterKey key: String) -> Substring? {
        guard path.hasPrefix(key) else { return nil }
        let rest = path.dropFirst(key.count)
        if rest.isEmpty || rest.hasPrefix("[") { return rest }
        if rest.hasPrefix(".") { return rest.dropFirst() }
        return nil
    }

    /// Parses a leading array index, `[3]` or `3` (followed by the end, `.` or `[`).
    private static func leadingIndex(of path: Substring) -> (Int, Substring)? {
        var rest = path
        let bracketed = rest.hasPrefix("[")
        if bracketed { rest = rest.dropFirst() }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let index = Int(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        if bracketed {
            guard rest.hasPrefix("]") else { return nil }
            rest = rest.dropFirst()
        }
        if rest.hasPrefix(".") { return (index, rest.dropFirst()) }
        if rest.isEmpty || rest.hasPrefix("[") { return (index, rest) }
        return nil
    }
}
