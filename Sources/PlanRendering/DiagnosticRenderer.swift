public import ReconcileModel

/// Renders manifest diagnostics for people (`text`) or as GitHub Actions workflow commands (`github`), which
/// GitHub shows as annotations on the pull request's changed files.
///
/// Both formats print every diagnostic, one per line, in `sortedForOutput()` order, without a trailing newline.
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
        case .text: return sorted.map(\.description).joined(separator: "\n")
        case .github: return sorted.map(githubCommand).joined(separator: "\n")
        }
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
