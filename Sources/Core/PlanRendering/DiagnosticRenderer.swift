public import ReconcileModel

/// Renders manifest diagnostics for people (`text`) or as GitHub Actions workflow commands (`github`), which
/// GitHub shows as annotations on the pull request's changed files.
///
/// Both formats print every diagnostic, one per line, in `sortedForOutput()` order, without a trailing newline.
/// File names, field paths and messages echo manifest text, so both formats escape its control characters and
/// shorten long values (``DiagnosticText``): nothing from a manifest can move the cursor, recolour the terminal,
/// start a forged line or flood the output. The text format escapes line breaks too; the GitHub format
/// percent-encodes them as workflow commands require.
public struct DiagnosticRenderer: Sendable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `FILE:LINE:COL: error: PATH: MESSAGE`, the shape compilers and editors understand.
        case text
        /// `::error file=FILE,line=LINE,col=COL::PATH: MESSAGE` (`::warning` for warnings).
        case github
    }

    public static func render(_ diagnostics: [Diagnostic], format: Format) -> String {
        let sorted = diagnostics.sortedForOutput()
        switch format {
        case .text: return sorted.map { printable($0, keepingLineBreaks: false).description }.joined(separator: "\n")
        case .github: return sorted.map { githubCommand(printable($0, keepingLineBreaks: true)) }.joined(separator: "\n")
        }
    }

    /// `diagnostic` with its file name, field path and message shortened and escaped for output.
    static func printable(_ diagnostic: Diagnostic, keepingLineBreaks: Bool) -> Diagnostic {
        var out = diagnostic
        out.location?.file = DiagnosticText.escaped(diagnostic.location?.file ?? "", keepingLineBreaks: keepingLineBreaks)
        out.path = DiagnosticText.escaped(DiagnosticText.shortened(diagnostic.path), keepingLineBreaks: keepingLineBreaks)
        out.message = DiagnosticText.escaped(DiagnosticText.shortened(diagnostic.message), keepingLineBreaks: keepingLineBreaks)
        return out
    }

    /// One workflow command. Without a location the annotation has no properties (`::error::MESSAGE`).
    static func githubCommand(_ diagnostic: Diagnostic) -> String {
        let command = diagnostic.severity == .error ? "error" : "warning"
        var properties: [String] = []
        if let location = diagnostic.location {
            properties = [
                "file=" + escapeProperty(location.file),
                "line=\(location.line)",
                "col=\(location.column)",
            ]
        }
        let message = diagnostic.path.isEmpty ? diagnostic.message : "\(diagnostic.path): \(diagnostic.message)"
        let head = properties.isEmpty ? command : command + " " + properties.joined(separator: ",")
        return "::\(head)::\(escapeData(message))"
    }

    /// Escapes a command's message: `%` `\r` `\n` become `%25` `%0D` `%0A` (`%` first, so escapes are not
    /// escaped again), as GitHub's runner unescapes them.
    static func escapeData(_ text: String) -> String {
        escape(text, extra: false)
    }

    /// Escapes a property value: as ``escapeData(_:)`` plus `:` and `,` as `%3A` and `%2C`, which would otherwise
    /// end the property list or the property.
    static func escapeProperty(_ text: String) -> String {
        escape(text, extra: true)
    }

    private static func escape(_ text: String, extra: Bool) -> String {
        var out = ""
        // Unicode scalars, not Characters: "\r\n" is one Character but two escapes.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where extra: out += "%3A"
            case "," where extra: out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
