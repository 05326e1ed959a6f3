/// Writes `key=value` lines that `java.util.Properties.load` reads back to exactly the given strings.
///
/// Keys escape `\`, `=`, `:`, white space, a leading `#`/`!`; values escape `\`, leading white space, CR, LF,
/// tab and form feed, and anything outside printable ASCII as `\uXXXX` (the file is ISO-8859-1). `:` and `=`
/// inside values are left alone, unlike `Properties.store`.
public enum PropertiesText {
    public static func render(_ properties: BrokerProperties) -> String {
        properties.entries.map { line(key: $0.key, value: $0.value) + "\n" }.joined()
    }

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
            if leading && u == " " { out += "\\ "; continue }
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
            return String(u).utf16.map { unit in
                let hex = String(unit, radix: 16, uppercase: true)
                return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }.joined()
        }
    }
}
