// YAML 1.2 core-schema resolution of scalars, and tag handling.
//
// Decisions:
// - This is the YAML 1.2 core schema, NOT 1.1: `yes`, `no`, `on`, `off`, `y`, `n` are strings
//   (no Norway problem), `1_000` is a string, and `010` is the decimal integer 10 (1.2 core
//   allows leading zeros in decimals; octal must be written `0o10`).
// - An integer that does not fit in `Int` (e.g. `99999999999999999999`) resolves to `.string`;
//   `overflowingInteger` tells a reader so it can say "out of range" rather than "found string".
// - `.inf`, `-.Inf`, `.nan` (and the other core spellings) are floats; `inf` and `nan` are strings.
// - Explicit tags win over style: `!!int "42"` is an integer, `!!str 42` a string. `!` (the
//   non-specific tag) on a scalar means string. Unknown tags (`!custom`, `!!timestamp`) leave the
//   value as a string (`unknownTag` names them, for readers that refuse them). The parser rejects a core tag whose content does not match it
//   (`!!int abc`), so `scalarValue` never sees that from parsed input; for hand-built nodes
//   it falls back to `.string`.

extension YAMLNode {
    /// The typed value of a scalar node; see the decisions above.
    public enum ScalarValue: Sendable, Hashable {
        case null
        case bool(Bool)
        case int(Int)
        case float(Double)
        case string(String)
    }

    /// Core-schema (YAML 1.2) value of this scalar: plain scalars are resolved
    /// (null, bool, int, float, else string); quoted and block scalars are strings;
    /// explicit tags `!!str`, `!!int`, `!!bool`, `!!null`, `!!float` are honoured.
    /// nil for sequences and mappings.
    public var scalarValue: ScalarValue? {
        guard case .scalar(let text, let style) = kind else { return nil }
        switch tag {
        case nil:
            return style == .plain ? CoreSchema.resolve(text) : .string(text)
        case "!!str", "!":
            return .string(text)
        case "!!null":
            return CoreSchema.isNull(text) ? .null : .string(text)
        case "!!bool":
            return CoreSchema.bool(text).map { .bool($0) } ?? .string(text)
        case "!!int":
            return CoreSchema.int(text).map { .int($0) } ?? .string(text)
        case "!!float":
            if let d = CoreSchema.float(text) { return .float(d) }
            if let i = CoreSchema.int(text) { return .float(Double(i)) }
            return .string(text)
        default:
            return .string(text)
        }
    }

    /// The text of a scalar written as an integer (plain, or tagged `!!int`) whose value does not fit in `Int`,
    /// which ``scalarValue`` therefore leaves a string; nil for every other node.
    public var overflowingInteger: String? {
        guard case .scalar(let text, let style) = kind, tag == "!!int" || (tag == nil && style == .plain) else { return nil }
        return CoreSchema.isInteger(text) && CoreSchema.int(text) == nil ? text : nil
    }

    /// The explicit tag when it is neither a YAML 1.2 core schema tag (`!!str`, `!!int`, `!!float`, `!!bool`,
    /// `!!null`, `!!seq`, `!!map`) nor the non-specific `!`, e.g. `!!python/object:os.system` or `!custom`; nil
    /// for untagged nodes and core tags. Such a node reads as if untagged (see the decisions above).
    public var unknownTag: String? {
        guard let tag, tag != "!", !TagCheck.coreTags.contains(tag) else { return nil }
        return tag
    }

    /// A short name of what this node is, for error messages:
    /// "mapping", "sequence", "string", "integer", "boolean", "null" or "float".
    public var kindName: String {
        switch kind {
        case .mapping: return "mapping"
        case .sequence: return "sequence"
        case .scalar:
            switch scalarValue {
            case .null: return "null"
            case .bool: return "boolean"
            case .int: return "integer"
            case .float: return "float"
            case .string, nil: return "string"
            }
        }
    }
}

