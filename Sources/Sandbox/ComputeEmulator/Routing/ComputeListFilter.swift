import ArmEmulator
import Foundation
import Synchronization

/// The `filter` of Compute's `list` and `aggregatedList`, in its two forms (which one request cannot mix), as the
/// discovery document describes them:
/// - AIP-160: `field OP value` with `=`, `!=`, `>`, `<`, `>=`, `<=` and `:` (`:*`: the key is present; on a string,
///   `:` matches a substring), nested fields by dots (`labels.owner`), expressions in parentheses joined by `AND`
///   (also implicit) and `OR` (which binds tighter, as in AIP-160), and `NOT` before one;
/// - regular expressions: `field eq LITERAL` or `field ne LITERAL`, alone (the literal unquoted, 'single' or "double"
///   quoted) or as a sequence of parenthesized expressions (all must hold); the literal is an RE2 expression that
///   must match the whole field (ICU here: the same for the expressions anyone writes in a filter).
/// A field that is absent matches `!=` and `ne` only; an array field matches when one of its elements does. Anything
/// else is 400 `invalid`, as Compute answers a filter it cannot read.
struct ComputeListFilter {
    indirect enum Expression {
        case all([Expression])
        case any([Expression])
        case not(Expression)
        case compare(field: [String], op: String, value: String)
        case regex(field: [String], negated: Bool, pattern: NSRegularExpression)
    }

    let expression: Expression?

    /// Compiled expressions by their text: a client sends the same few filters on every pass, and compiling one
    /// (ICU) costs more than matching it.
    static let compiled = Mutex<[String: NSRegularExpression]>([:])

