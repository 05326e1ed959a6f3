/// Makes the parts of a diagnostic that echo manifest text (values, keys, file names) safe and short enough to
/// print on a terminal or in a CI log.
///
/// - ``escaped(_:keepingLineBreaks:)``: control characters never reach the output raw. C0 controls except tab,
///   DEL, C1 controls (U+0080-U+009F: U+009B is a CSI on some terminals), the Unicode line and paragraph
///   separators and the bidirectional formatting characters (which can make a line read differently from its
///   bytes) are written as Swift escapes with at least two uppercase hex digits: `\u{1B}`, `\u{00}`, `\u{202E}`.
///   A backslash already in the text is left as it is, so the output stays readable; the escapes are for eyes,
///   not for a parser.
/// - ``shortened(_:)``: a manifest value can be megabytes. A quoted span (between backticks or double quotes, as
///   messages quote values) or a word outside quotes longer than ``maxValueLength`` keeps its first
///   ``keptLength`` characters, then `…` and the original length: `` `aaaa…` (3145728 characters) ``. What is still
///   longer than ``maxMessageLength`` after that is cut the same way (the length
///   given is then the length after shortening the values). Lengths count Unicode scalars, not
///   Characters: one grapheme may hold any number of combining marks.
enum DiagnosticText {
    /// The longest value or word kept whole.
    static let maxValueLength = 120
    /// How much of a longer value or word is kept.
    static let keptLength = 100
    /// The longest message (or field path) kept whole once its values are shortened.
    static let maxMessageLength = 1000

    /// `text` with every control character escaped; `keepingLineBreaks` leaves `\r` and `\n` for a later
    /// encoding (GitHub workflow commands percent-encode them).
    static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { mustEscape($0, keepingLineBreaks: keepingLineBreaks) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard mustEscape(scalar, keepingLineBreaks: keepingLineBreaks) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            out.append(contentsOf: "\\u{\(hex.count < 2 ? "0" + hex : hex)}".unicodeScalars)
        }
        return String(out)
    }

    static func mustEscape(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x0A, 0x0D: !keepingLineBreaks
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// `text` with long quoted spans and long words cut, then the whole cut if it is still too long.
    static func shortened(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count > maxValueLength else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        // An opening quote without a closing one: no later quote of that kind exists, so stop looking for one.
        var unclosed: Set<Unicode.Scalar> = []
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "`" || scalar == "\"", !unclosed.contains(scalar) {
                if let close = scalars[(i + 1)...].firstIndex(of: scalar) {
                    out.append(scalar)
                    let inside = scalars[(i + 1)..<close]
                    if inside.count > maxValueLength {
                        out.append(contentsOf: inside.prefix(keptLength))
                        out.append(contentsOf: "…\(String(scalar)) (\(inside.count) characters)".unicodeScalars)
                    } else {
                        out.append(contentsOf: inside)
                        out.append(scalar)
                    }
                    i = close + 1
                    continue
                }
                unclosed.insert(scalar)
            }
            if isSpace(scalar) {
                out.append(scalar)
                i += 1
                continue
            }
            var end = i + 1
            while end < scalars.count, !isSpace(scalars[end]), scalars[end] != "`", scalars[end] != "\"" { end += 1 }
            out.append(contentsOf: cut(scalars[i..<end], limit: maxValueLength, keep: keptLength))
            i = end
        }
        return String(cut(out, limit: maxMessageLength, keep: maxMessageLength))
    }

    /// `scalars` whole when at most `limit` long, else their first `keep` and `… (N characters)`.
    private static func cut<S: Collection<Unicode.Scalar>>(_ scalars: S, limit: Int, keep: Int) -> String.UnicodeScalarView {
        let count = scalars.count
        guard count > limit else { return String.UnicodeScalarView(scalars) }
        var out = String.UnicodeScalarView(scalars.prefix(keep))
        out.append(contentsOf: "… (\(count) characters)".unicodeScalars)
        return out
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" }
}
