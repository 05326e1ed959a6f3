import Testing
import YAML

@Suite("YAMLParser: errors and hostile input")
struct YAMLErrorTests {
    // MARK: Syntax errors

    @Test func badIndentOnLine3() {
        let error = parseError("a:\n  b: 1\n c: 2\n")
        #expect(error?.mark == mark(3, 2))
        #expect(error?.message == "did not find expected key (while parsing a block mapping at 1:1)")
    }

    @Test func mappingValuesNotAllowed() {
        let error = parseError("name: orders\nkey: a: b\n")
        #expect(error?.mark == mark(2, 7))
        #expect(error?.message == "mapping values are not allowed in this context")
    }

    @Test func unterminatedQuote() {
        let error = parseError("a: 1\nb: \"abc\n")
        #expect(error?.mark == mark(3, 1))
        #expect(error?.message.contains("while scanning a quoted scalar at 2:4") == true)
    }

    @Test func unclosedFlowSequence() {
        let error = parseError("a: [1, 2\nb: 3\n")
        #expect(error?.mark == mark(2, 2))
        #expect(error?.message == "did not find expected ',' or ']' (while parsing a flow sequence at 1:4)")
    }

    @Test func tabIndentationHasAHint() {
        let error = parseError("a:\n\tb: 1\n")
        #expect(error?.mark == mark(2, 1))
        #expect(error?.message.contains("tabs are not allowed") == true)
    }

    @Test func errorInSecondDocumentIsPositionedInTheStream() {
        let error = parseError("a: 1\n---\nb: [\n")
        #expect(error?.mark.line == 4)
    }

    // MARK: Encoding

    @Test func invalidUTF8IsPositioned() {
        // "é" is one column; the bad byte is the 8th character of line 2, at byte offset 14.
        let bytes = Array("ok: 1\nname: é".utf8) + [0xFF] + Array("\n".utf8)
        let error = parseError(bytes)
        #expect(error?.mark == mark(2, 8))
        #expect(error?.message == "invalid UTF-8 at byte offset 14")
    }

    @Test(arguments: [
        [0xC0, 0xAF],  // overlong "/"
        [0xED, 0xA0, 0x80],  // UTF-16 surrogate
        [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0xE2, 0x82],  // truncated at end of input
        [0x80],  // lone continuation byte
    ] as [[UInt8]])
    func invalidUTF8Sequences(bad: [UInt8]) {
        let error = parseError(Array("a: x".utf8) + bad)
        #expect(error?.mark == mark(1, 5))
        #expect(error?.message == "invalid UTF-8 at byte offset 4")
    }

    @Test func nulByteIsRejected() {
        let error = parseError(Array("a: 1\nb: ".utf8) + [0x00, 0x01, 0x02])
        #expect(error?.mark == mark(2, 4))
        #expect(error?.message.contains("NUL byte at byte offset 8") == true)
    }

    @Test func controlCharacterIsRejected() {
        let error = parseError("a: 1\r\nb: \u{7}\r\n")
        #expect(error?.mark == mark(2, 4))
        #expect(error?.message.contains("U+0007") == true)
    }

    @Test(arguments: [[0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00], [0xFE, 0xFF, 0x00, 0x61, 0x00, 0x3A]] as [[UInt8]])
    func utf16IsRejected(bytes: [UInt8]) {
        let error = parseError(bytes)
        #expect(error?.mark == mark(1, 1))
        #expect(error?.message.contains("UTF-16") == true)
    }

    // MARK: Limits

    @Test func oversizeFile() {
        var limits = YAMLLimits()
        limits.maxBytes = 10
        let error = parseError("a: 12345678\n", limits: limits)
        #expect(error?.mark == mark(1, 1))
        #expect(error?.message == "file is larger than 10 bytes")
        #expect(parseDocuments("a: 1234567", limits: limits).count == 1)  // exactly 10 bytes is fine
    }

    @Test func deepFlowNestingErrorsInsteadOfCrashing() {
        // 100k unclosed `[`: must stop at the depth limit (expected to take milliseconds).
        let error = parseError(String(repeating: "[", count: 100_000))
        #expect(error?.mark == mark(1, 129))
        #expect(error?.message == "nesting is deeper than 128 levels")
    }

    @Test func deepBlockNestingErrorsInsteadOfCrashing() {
        let error = parseError(String(repeating: "- ", count: 100_000) + "x\n")
        #expect(error?.mark == mark(1, 257))
        #expect(error?.message == "nesting is deeper than 128 levels")
    }

    @Test func aliasCannotSmuggleDepthPastTheLimit() {
        var limits = YAMLLimits()
        limits.maxDepth = 4
        let error = parseError("a: &a [[[x]]]\nb: [*a]\n", limits: limits)
        #expect(error?.mark == mark(2, 5))
        #expect(error?.message.contains("deeper than 4 levels") == true)
    }

    @Test func billionLaughsErrorsQuickly() {
        // 9 levels x 9 aliases would expand to ~4e8 nodes; the budget check happens before
        // each expansion, so this fails on line 6 after ~140k counted nodes (milliseconds).
        let laughs = Array(repeating: "\"lol\"", count: 9).joined(separator: ", ")
        var lines = ["a: &a [\(laughs)]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for level in 1..<names.count {
            let aliases = Array(repeating: "*\(names[level - 1])", count: 9).joined(separator: ", ")
            lines.append("\(names[level]): &\(names[level]) [\(aliases)]")
        }
        let error = parseError(lines.joined(separator: "\n") + "\n")
        #expect(error?.message == "document expands to more than 200000 nodes (alias bomb?)")
        #expect(error?.mark == mark(6, 12))  // the second `*e` on line `f: &f [*e, *e, ...`
    }

    @Test func nodeLimitWithoutAliases() {
        var limits = YAMLLimits()
        limits.maxNodes = 5
        let error = parseError("[1, 2, 3, 4, 5]", limits: limits)
        #expect(error?.mark == mark(1, 14))
        #expect(error?.message == "file has more than 5 nodes")
    }

    @Test func unknownAlias() {
        let error = parseError("a: 1\nb: *nope\n")
        #expect(error?.mark == mark(2, 4))
        #expect(error?.message.contains("*nope") == true)
    }

    @Test func anchorsDoNotCrossDocuments() {
        let error = parseError("a: &x 1\n---\nb: *x\n")
        #expect(error?.mark == mark(3, 4))
    }
}
