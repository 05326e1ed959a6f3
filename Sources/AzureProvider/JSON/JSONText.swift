public import ReconcileModel

/// JSON text <-> `Value` for ARM bodies.
///
/// Contract:
/// - `encode` writes compact JSON with keys sorted (`Value.description`), so request bodies are deterministic.
/// - `decode` accepts any RFC 8259 document. Integers become `.int`. `Value` has no floating-point case, so
///   a number with a fraction or exponent becomes `.int` when it is integral and fits, and otherwise its literal
///   text as `.string` (ARM bodies of the managed types carry no such numbers; a spot VM's
///   `billingProfile.maxPrice` would be echoed back as a string). Integers beyond 64 bits likewise.
/// - Malformed input throws `JSONText.SyntaxError` with the byte offset; an empty or all-blank body is `.null`.
public enum JSONText {
    public struct SyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
        public var offset: Int
        public var reason: String
        public var description: String { "invalid JSON at byte \(offset): \(reason)" }
    }

    public static func encode(_ value: Value) -> [UInt8] { Array(value.description.utf8) }

    public static func decode(_ bytes: [UInt8]) throws(SyntaxError) -> Value {
        var parser = Parser(bytes: bytes)
        parser.skipBlanks()
        if parser.atEnd { return .null }
        let value = try parser.value(depth: 0)
        parser.skipBlanks()
        guard parser.atEnd else { throw parser.error("trailing characters after the document") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var at = 0
        static let maxDepth = 256

        var atEnd: Bool { at >= bytes.count }

        func error(_ reason: String) -> SyntaxError { SyntaxError(offset: at, reason: reason) }

        mutating func skipBlanks() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        mutating func expect(_ literal: String, _ value: Value) throws(SyntaxError) -> Value {
            let text = Array(literal.utf8)
            guard at + text.count <= bytes.count, Array(bytes[at..<at + text.count]) == text else { throw error("expected \(literal)") }
            at += text.count
            return value
        }

        mutating func value(depth: Int) throws(SyntaxError) -> Value {
            guard depth < Self.maxDepth else { throw error("nesting deeper than \(Self.maxDepth)") }
            skipBlanks()
            guard !atEnd else { throw error("unexpected end of input") }
            switch bytes[at] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try expect("true", .bool(true))
            case UInt8(ascii: "f"): return try expect("false", .bool(false))
            case UInt8(ascii: "n"): return try expect("null", .null)
            default: return try number()
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> Value {
            at += 1
            var out: [String: Value] = [:]
            skipBlanks()
            if !atEnd, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(out) }
            while true {
                skipBlanks()
                guard !atEnd, bytes[at] == UInt8(ascii: "\"") else { throw error("expected an object key") }
                let key = try string()
                skipBlanks()
                guard !atEnd, bytes[at] == UInt8(ascii: ":") else { throw error("expected ':'") }
                at += 1
                out[key] = try value(depth: depth + 1)
                skipBlanks()
                guard !atEnd else { throw error("unterminated object") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(out) }
                throw error("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> Value {
            at += 1
            var out: [Value] = []
            skipBlanks()
            if !atEnd, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(out) }
            while true {
                out.append(try value(depth: depth + 1))
                skipBlanks()
                guard !atEnd else { throw error("unterminated array") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(out) }
                throw error("expected ',' or ']'")
            }
        }

        mutating func string() throws(SyntaxError) -> String {
            at += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() { scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars); raw.removeAll() }
            while true {
                guard !atEnd else { throw error("unterminated string") }
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") { at += 1; break }
                if byte < 0x20 { throw error("control character in string") }
                if byte != UInt8(ascii: "\\") { raw.append(byte); at += 1; continue }
                flush()
                at += 1
                guard !atEnd else { throw error("unterminated escape") }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                default: throw error("unknown escape")
                }
            }
            flush()
            return String(scalars)
        }

        /// After `\u`: one code unit, or a surrogate pair written as two escapes.
        mutating func unicodeEscape() throws(SyntaxError) -> Unicode.Scalar {
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                    return "\u{FFFD}"
                }
                at += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { return "\u{FFFD}" }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard at + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[at..<at + 4], as: UTF8.self), radix: 16) else {
                throw error("bad \\u escape")
            }
            at += 4
            return v
        }

        mutating func number() throws(SyntaxError) -> Value {
            let start = at
            var integral = true
            while at < bytes.count {
                let b = bytes[at]
                if (0x30...0x39).contains(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") {
                    at += 1
                } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                    integral = false
                    at += 1
                } else {
                    break
                }
            }
            let text = String(decoding: bytes[start..<at], as: UTF8.self)
            guard !text.isEmpty, text != "-" else { throw error("unexpected character") }
            if integral, let i = Int(text) { return .int(i) }
            if let d = Double(text) {
                if d.rounded() == d, abs(d) < 9.0e18 { return .int(Int(d)) }
                return .string(text)
            }
            throw error("malformed number \(text)")
        }
    }
}
