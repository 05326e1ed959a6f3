/// A JSON-shaped value: the common currency of desired and observed resource properties.
///
/// Objects compare by content, not key order; renderers sort keys so output is deterministic. Decoding accepts
/// any JSON number: there is no floating-point case, so a non-integral one becomes its text.
public indirect enum Value: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int)
    case string(String)
    case array([Value])
    case object([String: Value])

    /// Through `ValueDecoder` the parsed node is taken as is; through another decoder (`JSONDecoder`) each JSON
    /// type is tried in turn, which a long-lived process should avoid (see `ValueDecoder`).
    public init(from decoder: any Decoder) throws {
        if let parsed = decoder as? ValueDecoding { self = parsed.value; return }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let d = try? c.decode(Double.self) {
            // No floating-point case: an integral number that fits is an int, any other its text (`2.5`).
            if d.rounded() == d, let i = Int(exactly: d) { self = .int(i) } else { self = .string("\(d)") }
        }
        else if let a = try? c.decode([Value].self) { self = .array(a) }
        else { self = .object(try c.decode([String: Value].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    public subscript(key: String) -> Value? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var intValue: Int? { if case .int(let i) = self { return i }; return nil }
    public var objectValue: [String: Value]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [Value]? { if case .array(let a) = self { return a }; return nil }

    /// Compact, key-sorted JSON text. Used for display and for digests, so it must be stable.
    public var description: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .string(let s): return Value.quote(s)
        case .array(let a): return "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { Value.quote($0) + ":" + o[$0]!.description }.joined(separator: ",") + "}"
        }
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension Value: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, Value)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension Value {
    /// Keeps only what `shape` mentions: object keys not in `shape` are dropped (recursively), so a provider's
    /// extra server-set fields never show up as differences. Arrays are projected element-wise when both sides
    /// are arrays of the same length; arrays of objects with a `name` are matched by name.
    public func projected(onto shape: Value) -> Value {
        switch (self, shape) {
        case (.object(let have), .object(let want)):
            var out: [String: Value] = [:]
            for (key, sub) in want { if let v = have[key] { out[key] = v.projected(onto: sub) } }
            return .object(out)
        case (.array(let have), .array(let want)):
            let wantByName = Dictionary(want.compactMap { w in w["name"]?.stringValue.map { ($0, w) } },
                                        uniquingKeysWith: { a, _ in a })
            if !wantByName.isEmpty, wantByName.count == want.count {
                return .array(have.map { h in h["name"]?.stringValue.flatMap { wantByName[$0] }.map { h.projected(onto: $0) } ?? h })
            }
            guard have.count == want.count else { return self }
            return .array(zip(have, want).map { $0.projected(onto: $1) })
        default:
            return self
        }
    }
}
