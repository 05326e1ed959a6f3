/// A dotted-quad IPv4 address.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt32

    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for p in parts {
            guard !p.isEmpty, p.count <= 3, p.allSatisfy(\.isASCII), let n = UInt32(p), n <= 255,
                p == "0" || p.first != "0"
            else { return nil }
            v = v << 8 | n
        }
        value = v
    }

    public init(value: UInt32) { self.value = value }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}

/// An IPv4 network in CIDR notation; the address must be the network address (`10.0.0.0/24`, not `10.0.0.5/24`).
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public var network: IPv4Address
    public var prefix: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(String(parts[0])), let prefix = Int(parts[1]),
            (0...32).contains(prefix), parts[1].allSatisfy(\.isASCII)
        else { return nil }
        let mask: UInt32 = prefix == 0 ? 0 : UInt32.max << (32 - prefix)
        guard address.value & mask == address.value else { return nil }
        self.network = address
        self.prefix = prefix
    }

    /// Why `text` is not a CIDR, for error messages.
    public static func problem(_ text: String) -> String? {
        if CIDR(text) != nil { return nil }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let a = IPv4Address(String(parts[0])), let p = Int(parts[1]), (0...32).contains(p) {
            let mask: UInt32 = p == 0 ? 0 : UInt32.max << (32 - p)
            return "`\(text)` has host bits set; did you mean `\(IPv4Address(value: a.value & mask))/\(p)`?"
        }
        return "`\(text)` is not an IPv4 CIDR such as 10.0.0.0/24"
    }

    public var mask: UInt32 { prefix == 0 ? 0 : UInt32.max << (32 - prefix) }
    public var first: UInt32 { network.value }
    public var last: UInt32 { network.value | ~mask }

    public func contains(_ address: IPv4Address) -> Bool { address.value & mask == network.value }
    public func contains(_ other: CIDR) -> Bool { other.prefix >= prefix && contains(other.network) }
    public func overlaps(_ other: CIDR) -> Bool { first <= other.last && other.first <= last }

    public var description: String { "\(network)/\(prefix)" }
}
