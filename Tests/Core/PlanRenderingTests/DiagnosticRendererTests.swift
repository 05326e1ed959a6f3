import PlanRendering
import ReconcileModel
import Testing

@Suite struct DiagnosticRendererTests {
    static let diagnostics = [
        Diagnostic(.warning, at: SourceLocation(file: "manifests/b.yaml", line: 2, column: 1), "unknown key `labels`"),
        Diagnostic(at: nil, "no manifests found under manifests/extra"),
        Diagnostic(at: SourceLocation(file: "manifests/a.yaml", line: 12, column: 7),
                   path: "spec.brokers[1].nodeId", "duplicate node id 1"),
        Diagnostic(at: SourceLocation(file: "manifests/a.yaml", line: 3, column: 5),
                   path: "spec.azure.location", "must not be empty"),
    ]

    @Test func textIsOneSortedDescriptionPerLine() {
        #expect(DiagnosticRenderer.render(Self.diagnostics, format: .text) == """
            manifests/a.yaml:3:5: error: spec.azure.location: must not be empty
            manifests/a.yaml:12:7: error: spec.brokers[1].nodeId: duplicate node id 1
            manifests/b.yaml:2:1: warning: unknown key `labels`
            error: no manifests found under manifests/extra
            """)
    }

    @Test func githubAnnotations() {
        #expect(DiagnosticRenderer.render(Self.diagnostics, format: .github) == """
            ::error file=manifests/a.yaml,line=3,col=5::spec.azure.location: must not be empty
            ::error file=manifests/a.yaml,line=12,col=7::spec.brokers[1].nodeId: duplicate node id 1
            ::warning file=manifests/b.yaml,line=2,col=1::unknown key `labels`
            ::error::no manifests found under manifests/extra
            """)
    }

    @Test func githubEscapesDataAndProperties() {
        let diagnostic = Diagnostic(
            at: SourceLocation(file: "odd,name: 100%.yaml", line: 1, column: 2),
            path: "spec.ports",
            "100% sure: a, b\r\nand\nmore %0A"
        )
        #expect(DiagnosticRenderer.render([diagnostic], format: .github)
            == "::error file=odd%2Cname%3A 100%25.yaml,line=1,col=2::spec.ports: 100%25 sure: a, b%0D%0Aand%0Amore %250A")
    }

    /// Escape, NUL, bell, C1 CSI, DEL, line breaks and a bidi override, from a manifest value, a key and a file name.
    static let hostile = Diagnostic(
        at: SourceLocation(file: "m/\u{1B}]0;x\u{7}.yaml", line: 3, column: 9),
        path: "spec.settings.k\u{0}ey",
        "`\u{1B}[31mred\u{7}\u{9B}2J\u{7F}` is\tnot valid\r\nfake.yaml:1:1: error: \u{202E}txt")

    @Test func textEscapesControlCharactersExceptTab() {
        #expect(DiagnosticRenderer.render([Self.hostile], format: .text)
            == #"m/\u{1B}]0;x\u{07}.yaml:3:9: error: spec.settings.k\u{00}ey: `\u{1B}[31mred\u{07}\u{9B}2J\u{7F}` is"#
            + "\t" + #"not valid\u{0D}\u{0A}fake.yaml:1:1: error: \u{202E}txt"#)
    }

    @Test func githubEscapesControlCharactersAndKeepsLineBreaksAsPercentEscapes() {
        #expect(DiagnosticRenderer.render([Self.hostile], format: .github)
            == #"::error file=m/\u{1B}]0;x\u{07}.yaml,line=3,col=9::spec.settings.k\u{00}ey: `\u{1B}[31mred\u{07}\u{9B}2J\u{7F}` is"#
            + "\t" + #"not valid%0D%0Afake.yaml:1:1: error: \u{202E}txt"#)
    }

    @Test func longQuotedValuesAreShortenedWithTheirLength() {
        let value = String(repeating: "a", count: 3 << 20)
        let diagnostic = Diagnostic(at: nil, path: "metadata.name", "`\(value)` is not a valid name; use 1-63 lowercase letters")
        let expected = "error: metadata.name: `" + String(repeating: "a", count: 100)
            + "…` (3145728 characters) is not a valid name; use 1-63 lowercase letters"
        #expect(DiagnosticRenderer.render([diagnostic], format: .text) == expected)
        #expect(DiagnosticRenderer.render([diagnostic], format: .github) == "::error::" + expected.dropFirst("error: ".count))
    }

    @Test func longUnquotedWordsPathsAndMessagesAreShortened() {
        let digits = String(repeating: "9", count: 500)
        let key = String(repeating: "k", count: 200)
        let words = Array(repeating: "word", count: 400).joined(separator: " ")
        let diagnostics = [
            Diagnostic(at: nil, path: "spec.settings.\(key)", "integer \(digits) is out of range"),
            Diagnostic(at: nil, "sshPublicKey \"\(words)\""),
            Diagnostic(at: nil, words),
        ]
        let pathLine: String = "error: spec.settings." + String(repeating: "k", count: 86) + "… (214 characters): integer "
            + String(repeating: "9", count: 100) + "… (500 characters) is out of range"
        let quotedLine: String = "error: sshPublicKey \"" + String(words.prefix(100)) + "…\" (1999 characters)"
        let wordsLine: String = "error: " + String(words.prefix(1000)) + "… (1999 characters)"
        let rendered = DiagnosticRenderer.render(diagnostics, format: .text)
        #expect(rendered == [pathLine, quotedLine, wordsLine].joined(separator: "\n"))
    }

    @Test func valuesAreCutByUnicodeScalarsNotGraphemes() {
        // One grapheme of 1 + 10,000 scalars: counting Characters would keep it whole.
        let zalgo = "a" + String(repeating: "\u{301}", count: 10_000)
        let rendered = DiagnosticRenderer.render([Diagnostic(at: nil, "`\(zalgo)` is odd")], format: .text)
        #expect(rendered.unicodeScalars.count < 200)
        #expect(rendered.hasSuffix("…` (10001 characters) is odd"))
    }

    @Test func nothingToSay() {
        #expect(DiagnosticRenderer.render([], format: .text) == "")
        #expect(DiagnosticRenderer.render([], format: .github) == "")
    }
}
