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

    @Test func nothingToSay() {
        #expect(DiagnosticRenderer.render([], format: .text) == "")
        #expect(DiagnosticRenderer.render([], format: .github) == "")
    }
}