    static func parse(_ text: String?) throws(ComputeError) -> ComputeListFilter {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return ComputeListFilter(expression: nil) }
        do {
            var parser = Parser(text: text)
            return ComputeListFilter(expression: try parser.filter())
        } catch {
            throw ComputeError.invalid("Invalid value for field 'filter': '\(text)'. Invalid list filter expression.")
        }
    }

    func admits(_ body: JSON) -> Bool {
        expression.map { Self.holds($0, body) } ?? true
    }

    private static func holds(_ expression: Expression, _ body: JSON) -> Bool {
        switch expression {
        case .all(let parts): return parts.allSatisfy { holds($0, body) }
        case .any(let parts): return parts.contains { holds($0, body) }
        case .not(let inner): return !holds(inner, body)
        case .compare(let field, let op, let value):
            let found = values(body, field)
            if op == "!=" { return !found.contains { compare($0, "=", value) } }
            return found.contains { compare($0, op, value) }
        case .regex(let field, let negated, let pattern):
            let found = values(body, field).compactMap(text)
            let matches = found.contains { s in
                pattern.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)).map { $0.range.length == (s as NSString).length } == true
            }
            return negated ? !matches : matches
        }
    }

    /// The values `field` reaches, through arrays on the way (`allowed.IPProtocol`: each rule's) and at the end (each
    /// element); nothing when absent.
    private static func values(_ value: JSON, _ field: ArraySlice<String>) -> [JSON] {
        if case .array(let items) = value { return items.flatMap { values($0, field) } }
        guard let key = field.first else { return value == .null ? [] : [value] }
        guard let member = value[key] else { return [] }
        return values(member, field.dropFirst())
    }

    private static func values(_ value: JSON, _ field: [String]) -> [JSON] { values(value, field[...]) }

    private static func text(_ value: JSON) -> String? {
        switch value {
        case .string(let s): s
        case .bool(let b): b ? "true" : "false"
        case .number: value.intValue.map(String.init) ?? value.doubleValue.map { String($0) }
        default: nil
        }
    }

    private static func compare(_ value: JSON, _ op: String, _ literal: String) -> Bool {
        if op == ":" {
            if literal == "*" { return true }
            if case .object = value { return false }
            return text(value).map { $0.contains(literal) } ?? false
        }
        guard let have = text(value) else { return false }
        if let a = Double(have), let b = Double(literal), value.stringValue == nil { return holds(a, op, b) }
        return holds(have, op, literal)
    }

    private static func holds<T: Comparable>(_ a: T, _ op: String, _ b: T) -> Bool {
        switch op {
        case "=": a == b
        case ">": a > b
        case "<": a < b
        case ">=": a >= b
        case "<=": a <= b
        default: false
        }
    }

    struct Malformed: Error {}

    /// A recursive-descent reader of one filter.
    struct Parser {
        let chars: [Character]
        var at = 0
        /// nil until the first comparison says which form this filter is in.
        var regexForm: Bool?

        init(text: String) { chars = Array(text) }

        mutating func filter() throws(Malformed) -> Expression {
            skipSpaces()
            // The regex form's single, unparenthesized expression: `field eq the rest`.
            if peek() != "(", let single = try singleRegex() { return single }
            let parsed = try conjunction()
            skipSpaces()
            guard at == chars.count else { throw Malformed() }
            return parsed
        }

        /// `a AND b`, `a b`: every part must hold.
        mutating func conjunction() throws(Malformed) -> Expression {
            var parts = [try disjunction()]
            while true {
                skipSpaces()
                if at == chars.count || peek() == ")" { break }
                if keyword("AND") { skipSpaces() }
                parts.append(try disjunction())
            }
            return parts.count == 1 ? parts[0] : .all(parts)
        }

        /// `a OR b`: one must hold (binds tighter than AND, as in AIP-160).
        mutating func disjunction() throws(Malformed) -> Expression {
            var parts = [try term()]
            while true {
                let mark = at
                skipSpaces()
                guard keyword("OR") else {
                    at = mark
                    break
                }
                guard regexForm != true else { throw Malformed() }
                skipSpaces()
                parts.append(try term())
            }
            return parts.count == 1 ? parts[0] : .any(parts)
        }

        mutating func term() throws(Malformed) -> Expression {
            skipSpaces()
            if keyword("NOT") {
                guard regexForm != true else { throw Malformed() }
                return .not(try term())
            }
            if peek() == "(" {
                at += 1
                let inner = try conjunction()
                skipSpaces()
                guard peek() == ")" else { throw Malformed() }
                at += 1
                return inner
            }
            return try comparison()
        }

        mutating func comparison() throws(Malformed) -> Expression {
            let field = try fieldPath()
            skipSpaces()
            for op in ["!=", ">=", "<=", "=", ">", "<", ":"] where matches(op) {
                guard regexForm != true else { throw Malformed() }
                regexForm = false
                at += op.count
                skipSpaces()
                if op == ":", peek() == "*" {
                    at += 1
                    return .compare(field: field, op: ":", value: "*")
                }
                return .compare(field: field, op: op, value: try literal(untilParenthesis: true))
            }
            for op in ["eq", "ne"] where keyword(op) {
                guard regexForm != false else { throw Malformed() }
                regexForm = true
                skipSpaces()
                return .regex(field: field, negated: op == "ne", pattern: try regex(try literal(untilParenthesis: true)))
            }
            throw Malformed()
        }

        /// `field eq literal` with the literal running to the end (it may hold spaces when unquoted).
        mutating func singleRegex() throws(Malformed) -> Expression? {
            let mark = at
            guard let field = try? fieldPath() else {
                at = mark
                return nil
            }
            skipSpaces()
            for op in ["eq", "ne"] where keyword(op) {
                skipSpaces()
                var rest = String(chars[at...]).trimmingCharacters(in: .whitespaces)
                if rest.count >= 2, let first = rest.first, first == "'" || first == "\"", rest.last == first {
                    rest = String(rest.dropFirst().dropLast())
                }
                guard !rest.isEmpty else { throw Malformed() }
                at = chars.count
                return .regex(field: field, negated: op == "ne", pattern: try regex(rest))
            }
            at = mark
            return nil
        }

        func regex(_ text: String) throws(Malformed) -> NSRegularExpression {
            if let cached = ComputeListFilter.compiled.withLock({ $0[text] }) { return cached }
            guard let compiled = try? NSRegularExpression(pattern: "^(?:\(text))$") else { throw Malformed() }
            ComputeListFilter.compiled.withLock { $0[text] = compiled }
            return compiled
        }

        mutating func fieldPath() throws(Malformed) -> [String] {
            let start = at
            while at < chars.count, chars[at].isLetter || chars[at].isNumber || "_.-".contains(chars[at]) { at += 1 }
            guard at > start else { throw Malformed() }
            let parts = String(chars[start..<at]).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !parts.contains(where: \.isEmpty) else { throw Malformed() }
            return parts
        }

        /// A quoted string, or a bare word (up to a space or, inside parentheses, the closing one).
        mutating func literal(untilParenthesis: Bool) throws(Malformed) -> String {
            if let quote = peek(), quote == "\"" || quote == "'" {
                at += 1
                var out = ""
                while at < chars.count, chars[at] != quote {
                    if chars[at] == "\\", at + 1 < chars.count {
                        at += 1
                    }
                    out.append(chars[at])
                    at += 1
                }
                guard at < chars.count else { throw Malformed() }
                at += 1
                return out
            }
            let start = at
            while at < chars.count, !chars[at].isWhitespace, !(untilParenthesis && chars[at] == ")") { at += 1 }
            guard at > start else { throw Malformed() }
            return String(chars[start..<at])
        }

        func peek() -> Character? { at < chars.count ? chars[at] : nil }

        func matches(_ s: String) -> Bool {
            let needle = Array(s)
            return at + needle.count <= chars.count && Array(chars[at..<(at + needle.count)]) == needle
        }

        /// Consumes `word` when it stands alone here (followed by a space, a parenthesis or the end).
        mutating func keyword(_ word: String) -> Bool {
            guard matches(word) else { return false }
            let end = at + word.count
            guard end == chars.count || chars[end].isWhitespace || chars[end] == "(" else { return false }
            at = end
            return true
        }

        mutating func skipSpaces() {
            while at < chars.count, chars[at].isWhitespace { at += 1 }
        }
    }
}
