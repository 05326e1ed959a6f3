/// An IPv4 CIDR range (`10.64.0.0/18`) and address arithmetic for allocation.
struct IPv4Range: Sendable, Equatable {
    var base: UInt32
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let prefix = Int(parts[1]), (8...29).contains(prefix), let base = IPv4Range.address(String(parts[0])) else {
            return nil
        }
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << UInt32(32 - prefix)
        guard base & ~mask == 0 else { return nil }
        self.base = base
        self.prefix = prefix
    }

    var size: UInt32 { UInt32(1) << UInt32(32 - prefix) }

    func contains(_ address: String) -> Bool {
        guard let a = IPv4Range.address(address) else { return false }
        return a >= base && a < base &+ size
    }

    func overlaps(_ other: IPv4Range) -> Bool {
        base < other.base &+ other.size && other.base < base &+ size
    }

    /// The first address from `.2` on (GCP reserves the network, gateway and the last two) not in `used`.
    func firstFree(excluding used: Set<String>) -> String? {
        guard size > 4 else { return nil }
        for offset in UInt32(2)..<(size - 2) {
            let candidate = IPv4Range.text(base + offset)
            if !used.contains(candidate) { return candidate }
        }
        return nil
    }

    static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt32($0) }
        guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else { return nil }
        return octets.reduce(0) { $0 << 8 | $1 }
    }

    static func text(_ value: UInt32) -> String {
        "\(value >> 24 & 255).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }
}
