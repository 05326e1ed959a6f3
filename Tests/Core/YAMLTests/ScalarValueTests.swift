import Testing
import YAML

/// The value of `v:` in a one-line mapping.
private func value(of snippet: String) -> YAMLNode? {
    parseDocuments("v: \(snippet)\n").first?.root?.mappingPairs.first?.value
}

@Suite("Core schema resolution")
struct ScalarValueTests {
    static let table: [(String, YAMLNode.ScalarValue)] = [
        // null
        ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null), ("", .null), ("nULL", .string("nULL")),
        // bool (1.2 core only)
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
        ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)), ("tRUE", .string("tRUE")),
        // YAML 1.1 booleans are strings (no Norway problem)
        ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")), ("off", .string("off")),
        ("NO", .string("NO")), ("y", .string("y")),
        // int
        ("123", .int(123)), ("-17", .int(-17)), ("+5", .int(5)), ("0", .int(0)), ("010", .int(10)),
        ("0x1F", .int(31)), ("0xff", .int(255)), ("0o17", .int(15)),
        ("0x", .string("0x")), ("0o8", .string("0o8")), ("-0x1F", .string("-0x1F")), ("0b101", .string("0b101")),
        ("1_000", .string("1_000")), ("99999999999999999999", .string("99999999999999999999")),
        // float
        ("1.5", .float(1.5)), ("-0.25", .float(-0.25)), (".5", .float(0.5)), ("1.", .float(1.0)),
        ("1e3", .float(1000)), ("6.02E+23", .float(6.02e23)), ("+1.5e-2", .float(0.015)),
        (".inf", .float(.infinity)), ("-.Inf", .float(-.infinity)), ("inf", .string("inf")),
        ("1.2.3", .string("1.2.3")), ("e3", .string("e3")), ("1e", .string("1e")),
        // quoted and block scalars are strings
        ("\"123\"", .string("123")), ("'true'", .string("true")), ("\"\"", .string("")), ("'~'", .string("~")),
        ("|\n  12", .string("12\n")),
        // explicit tags
        ("!!str 123", .string("123")), ("!!str", .string("")), ("!!int \"42\"", .int(42)), ("!!float 1", .float(1)),
        ("!!bool 'true'", .bool(true)), ("!!null ~", .null), ("! 12", .string("12")), ("!custom 12", .string("12")),
        // strings
        ("hello world", .string("hello world")), ("12:30", .string("12:30")),
    ]

    @Test(arguments: table)
    func resolves(snippet: String, expected: YAMLNode.ScalarValue) throws {
        let node = try #require(value(of: snippet))
        #expect(node.scalarValue == expected)
    }

    @Test func nan() throws {
        let node = try #require(value(of: ".NaN"))
        guard case .float(let d) = node.scalarValue else {
            Issue.record("expected a float, got \(String(describing: node.scalarValue))")
            return
        }
        #expect(d.isNaN)
    }

    @Test(arguments: [
        ("{a: 1}", "mapping"), ("[1]", "sequence"), ("text", "string"), ("'1'", "string"), ("1", "integer"),
        ("true", "boolean"), ("~", "null"), ("1.5", "float"),
    ])
    func kindNames(snippet: String, expected: String) throws {
        let node = try #require(value(of: snippet))
        #expect(node.kindName == expected)
    }

    @Test func collectionsHaveNoScalarValue() throws {
        #expect(try #require(value(of: "[1]")).scalarValue == nil)
        #expect(try #require(value(of: "{a: 1}")).scalarValue == nil)
    }

    @Test func handBuiltNodeWithMismatchedTagFallsBackToString() {
        let node = YAMLNode(kind: .scalar("abc", .plain), start: Mark(line: 1, column: 1), tag: "!!int")
        #expect(node.scalarValue == .string("abc"))
    }

    @Test(arguments: [
        ("99999999999999999999", "99999999999999999999"), ("-99999999999999999999", "-99999999999999999999"),
        ("+9223372036854775808", "+9223372036854775808"), ("0x1FFFFFFFFFFFFFFFF", "0x1FFFFFFFFFFFFFFFF"),
        ("0o7777777777777777777777", "0o7777777777777777777777"),
        ("9223372036854775807", nil), ("\"99999999999999999999\"", nil), ("!!str 99999999999999999999", nil),
        ("1e99", nil), ("abc", nil),
    ] as [(String, String?)])
    func overflowingIntegers(snippet: String, expected: String?) throws {
        let node = try #require(value(of: snippet))
        #expect(node.overflowingInteger == expected)
    }

    @Test func outOfRangeIntTagSaysSo() {
        #expect(parseError("v: !!int 99999999999999999999\n")?.message
            == "integer 99999999999999999999 is out of range (at most 9223372036854775807)")
        #expect(parseError("v: !!int -99999999999999999999\n")?.message
            == "integer -99999999999999999999 is out of range (at least -9223372036854775808)")
    }

    @Test(arguments: [
        ("!!python/object:os.system x", "!!python/object:os.system"), ("!!python/object:os.system", "!!python/object:os.system"),
        ("!!python/object/new:os.system {a: 1}", "!!python/object/new:os.system"), ("!custom [1]", "!custom"),
        ("!!timestamp 2001-12-14", "!!timestamp"), ("!<tag:example.com,2000:x> 1", "tag:example.com,2000:x"),
        ("!!str 1", nil), ("! 1", nil), ("!!int 1", nil), ("!!map {a: 1}", nil), ("!!seq [1]", nil), ("1", nil),
    ] as [(String, String?)])
    func unknownTags(snippet: String, expected: String?) throws {
        let node = try #require(value(of: snippet))
        #expect(node.unknownTag == expected)
    }
}
