import ServerProperties
import Testing

/// One reading rule of `java.util.Properties.load` (kafka.md §7.1): input text (ISO-8859-1), what Kafka sees.
struct ReadingRule: CustomTestStringConvertible, Sendable {
    enum Expected: Sendable, Equatable {
        case map([String: String])
        case error(line: Int)
    }

    let reason: String
    let input: String
    let expected: Expected

    init(_ reason: String, _ input: String, _ map: [String: String]) {
        self.reason = reason
        self.input = input
        self.expected = .map(map)
    }

    init(_ reason: String, _ input: String, errorOnLine line: Int) {
        self.reason = reason
        self.input = input
        self.expected = .error(line: line)
    }

    var testDescription: String { reason }
}

@Suite("Reading rules: PropertiesFile reads exactly what java.util.Properties.load reads")
struct ReadingRulesTests {
    static let rules: [ReadingRule] = [
        // Separators.
        .init("`=` separates key and value", "k=v", ["k": "v"]),
        .init("`:` separates too", "k:v", ["k": "v"]),
        .init("white space alone separates", "k v", ["k": "v"]),
        .init("tab and form feed are white space", "k\tv\nj\u{0C}w", ["k": "v", "j": "w"]),
        .init("white space around the separator is skipped", "k \t= \u{0C}v", ["k": "v"]),
        .init("only the first separator splits: `a:b=c`", "a:b=c", ["a": "b=c"]),
        .init("a second `=` after the separator is value", "k==v\nj=:w\ni:=x", ["k": "=v", "j": ":w", "i": "=x"]),
        .init("white space, then one `=`, then white space, then data", "k = = v", ["k": "= v"]),
        .init("white-space separator, then the value may contain `=`", "k v=w", ["k": "v=w"]),
        .init("listeners need no escaping", "listeners=INTERNAL://0.0.0.0:9092", ["listeners": "INTERNAL://0.0.0.0:9092"]),
        .init("a key alone has the empty value", "k", ["k": ""]),
        .init("`k=` has the empty value", "k=", ["k": ""]),
        .init("`k =  ` has the empty value", "k =  ", ["k": ""]),
        .init("an empty key is allowed", "=v\n:w", ["": "w"]),
        .init("leading white space before the key is skipped", " \t\u{0C}k=v", ["k": "v"]),
        // Values.
        .init("trailing white space stays in the value", "k=v \t", ["k": "v \t"]),
        .init("`#` inside a value is data", "k=v # x", ["k": "v # x"]),
        .init("duplicate keys: the last one wins", "k=1\nk=2\nj=3\nk=4", ["k": "4", "j": "3"]),
        // Comments and blank lines.
        .init("`#` and `!` start comments, also indented", "# a=1\n! b=2\n  \t# c=3\nk=v", ["k": "v"]),
        .init("comments never continue", "# c\\\nk=v", ["k": "v"]),
        .init("a comment line ending in `\\` at EOF is still nothing", "! c\\", [:]),
        .init("lines of white space only are ignored", " \t\u{0C}\n\n  \nk=v", ["k": "v"]),
        // Continuations.
        .init("an odd trailing backslash joins the next line, minus its leading white space", "k=a\\\n   b", ["k": "ab"]),
        .init("`#` at the start of a continuation line is data: `a#b`", "k=a\\\n  #b", ["k": "a#b"]),
        .init("an even number of trailing backslashes is escaped backslashes", "k=a\\\\\nb=c", ["k": "a\\", "b": "c"]),
        .init("three trailing backslashes: one escaped plus a continuation", "k=a\\\\\\\nb", ["k": "a\\b"]),
        .init("an empty line ends the logical line", "k=a\\\n\nb=c", ["k": "a", "b": "c"]),
        .init("a white-space-only line ends the logical line", "k=a\\\n \t \nb=c", ["k": "a", "b": "c"]),
        .init("several continuation lines", "k=1\\\n\\\n  2\\\n3", ["k": "123"]),
        .init("a continuation can join inside the key", "ke\\\n  y=v", ["key": "v"]),
        .init("a continuation before the separator", "k\\\n=v", ["k": "v"]),
        .init("a line of only `\\` joins into an empty line: the next `#` line is still a comment", "\\\n#c=d\nk=v", ["k": "v"]),
        .init("backslash-only lines, then a key", "\\\n \\\n  k=v", ["k": "v"]),
        .init("a backslash-only line, then an empty line: nothing", "\\\n\nk=v", ["k": "v"]),
        .init("a trailing `\\` at EOF is dropped", "k=a\\", ["k": "a"]),
        .init("a trailing `\\` before the final newline is dropped", "k=a\\\n", ["k": "a"]),
        .init("Java quirk: `\\` alone at EOF reads as the empty key", "\\", ["": ""]),
        .init("Java quirk: `\\` + LF as the last bytes reads as the empty key", "a=1\n\\\n", ["a": "1", "": ""]),
        .init("Java quirk: `\\` + CRLF as the last bytes reads as nothing", "a=1\n\\\r\n", ["a": "1"]),
        .init("a continuation onto white space at EOF", "k=a\\\n  ", ["k": "a"]),
        // Line terminators.
        .init("LF, CRLF and CR may be mixed", "a=1\rb=2\r\nc=3\nd=4", ["a": "1", "b": "2", "c": "3", "d": "4"]),
        .init("CRLF continuation skips both characters", "k=a\\\r\n  b\r\nj=c", ["k": "ab", "j": "c"]),
        .init("CR continuation", "k=a\\\r  b\rj=c", ["k": "ab", "j": "c"]),
        .init("CR then LF after a continuation is one terminator, not an empty line", "k=a\\\r\nb", ["k": "ab"]),
        .init("LF then CR after a continuation is an empty line", "k=a\\\n\rb", ["k": "a", "b": ""]),
        // Escapes.
        .init("`\\t \\n \\r \\f` are recognised", "k=\\t\\n\\r\\f", ["k": "\t\n\r\u{0C}"]),
        .init("`\\b` is not an escape: it yields `b`", "k=\\b", ["k": "b"]),
        .init("`\\` before any other character yields it", "k=\\x\\=\\:\\ \\#\\!\\\\\\\"", ["k": "x=: #!\\\""]),
        .init("escaped leading white space is kept", "k=\\ \\ v", ["k": "  v"]),
        .init("escaped separators in keys", "a\\ b=1\nc\\=d=2\ne\\:f:3\n\\#g=4\n\\!h=5", ["a b": "1", "c=d": "2", "e:f": "3", "#g": "4", "!h": "5"]),
        .init("`\\uXXXX`, either case of hex digit", "k=\\u00E9\\u00e9\\u0041", ["k": "ééA"]),
        .init("a surrogate pair of escapes is one scalar", "k=\\uD834\\uDD1E", ["k": "𝄞"]),
        .init("a `\\u` escape may span a continuation", "k=\\u00\\\n   E9", ["k": "é"]),
        .init("bytes are ISO-8859-1: raw 0xE9 is é", "k=\u{E9}", ["k": "é"]),
        .init("raw UTF-8 é reads as Ã©", "k=\u{C3}\u{A9}", ["k": "Ã©"]),
        .init("NEL (0x85) is not a line terminator", "k=a\u{85}b", ["k": "a\u{85}b"]),
        .init("`\\u0000` is an ordinary character", "k=a\\u0000b", ["k": "a\u{0}b"]),
        // Errors.
        .init("`\\u` with fewer than four hex digits is malformed", "k=\\u12", errorOnLine: 1),
        .init("`\\u` with a non-hex digit is malformed", "a=1\nb=\\u00G0", errorOnLine: 2),
        .init("`\\u` at the end of the line is malformed", "a=1\r\nb=2\r\nk=\\u", errorOnLine: 3),
        .init("a malformed `\\u` in a key", "\\uXYZW=1", errorOnLine: 1),
        .init("the error names the physical line of the escape", "k=a\\\n  b\\\n  \\uZZZZ", errorOnLine: 3),
        .init("a malformed `\\u` in a comment is not read at all", "# \\u12\nk=v", ["k": "v"]),
    ]

