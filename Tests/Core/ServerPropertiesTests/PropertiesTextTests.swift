import ServerProperties
import Testing

@Suite("PropertiesText renders lines java.util.Properties reads back exactly")
struct PropertiesTextTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let reason: String
        let key: String
        let value: String
        let line: String
        var testDescription: String { reason }
    }

    static let rows: [Row] = [
        .init(reason: "`:` and `=` stay unescaped in values", key: "listeners", value: "INTERNAL://0.0.0.0:9092", line: "listeners=INTERNAL://0.0.0.0:9092"),
        .init(reason: "white space in keys, leading spaces in values", key: "a b", value: " x", line: "a\\ b=\\ x"),
        .init(reason: "only leading spaces are escaped; no trailing white space added or removed", key: "k", value: "  a b ", line: "k=\\ \\ a b "),
        .init(reason: "separators in keys", key: "k=eq:colon", value: "y", line: "k\\=eq\\:colon=y"),
        .init(reason: "a leading `#`/`!` in a key only", key: "#k#", value: "#v", line: "\\#k#=#v"),
        .init(reason: "`!` leading a key", key: "!bang", value: "!", line: "\\!bang=!"),
        .init(reason: "backslashes in both", key: "back\\slash", value: "C:\\data", line: "back\\\\slash=C:\\\\data"),
        .init(reason: "control characters", key: "t\tk", value: "l1\nl2\ttab\rcr\u{0C}ff", line: "t\\tk=l1\\nl2\\ttab\\rcr\\fff"),
        .init(reason: "Latin-1 is escaped too (the file stays ASCII)", key: "é", value: "é", line: "\\u00E9=\\u00E9"),
        .init(reason: "astral characters as UTF-16 surrogate pairs", key: "k", value: "☕ 𝄞", line: "k=\\u2615 \\uD834\\uDD1E"),
        .init(reason: "combining marks stay separate scalars", key: "k", value: "e\u{301}", line: "k=e\\u0301"),
        .init(reason: "DEL and NUL", key: "k", value: "\u{7F}\u{0}", line: "k=\\u007F\\u0000"),
        .init(reason: "empty key and value", key: "", value: "", line: "="),
        .init(reason: "a value starting with a separator", key: "k", value: "=:v", line: "k==:v"),
    ]

    @Test("Rendering rules", arguments: rows)
    func rendering(_ row: Row) throws {
        #expect(PropertiesText.line(key: row.key, value: row.value) == row.line)
        let file = try PropertiesFile(bytes: Array(row.line.utf8))
        #expect(file.keys.count == 1 && file[row.key].map { Array($0.unicodeScalars) } == Array(row.value.unicodeScalars))
    }

    @Test("OpenJDK reads every rendered line back to exactly its key and value")
    func javaOracle() throws {
        let outcomes = try JavaOracle.load(Self.rows.map { Array(PropertiesText.line(key: $0.key, value: $0.value).utf8) })
        for (row, outcome) in zip(Self.rows, outcomes) {
            #expect(outcome == .map([hex(row.key): hex(row.value)]), "\(row.reason)")
        }
    }
}
