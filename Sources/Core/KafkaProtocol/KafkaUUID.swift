/// A Kafka `UUID`: 16 raw bytes on the wire, printed as lowercase 8-4-4-4-12 hex.
///
/// Kafka's own `Uuid.toString()` prints base64; this type prints the RFC 4122 form, which is what the reference
/// documentation and most tools show next to topic ids.
public struct KafkaUUID: Hashable, Sendable, Comparable {
    /// The first 8 bytes, big-endian.
    public var high: UInt64
    /// The last 8 bytes, big-endian.
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The all-zero id Kafka uses for "no topic id".
    public static let zero = KafkaUUID(high: 0, low: 0)

    /// Parses 32 hex digits, with or without the four dashes of the 8-4-4-4-12 form.
    public init?(_ text: String) {
        let digits = text.utf8.filter { $0 != UInt8(ascii: "-") }
        guard digits.count == 32 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, digit) in digits.enumerated() {
            guard let nibble = Self.nibble(digit) else { return nil }
            if index < 16 { high = high << 4 | UInt64(nibble) } else { low = low << 4 | UInt64(nibble) }
        }
        self.init(high: high, low: low)
    }

    /// The 16 wire bytes.
    public var bytes: [UInt8] {
        (0..<16).map { index in
            let word = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: word >> (8 * UInt64(7 - index % 8)))
        }
    }

    public static func < (lhs: KafkaUUID, rhs: KafkaUUID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension KafkaUUID: CustomStringConvertible {
    public var description: String {
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]], as: UTF8.self)
        }
        return [0..<4, 4..<6, 6..<8, 8..<10, 10..<16].map { hex[$0].joined() }.joined(separator: "-")
    }
}
