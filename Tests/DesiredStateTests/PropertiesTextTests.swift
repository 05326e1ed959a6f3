import DesiredState
import Foundation
import Testing

@Suite("server.properties text is read back by java.util.Properties exactly")
struct PropertiesTextTests {
    static let cases: [(key: String, value: String)] = [
        ("listeners", "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092"),
        ("plain", "value with = and : inside"),
        ("leading.space", "  two spaces first"),
        ("back\\slash", "C:\\data\\kafka"),
        ("key with spaces", "x"),
        ("key=eq:colon", "y"),
        ("#hash.key", "#not a comment"),
        ("!bang", "!"),
        ("unicode", "café ☕ 𝄞"),
        ("controls", "line1\nline2\ttab\rcr\u{0C}ff"),
        ("empty", ""),
        ("trailing", "ends with space "),
    ]

    @Test("Escaping rules: `:` and `=` stay unescaped in values, non-ASCII becomes \\uXXXX")
    func escaping() {
        #expect(PropertiesText.line(key: "listeners", value: "INTERNAL://0.0.0.0:9092") == "listeners=INTERNAL://0.0.0.0:9092")
        #expect(PropertiesText.line(key: "a b", value: " x") == "a\\ b=\\ x")
        #expect(PropertiesText.line(key: "#k", value: "é") == "\\#k=\\u00E9")
        #expect(PropertiesText.line(key: "k", value: "𝄞") == "k=\\uD834\\uDD1E")
    }

    @Test("OpenJDK loads every rendered line to exactly the original key and value")
    func javaOracle() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("props-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = PropertiesText.render(BrokerProperties(Self.cases))
        #expect(text.utf8.allSatisfy { $0 < 0x80 }, "the file is pure ASCII, so ISO-8859-1 and UTF-8 agree")
        try text.write(to: dir.appendingPathComponent("server.properties"), atomically: true, encoding: .isoLatin1)
        let checker = """
            import java.io.*; import java.util.*;
            public class Check { public static void main(String[] a) throws Exception {
              Properties p = new Properties(); try (InputStream in = new FileInputStream(a[0])) { p.load(in); }
              TreeMap<String,String> m = new TreeMap<>(); for (String k : p.stringPropertyNames()) m.put(k, p.getProperty(k));
              StringBuilder sb = new StringBuilder();
              for (Map.Entry<String,String> e : m.entrySet()) { sb.append(hex(e.getKey())).append(' ').append(hex(e.getValue())).append('\\n'); }
              System.out.print(sb);
            }
            static String hex(String s) { StringBuilder b = new StringBuilder("x"); for (char c : s.toCharArray()) b.append(String.format("%04x", (int) c)); return b.toString(); } }
            """
        try checker.write(to: dir.appendingPathComponent("Check.java"), atomically: true, encoding: .utf8)
        let java = ["/usr/bin/java", "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let javaPath = try #require(java, "OpenJDK is needed for this oracle test: apt-get install openjdk-17-jdk-headless (scripts/setup.sh does)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: javaPath)
        process.arguments = [dir.appendingPathComponent("Check.java").path, dir.appendingPathComponent("server.properties").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        func hex(_ s: String) -> String { "x" + s.utf16.map { String(format: "%04x", $0) }.joined() }
        let expected = Self.cases.map { "\(hex($0.key)) \(hex($0.value))" }.sorted { a, b in
            // Java's TreeMap orders by UTF-16 code units, like our hex strings of equal-width units.
            a.split(separator: " ")[0] < b.split(separator: " ")[0]
        }
        #expect(output.split(separator: "\n").map(String.init) == expected)
    }
}
