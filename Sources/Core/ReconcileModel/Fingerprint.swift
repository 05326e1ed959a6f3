extension Value {
    /// A stable 64-bit FNV-1a fingerprint of the canonical text, as 16 hex digits. It detects change between
    /// two applies; it is not a security hash.
    public var fingerprint: String { Fingerprint.of(description) }
}

public enum Fingerprint {
    public static func of(_ text: String) -> String { of(chunks: [Array(text.utf8)]) }

    /// One fingerprint of several byte strings, each followed by a separator byte (so `["ab", "c"]` and
    /// `["a", "bc"]` differ).
    public static func of(chunks: [[UInt8]]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (index, chunk) in chunks.enumerated() {
            if index > 0 {
                hash ^= 0xff
                hash = hash &* 0x0000_0100_0000_01b3
            }
            for byte in chunk {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
