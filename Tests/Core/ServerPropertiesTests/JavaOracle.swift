import Foundation
import ServerProperties
import Testing

/// The real OpenJDK `java.util.Properties.load`, one JVM for a whole batch of files.
///
/// Keys, values and error messages travel hex-encoded (UTF-16 units), so no escaping can hide a difference.
/// Missing Java fails the test (CI has it): install `openjdk-17-jdk-headless`.
enum JavaOracle {
    enum Outcome: Equatable, CustomStringConvertible {
        /// hex(key) -> hex(value)
        case map([String: String])
        /// hex(message) of Java's `IllegalArgumentException`
        case error(String)

        var description: String {
            switch self {
            case .map(let map): "map(" + map.sorted { $0.key < $1.key }.map { "\(unhex($0.key))=\(unhex($0.value))" }.joined(separator: ", ") + ")"
            case .error(let message): "error(\(unhex(message)))"
            }
        }
    }

    static let source = """
        import java.io.*;
        import java.util.*;

        public class Check {
            public static void main(String[] args) throws Exception {
                File[] files = new File(args[0]).listFiles((d, n) -> n.endsWith(".properties"));
                Arrays.sort(files);
                PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16), false, "US-ASCII");
                for (File f : files) {
                    out.print("@" + f.getName() + "\\n");
                    Properties p = new Properties();
                    try (InputStream in = new FileInputStream(f)) {
                        p.load(in);
                    } catch (IllegalArgumentException e) {
                        out.print("!" + hex(e.getMessage()) + "\\n");
                        continue;
                    }
                    for (Map.Entry<Object, Object> e : p.entrySet()) {
                        out.print(hex((String) e.getKey()) + " " + hex((String) e.getValue()) + "\\n");
                    }
                }
                out.flush();
            }

            static String hex(String s) {
                StringBuilder b = new StringBuilder(1 + 4 * s.length()).append('x');
                for (int i = 0; i < s.length(); i++) {
                    String h = Integer.toHexString(s.charAt(i));
                    for (int k = h.length(); k < 4; k++) b.append('0');
                    b.append(h);
                }
                return b.toString();
            }
        }
        """

    static func javaExecutable() throws -> String {
        var candidates = ["/usr/bin/java"]
        if let home = ProcessInfo.processInfo.environment["JAVA_HOME"] { candidates.insert(home + "/bin/java", at: 0) }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(dir)/java") }
        candidates.append("/usr/lib/jvm/java-17-openjdk-amd64/bin/java")
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        return try #require(
            found,
            "OpenJDK is required for the java.util.Properties oracle: apt-get install openjdk-17-jdk-headless (scripts/setup.sh does)"
        )
    }

    /// Loads every file with `java.util.Properties.load(InputStream)`, in order.
    static func load(_ files: [[UInt8]]) throws -> [Outcome] {
        let java = try javaExecutable()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("props-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (index, bytes) in files.enumerated() {
            try Data(bytes).write(to: dir.appendingPathComponent(name(index)))
        }
        let checker = dir.appendingPathComponent("Check.java")
        try source.write(to: checker, atomically: true, encoding: .utf8)
        let errors = dir.appendingPathComponent("stderr.txt")
        try Data().write(to: errors)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: java)
        process.arguments = [checker.path, dir.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        try #require(process.terminationStatus == 0, "java failed: \(stderr)")

        var outcomes: [String: Outcome] = [:]
        var current: String?
        var map: [String: String] = [:]
        func flush() {
            if let current, outcomes[current] == nil { outcomes[current] = .map(map) }
        }
        for line in output.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("@") {
                flush()
                current = String(line.dropFirst())
                map = [:]
            } else if line.hasPrefix("!") {
                outcomes[current ?? ""] = .error(String(line.dropFirst()))
            } else {
                let parts = line.split(separator: " ")
                map[String(parts[0])] = String(parts[1])
            }
        }
        flush()
        return try files.indices.map { index in try #require(outcomes[name(index)], "no output for file \(index)") }
    }

    private static func name(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 7 - digits.count)) + digits + ".properties"
    }
}

/// Java's view of a parse: the map, or the error message.
func outcome(of bytes: [UInt8]) -> JavaOracle.Outcome {
    do {
        return .map(hexMap(try PropertiesFile(bytes: bytes).values))
    } catch let error as PropertiesError {
        return .error(hex(error.message))
    } catch {
        return .error("unexpected \(error)")
    }
}

/// `x` followed by four lower-case hex digits per UTF-16 unit, as the Java checker prints.
func hex(_ s: String) -> String {
    let digits = Array("0123456789abcdef")
    var out = "x"
    for unit in s.utf16 {
        for shift in stride(from: 12, through: 0, by: -4) { out.append(digits[Int((unit >> UInt16(shift)) & 0xF)]) }
    }
    return out
}

func unhex(_ h: String) -> String {
    var units: [UInt16] = []
    var chars = Array(h.dropFirst())[...]
    while chars.count >= 4 {
        units.append(UInt16(String(chars.prefix(4)), radix: 16) ?? 0)
        chars = chars.dropFirst(4)
    }
    return String(decoding: units, as: UTF16.self).debugDescription
}

func hexMap(_ values: [String: String]) -> [String: String] {
    Dictionary(uniqueKeysWithValues: values.map { (hex($0.key), hex($0.value)) })
}
