import ServerProperties
import Testing

/// Thousands of generated files (seeded, reproducible): byte-identical round trip, and the same reading as OpenJDK.
@Suite("Generated files: round trip and the OpenJDK oracle")
struct GeneratedFilesTests {
    static let count = 3_000

    static func files(seed: UInt64, count: Int) -> [[UInt8]] {
        var generator = FileGenerator(seed: seed)
        return (0..<count).map { _ in generator.file() }
    }

    @Test("Unedited files round-trip byte for byte, and re-reading the bytes gives an equal file")
    func roundTrip() throws {
        var parsed = 0
        for (index, bytes) in Self.files(seed: 7, count: Self.count).enumerated() {
            guard let file = try? PropertiesFile(bytes: bytes) else { continue }
            parsed += 1
            #expect(file.bytes == bytes, "file \(index): \(show(bytes))")
            #expect(try PropertiesFile(bytes: file.bytes) == file)
            let (same, changed) = file.editing([])
            #expect(same.bytes == bytes && changed.isEmpty, "an empty edit is byte-identical")
        }
        #expect(parsed >= Self.count * 9 / 10, "most generated files are readable (\(parsed))")
    }

    @Test("OpenJDK reads every generated file exactly as PropertiesFile does (maps, and malformed \\u errors)")
    func javaOracle() throws {
        let files = Self.files(seed: 7, count: Self.count)
        let java = try JavaOracle.load(files)
        var errors = 0
        for (index, (bytes, javaOutcome)) in zip(files, java).enumerated() {
            let ours = outcome(of: bytes)
            if case .error = ours { errors += 1 }
            #expect(ours == javaOutcome, "file \(index): \(show(bytes))\n ours: \(ours)\n java: \(javaOutcome)")
        }
        #expect(errors > 0, "the generator exercises malformed escapes too")
    }

    @Test("The generator covers the tricky shapes")
    func coverage() {
        func contains(_ file: [UInt8], _ needle: [UInt8]) -> Bool {
            file.count >= needle.count && (0...(file.count - needle.count)).contains { Array(file[$0..<($0 + needle.count)]) == needle }
        }
        let shapes: [(String, ([UInt8]) -> Bool)] = [
            ("CRLF", { contains($0, [0x0D, 0x0A]) }),
            ("lone CR", { file in file.indices.contains { file[$0] == 0x0D && ($0 + 1 == file.count || file[$0 + 1] != 0x0A) } }),
            ("continuation", { contains($0, [0x5C, 0x0A]) || contains($0, [0x5C, 0x0D]) }),
            ("backslash-only line", { contains($0, [0x0A, 0x5C, 0x0A]) }),
            ("`\\u` escape", { contains($0, [0x5C, 0x75]) }),
            ("comment", { contains($0, [0x0A, 0x23]) || contains($0, [0x0A, 0x21]) }),
            ("raw Latin-1", { $0.contains { $0 >= 0x80 } }),
            ("no final newline", { ($0.last ?? 0x0A) != 0x0A && ($0.last ?? 0x0A) != 0x0D }),
            ("dangling backslash at EOF", { $0.last == 0x5C }),
        ]
        let files = Self.files(seed: 7, count: Self.count)
        for (shape, test) in shapes {
            let hits = files.filter(test).count
            #expect(hits >= 30, "\(shape) appears in only \(hits) of \(files.count) files")
        }
    }
}
