import Manifests
import ReconcileModel
import Testing

@Suite("Hostile input gets an error, never a crash or a hang")
struct HostileInputTests {
    @Test("Billion laughs")
    func aliasBomb() {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...9 {
            let prev = level == 1 ? "a" : "l\(level - 1)"
            text += "l\(level): &l\(level) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
        }
        let result = load([("bomb.yaml", text)])
        #expect(result.diagnostics.contains { $0.description.hasPrefix("bomb.yaml:") && $0.message.contains("alias") }, "\(result.diagnostics)")
    }

    @Test("Deep nesting")
    func deepNesting() {
        let result = load([("deep.yaml", String(repeating: "[", count: 50_000))])
        #expect(result.diagnostics.hasErrors)
    }

    @Test("Binary, non-UTF-8 and huge files")
    func binaryAndEncoding() {
        let result = ManifestLoader.load(files: [
            ("nul.yaml", [0x61, 0x3A, 0x20, 0x00, 0x62]),
            ("latin1.yaml", Array("name: caf".utf8) + [0xE9, 0x0A]),
            ("huge.yaml", Array(repeating: 0x20, count: 5 << 20)),
        ])
        let byFile = Dictionary(grouping: result.diagnostics, by: { $0.location?.file ?? "" })
        #expect(byFile["nul.yaml"]?.first?.location?.line == 1)
        #expect(byFile["latin1.yaml"]?.first?.message.contains("UTF-8") == true)
        #expect(byFile["huge.yaml"]?.first?.message.contains("larger") == true)
    }

    @Test("Every single-byte truncation of a valid manifest fails cleanly or loads", arguments: [0, 1])
    func truncations(seed: Int) {
        let text = Array(validCluster.utf8)
        var cut = seed
        while cut < text.count {
            _ = ManifestLoader.load(files: [("t.yaml", Array(text[..<cut]))])
            cut += 7
        }
    }
}
