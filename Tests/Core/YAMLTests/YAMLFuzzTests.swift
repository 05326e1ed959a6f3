import Testing
import YAML

/// Deterministic mutation fuzzing: mangled YAML must give a result or a positioned error, never a crash.
/// (A 300k-iteration run of the same loop in release mode passed during development in ~4 s.)
@Suite("YAMLParser: mutated input")
struct YAMLFuzzTests {
    /// SplitMix64, so the run is reproducible.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static let seeds = [
        "a: &x [1, {b: *x}]\n",
        "- !!int 3\n- ? [a]\n  : |\n    t\n",
        "k: \"\\u00e9\\x41\"\n---\n- *a\n",
        "%YAML 1.2\n%TAG !e! tag:e.com:\n--- !e!x {a: b}\n...\n",
        "a:\n  - b\n  -\n    c: d\n",
        "{[a]: [b], ? c : d}",
    ]
    static let alphabet: [UInt8] =
        Array("[]{}:-?,&*!|>'\"#%@` \n\t\r\\abc019.~<=".utf8) + [0xC3, 0xA9, 0xFF, 0xE2, 0x80, 0xA8, 0xEF, 0xBB, 0xBF, 0x85]

    @Test func mutatedInputNeverCrashes() {
        var random = Random(state: 42)
        for _ in 0..<3_000 {
            var bytes = Array(Self.seeds[random.next(Self.seeds.count)].utf8)
            for _ in 0...random.next(8) {
                let position = random.next(bytes.count + 1)
                let byte = Self.alphabet[random.next(Self.alphabet.count)]
                switch random.next(3) {
                case 0: bytes.insert(byte, at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: if position < bytes.count { bytes[position] = byte }
                }
            }
            if case .failure(let error) = YAMLParser.parse(bytes) {
                #expect(error.mark.line >= 1 && error.mark.column >= 1)
                #expect(!error.message.isEmpty)
            }
        }
    }
}
