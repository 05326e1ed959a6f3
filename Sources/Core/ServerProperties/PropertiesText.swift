/// Writes `key=value` lines that `java.util.Properties.load` reads back to exactly the given strings
/// (kafka.md §7.2 step 4).
///
/// Keys escape `\`, `=`, `:`, space, a leading `#`/`!`; values escape `\` and leading spaces. Both escape CR, LF,
/// tab and form feed, and anything outside printable ASCII as `\uXXXX` in UTF-16 units (the file is ISO-8859-1,
/// so the output is pure ASCII). `:` and `=` inside values are left alone, unlike `Properties.store`, and no
/// trailing white space is added. Same behaviour as `DesiredState.PropertiesText`.
public enum PropertiesText {
    /// One line without its terminator.
    public static func line(key: String, value: String) -> String { escapeKey(key) + "=" + escapeValue(value) }

    public static func escapeKey(_ key: String) -> String {
        var out = ""
        for (i, u) in key.unicodeScalars.enumerated() {
            switch u {
            case "=", ":", " ", "\\": out += "\\" + String(u)
            case "#" where i == 0, "!" where i == 0: out += "\\" + String(u)
            default: out += escapeCommon(u)
            }
        }
        return out
    }

    public static func escapeValue(_ value: String) -> String {
        var out = ""
        var leading = true
        for u in value.unicodeScalars {
            if leading && u == " " {
                out += "\\ "
                continue
            }
            leading = false
            out += u == "\\" ? "\\\\" : escapeCommon(u)
        }
        return out
    }

    private static func escapeCommon(_ u: Unicode.Scalar) -> String {
        switch u {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{0C}": return "\\f"
        default:
            guard u.value < 0x20 || u.value > 0x7E else { return String(u) }
            return String(u).utf16.map { "\\u" + hex4($0) }.joined()
        }
    }

    /// Four upper-case hex digits.
    static func hex4(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }
}
