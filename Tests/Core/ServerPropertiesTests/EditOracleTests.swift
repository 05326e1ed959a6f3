@testable import ServerProperties
import Testing
import TestSupport

/// Random edits of generated files, checked by OpenJDK: the edited file reads as the original with exactly the
/// intended keys changed, untouched entries keep their bytes in order, and editing again is a no-op.
@Suite("Edited files: the OpenJDK oracle")
struct EditOracleTests {
    static let newKeys = [
        "EXTERNAL.key", "new.key", "a b", "#hash", "!bang", "k=1", "c:d", "tab\tkey", "\u{E9}", "☕", "𝄞", "", "\\", " lead",
        "listeners", "a", "k",
    ]
    static let newValues = [
        "x", "", " lead", "trail ", "a\\b", "#c", "!d", "=e", ":f", "l1\nl2", "t\tb", "cr\rx", "ff\u{0C}", "\u{E9}", "☕ 𝄞",
        "e\u{301}", "\u{0}", "\u{7F}", "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:39092", "back\\", "\\", "  ",
    ]
    /// Files whose end needs care when appending or removing.
    static let edgeFiles = [
        "k=v\\", "\\", "a=1\n\\\n", "a=1\n\\\r\n", "k=a\\\r", "# c", "   ", "a=1\n\nb=2", "\\\n  ", "a=1\rb=2\r\n", "",
        "k=1\nk=2\nk=3", "a=1\n# BEGIN reconcile managed settings\nb=2\n",
    ]

    struct Case {
        var original: PropertiesFile
        var set: [(key: String, value: String?)]
        var edited: PropertiesFile
        var changed: [String]
    }

    static func cases() -> [Case] {
        var generator = FileGenerator(seed: 2024)
        var rng = SplitMix64(state: 99)
        var originals = edgeFiles.compactMap { try? PropertiesFile(bytes: latin1($0)) }
        while originals.count < 1_500 {
            if let file = try? PropertiesFile(bytes: generator.file()) { originals.append(file) }
        }
        return originals.map { original in
            var set: [(key: String, value: String?)] = []
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                let existing = original.keys
                let key =
                    !existing.isEmpty && Bool.random(using: &rng)
                    ? existing[Int.random(in: 0..<existing.count, using: &rng)]
                    : newKeys[Int.random(in: 0..<newKeys.count, using: &rng)]
                let roll = Int.random(in: 0..<10, using: &rng)
                let value: String? =
                    roll < 2 ? nil : roll < 4 ? (original[key] ?? "same") : newValues[Int.random(in: 0..<newValues.count, using: &rng)]
                set.append((key, value))
            }
            let (edited, changed) = original.editing(set)
            return Case(original: original, set: set, edited: edited, changed: changed)
        }
    }

    @Test("OpenJDK reads each edited file as the original with exactly the intended keys changed")
    func javaOracle() throws {
        let cases = Self.cases()
        let java = try JavaOracle.load(cases.map(\.original.bytes) + cases.map(\.edited.bytes))
        for (index, c) in cases.enumerated() {
            let context = "case \(index): \(show(c.original.bytes)) set \(c.set)\n edited: \(show(c.edited.bytes))"
            guard case .map(let before) = java[index], case .map(let after) = java[cases.count + index] else {
                Issue.record("Java could not read \(context)")
                continue
            }
            var expected = before
            for (key, value) in c.set { expected[hex(key)] = value.map(hex) }
            #expect(after == expected, "\(context)\n java: \(JavaOracle.Outcome.map(after))")
            #expect(hexMap(c.edited.values) == after, "PropertiesFile reads the edited file as Java does: \(context)")

            var seen: Set<String> = []
            let intended = c.set.map(\.key).filter { seen.insert(hex($0)).inserted && before[hex($0)] != expected[hex($0)] }
            #expect(c.changed == intended, "\(context)")
        }
    }

    @Test("Untouched entries keep their bytes and order; a deduplicated second edit is byte-identical")
    func preservation() throws {
        for (index, c) in Self.cases().enumerated() {
            let context = "case \(index): \(show(c.original.bytes)) set \(c.set)\n edited: \(show(c.edited.bytes))"
            let touched = Set(c.set.map { ExactKey($0.key) })
            var position = 0
            let bytes = c.edited.bytes
            for entry in c.original.entries where !(entry.key.map { touched.contains(ExactKey($0)) } ?? false) {
                // The last entry may gain or lose its final terminator (final-newline state, block append).
                var needle = entry.bytes
                while let last = needle.last, last == 0x0A || last == 0x0D { needle.removeLast() }
                guard !needle.isEmpty else { continue }
                guard let found = find(needle, in: bytes, from: position) else {
                    if entry == c.original.entries.last, entry.key == "" { continue }  // Java's EOF quirk, rewritten
                    Issue.record("entry \(show(entry.bytes)) lost or moved: \(context)")
                    break
                }
                position = found + needle.count
            }
            if c.changed.isEmpty && Set(c.set.map { ExactKey($0.key) }).count == c.set.count {
                #expect(c.edited.bytes == c.original.bytes, "no change, no new bytes: \(context)")
            }
            var last: [ExactKey: (key: String, value: String?)] = [:]
            var order: [ExactKey] = []
            for (key, value) in c.set {
                if last[ExactKey(key)] == nil { order.append(ExactKey(key)) }
                last[ExactKey(key)] = (key, value)
            }
            let again = c.edited.editing(order.compactMap { last[$0] })
            #expect(again.file.bytes == c.edited.bytes && again.changedKeys.isEmpty, "idempotent: \(context)")
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count - start else { return nil }
        return (start...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
