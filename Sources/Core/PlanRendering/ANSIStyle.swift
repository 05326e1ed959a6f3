/// ANSI styling for the text renderer. When disabled every method returns its input unchanged, so the
/// plain output contains no escape codes at all and the coloured output, once stripped of them, is identical.
///
/// Colours follow `terraform plan`: green `+`, yellow `~`, red `-`, cyan `⟳` (restart), bold headers.
struct ANSIStyle: Sendable {
    let enabled: Bool

    init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Select Graphic Rendition codes used by the renderer.
    enum Code: String, Sendable {
        case bold = "1"
        case red = "31"
        case green = "32"
        case yellow = "33"
        case cyan = "36"
    }

    static let escape = "\u{1B}["
    static let reset = "\u{1B}[0m"

    /// Wraps `text` in the given codes (combined in one sequence, e.g. `ESC[1;33m`) and a reset.
    func apply(_ codes: Code..., to text: String) -> String {
        guard enabled, !codes.isEmpty, !text.isEmpty else { return text }
        return Self.escape + codes.map(\.rawValue).joined(separator: ";") + "m" + text + Self.reset
    }

    func bold(_ text: String) -> String { apply(.bold, to: text) }
    func red(_ text: String) -> String { apply(.red, to: text) }
    func green(_ text: String) -> String { apply(.green, to: text) }
    func yellow(_ text: String) -> String { apply(.yellow, to: text) }
    func cyan(_ text: String) -> String { apply(.cyan, to: text) }

    /// Colours an action or attribute symbol: `+` green, `~` and `~>` yellow, `-` red, `⟳` cyan, and `-/+`
    /// as a red `-` and a green `+` (like Terraform's replace marker).
    func symbol(_ symbol: String) -> String {
        switch symbol {
        case "+": return green(symbol)
        case "-": return red(symbol)
        case "~", "~>": return yellow(symbol)
        case "⟳": return cyan(symbol)
        case "-/+": return red("-") + "/" + green("+")
        case "!": return apply(.bold, .red, to: symbol)
        default: return symbol
        }
    }
}