enum CoreSchema {
    static func resolve(_ text: String) -> YAMLNode.ScalarValue {
        if isNull(text) { return .null }
        if let b = bool(text) { return .bool(b) }
        if let i = int(text) { return .int(i) }
        if isInteger(text) { return .string(text) }  // out of Int range: keep the text
        if let d = float(text) { return .float(d) }
        return .string(text)
    }

    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": true
        default: false
        }
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
    static func int(_ text: String) -> Int? {
        let u = Array(text.utf8)
        if u.count > 2, u[0] == UInt8(ascii: "0") {
            let digits = String(decoding: u[2...], as: UTF8.self)
            if u[1] == UInt8(ascii: "x"), u[2...].allSatisfy(isHexDigit) { return Int(digits, radix: 16) }
            if u[1] == UInt8(ascii: "o"), u[2...].allSatisfy(isOctalDigit) { return Int(digits, radix: 8) }
        }
        return isDecimalInteger(text) ? Int(text, radix: 10) : nil
    }

    /// Whether `text` is written as a core-schema integer, whatever its size.
    static func isInteger(_ text: String) -> Bool {
        let u = Array(text.utf8)
        if u.count > 2, u[0] == UInt8(ascii: "0") {
            if u[1] == UInt8(ascii: "x") { return u[2...].allSatisfy(isHexDigit) }
            if u[1] == UInt8(ascii: "o") { return u[2...].allSatisfy(isOctalDigit) }
        }
        return isDecimalInteger(text)
    }

    /// The message for an integer that does not fit in `Int`.
    static func outOfRange(_ text: String) -> String {
        text.hasPrefix("-")
            ? "integer \(text) is out of range (at least \(Int.min))"
            : "integer \(text) is out of range (at most \(Int.max))"
    }

    static func isDecimalInteger(_ text: String) -> Bool {
        var u = Substring(text).utf8[...]
        if let first = u.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { u = u.dropFirst() }
        return !u.isEmpty && u.allSatisfy(isDigit)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`.
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        let u = Array(text.utf8)
        var i = 0
        if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
        let intStart = i
        while i < u.count, isDigit(u[i]) { i += 1 }
        let intDigits = i - intStart
        var fracDigits = 0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            let fracStart = i
            while i < u.count, isDigit(u[i]) { i += 1 }
            fracDigits = i - fracStart
        } else if intDigits == 0 {
            return nil
        }
        guard intDigits > 0 || fracDigits > 0 else { return nil }
        if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            i += 1
            if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
            let expStart = i
            while i < u.count, isDigit(u[i]) { i += 1 }
            guard i > expStart else { return nil }
        }
        guard i == u.count else { return nil }
        // Swift's parser does not accept a trailing "." before an exponent in every form; normalise.
        var normalised = text
        if fracDigits == 0, let dot = normalised.firstIndex(of: ".") { normalised.insert("0", at: normalised.index(after: dot)) }
        if intDigits == 0, let dot = normalised.firstIndex(of: ".") { normalised.insert("0", at: dot) }
        return Double(normalised)
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
    private static func isOctalDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "7") }
    private static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "F"))
    }
}

/// Tag normalisation and validation of the core tags against the nodes they are written on.
enum TagCheck {
    static let standardPrefix = "tag:yaml.org,2002:"

    /// `tag:yaml.org,2002:str` -> `!!str`; other tags unchanged.
    static func normalise(_ tag: String) -> String {
        tag.hasPrefix(standardPrefix) ? "!!" + tag.dropFirst(standardPrefix.count) : tag
    }

    static let scalarTags: Set<String> = ["!!str", "!!int", "!!float", "!!bool", "!!null"]
    static let coreTags = scalarTags.union(["!!seq", "!!map"])

    /// Rejects `!!int abc`, `!!str` on a mapping, `!!map` on a sequence, etc.
    static func validate(_ node: YAMLNode) throws(YAMLError) {
        guard let tag = node.tag else { return }
        switch node.kind {
        case .scalar(let text, _):
            if tag == "!!seq" || tag == "!!map" {
                throw YAMLError(message: "\(tag) cannot be applied to a scalar", mark: node.start)
            }
            guard scalarTags.contains(tag), tag != "!!str" else { return }
            if node.overflowingInteger != nil {
                throw YAMLError(message: CoreSchema.outOfRange(text), mark: node.start)
            }
            if case .string = node.scalarValue {
                throw YAMLError(message: "\"\(text)\" is not a valid \(tag) value", mark: node.start)
            }
        case .sequence:
            if scalarTags.contains(tag) || tag == "!!map" {
                throw YAMLError(message: "\(tag) cannot be applied to a sequence", mark: node.start)
            }
        case .mapping:
            if scalarTags.contains(tag) || tag == "!!seq" {
                throw YAMLError(message: "\(tag) cannot be applied to a mapping", mark: node.start)
            }
        }
    }
}
