import TestSupport
/// Random `server.properties` files that lean on every reading rule: comments (`#`, `!`, indented, ending in
/// backslashes), blank lines of space/tab/form feed, continuations (also onto `#…` and onto blank lines),
/// backslash-only lines, every separator form, escapes (valid, unknown, `\u` with both cases, surrogate pairs,
/// occasionally malformed), raw Latin-1 bytes, trailing white space, duplicate keys, `\n`/`\r\n`/`\r` mixed, and
/// files with and without a final newline or with a dangling backslash at EOF.
///
/// Keys avoid combining marks, so no two keys are canonically equivalent Swift strings (see `PropertiesFile`).
/// No token leaves a lone UTF-16 surrogate (a documented refusal; `ReadingRulesTests` covers it).
struct FileGenerator {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(state: seed) }

    static let keyTokens: [String] = [
        "listeners", "advertised.listeners", "listener.security.protocol.map", "node.id", "a", "b", "k", "log.dirs",
        "x.y.z", "a", "k", "node.id",
    ]
    static let oddKeyTokens: [String] = [
        "a\\ b", "c\\=d", "e\\:f", "\\#h", "\\!b", "t\\tk", "caf\\u00E9", "caf\\u00e9", "k\\\\", "\\u263A", "\\uD834\\uDD1E",
        "n\\nl", "f\\fx", "a#b", "a!b", "\\b", "\\ lead", "",
    ]
    static let valueTokens: [String] = [
        "v", "1", "INTERNAL://0.0.0.0:9092", "PLAINTEXT", ",", " ", "  ", "#", "!", "=", ":", "a b", "\\t", "\\n", "\\r",
        "\\f", "\\b", "\\\\", "\\=", "\\:", "\\ ", "\\#", "\\!", "\\u00E9", "\\u00e9", "\\uD834\\uDD1E", "\\u0000",
        "\\u263a", "\\u0301", "\\uFFFF", "\\q", "\\\"", "\t", "\u{0C}", "u", "0041",
    ]
    static let rawBytes: [UInt8] = [0xE9, 0xA0, 0xFF, 0x85, 0x00, 0x7F, 0x80, 0xC3, 0xA9]
    static let malformed: [String] = ["\\u12", "\\uZZZZ", "\\u00G0", "\\u", "\\u123"]
    static let separators: [String] = [
        "=", "=", "=", ":", " ", "\t", " = ", " : ", "  ", "=:", ":=", " =  ", "\u{0C}", "", "==", " = = ", "\t:\t",
    ]

    private enum Style { case lf, crlf, cr, mixed }
    private var style = Style.lf
    private var malformedAllowed = false

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    mutating func file() -> [UInt8] {
        style = pick([.lf, .lf, .lf, .lf, .crlf, .crlf, .cr, .mixed, .mixed, .mixed])
        malformedAllowed = chance(0.04)
        var out: [UInt8] = []
        for _ in 0..<Int.random(in: 0...14, using: &rng) { out += line() + terminator() }
        if chance(0.3) {
            // No final newline.
            while let last = out.last, last == 0x0A || last == 0x0D { out.removeLast() }
        }
        if chance(0.05) { out += bytes(pick(["\\", "k=a\\", " \\", "\\\\\\", "k=\\u00"])) }
        return out
    }

    private mutating func line() -> [UInt8] {
        switch Int.random(in: 0..<100, using: &rng) {
        case 0..<14: return whitespace()
        case 14..<28:
            return whitespace() + bytes(pick(["#", "!"])) + text() + bytes(chance(0.2) ? pick(["\\", "\\\\", "\\\\\\"]) : "")
        case 28..<35:
            // Backslash-only lines and the tricky joins of kafka.md; `\n` stands for a random terminator.
            var out: [UInt8] = []
            for b in bytes(pick(["\\", " \\", "\\\\", "\\\\\\", "\t\\", "\\\n#c", "\\\n\\\n!c", "k=a\\\n  #b", "\\\n\n#c"])) {
                out += b == 0x0A ? terminator() : [b]
            }
            return out
        default: return pair()
        }
    }

    private mutating func pair() -> [UInt8] {
        var tokens: [[UInt8]] = [whitespace()]
        for _ in 0..<Int.random(in: 1...2, using: &rng) {
            tokens.append(bytes(chance(0.7) ? pick(Self.keyTokens) : pick(Self.oddKeyTokens)))
        }
        tokens.append(bytes(pick(Self.separators)))
        for _ in 0..<Int.random(in: 0...5, using: &rng) {
            if malformedAllowed && chance(0.15) {
                tokens.append(bytes(pick(Self.malformed)))
            } else if chance(0.1) {
                tokens.append([pick(Self.rawBytes)])
            } else {
                tokens.append(bytes(pick(Self.valueTokens)))
            }
        }
        if chance(0.1) { tokens.append(bytes(pick([" ", "  ", "\t", " \u{0C}"]))) }
        if chance(0.08) { tokens.append(bytes("\\\\")) }
        if chance(0.08) { tokens.append(bytes("\\")) }  // joins the next generated line, or dangles at EOF
        var out: [UInt8] = []
        for (index, token) in tokens.enumerated() {
            if index > 1 && chance(0.1) {
                // A continuation; sometimes onto a white-space-only line, which ends the logical line.
                out += bytes("\\") + terminator() + whitespace()
                if chance(0.1) { out += terminator() + whitespace() }
            }
            out += token
        }
        return out
    }

    private mutating func whitespace() -> [UInt8] {
        (0..<Int.random(in: 0...2, using: &rng)).map { _ in pick([0x20, 0x20, 0x09, 0x0C]) }
    }

    private mutating func text() -> [UInt8] {
        bytes(pick(["", " comment", " key=value", "comment \\u12 not parsed", " é", "\\", " a:b"]))
    }

    private mutating func terminator() -> [UInt8] {
        switch style {
        case .lf: [0x0A]
        case .crlf: [0x0D, 0x0A]
        case .cr: [0x0D]
        case .mixed: pick([[0x0A], [0x0D, 0x0A], [0x0D]])
        }
    }

    /// ISO-8859-1 bytes of a string of scalars up to U+00FF.
    func bytes(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8($0.value) } }
}

/// ISO-8859-1 bytes of a test string (every scalar must be at most U+00FF).
func latin1(_ s: String) -> [UInt8] { s.unicodeScalars.map { UInt8($0.value) } }

/// A readable rendering of file bytes for failure messages.
func show(_ bytes: [UInt8]) -> String {
    String(decoding: bytes.map { UInt16($0) }, as: UTF16.self).debugDescription
}