    @Test("Each reading rule", arguments: rules)
    func rule(_ rule: ReadingRule) {
        switch rule.expected {
        case .map(let expected):
            do {
                let file = try PropertiesFile(bytes: latin1(rule.input))
                #expect(hexMap(file.values) == hexMap(expected), "\(rule.reason): got \(file.values)")
                #expect(file.bytes == latin1(rule.input), "round trip")
            } catch {
                Issue.record("\(rule.reason): unexpected \(error)")
            }
        case .error(let line):
            #expect(throws: PropertiesError(line: line, message: "Malformed \\uxxxx encoding."), "\(rule.reason)") {
                try PropertiesFile(bytes: latin1(rule.input))
            }
        }
    }

    @Test("OpenJDK agrees with every row of the table")
    func javaAgrees() throws {
        let outcomes = try JavaOracle.load(Self.rules.map { latin1($0.input) })
        for (rule, java) in zip(Self.rules, outcomes) {
            let expected: JavaOracle.Outcome =
                switch rule.expected {
                case .map(let map): .map(hexMap(map))
                case .error: .error(hex("Malformed \\uxxxx encoding."))
                }
            #expect(java == expected, "\(rule.reason): Java read \(java)")
        }
    }

    @Test("A lone UTF-16 surrogate is refused: Java keeps it, a Swift String cannot (documented deviation)")
    func loneSurrogate() throws {
        let error = try #require(throws: PropertiesError.self) { try PropertiesFile(bytes: latin1("a=1\nk=x\\uD834y")) }
        #expect(error.line == 2)
        #expect(error.message.hasPrefix("Unpaired UTF-16 surrogate \\uD834"))
        #expect(throws: PropertiesError.self) { try PropertiesFile(bytes: latin1("k=\\uDD1E\\uD834")) }
    }

    @Test("keys are in order of their last occurrence; lookups compare scalars exactly, as Java does")
    func keysAndLookup() throws {
        let file = try PropertiesFile(bytes: latin1("b=1\na=2\nb=3\nc=4\ne\\u0301=5\n\\u00E9=6\n"))
        #expect(file.keys == ["a", "b", "c", "e\u{301}", "\u{E9}"])
        #expect(file["b"] == "3")
        #expect(file["missing"] == nil)
        #expect(file["e\u{301}"] == "5")
        #expect(file["\u{E9}"] == "6")
    }

    @Test("an empty file is empty")
    func empty() throws {
        let file = try PropertiesFile(bytes: [])
        #expect(file.values.isEmpty && file.keys.isEmpty && file.bytes.isEmpty)
    }
}
