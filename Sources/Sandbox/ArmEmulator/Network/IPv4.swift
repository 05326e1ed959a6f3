/// IPv4 addresses and CIDR prefixes, as subnets and allocations need them.
struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    var value: UInt32

    init(_ value: UInt32) { self.value = value }

    /// Parses dotted quad notation; nil for anything else.
    init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isNumber), let octet = UInt32(part), octet <= 255 else {
                return nil
            }
            value = value << 8 | octet
        }
        self.value = value
    }

    var description: String { "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)" }

    static func < (lhs: IPv4Address, rhs: IPv4Address) -> Bool { lhs.value < rhs.value }
}

/// A CIDR block such as `10.0.0.0/24`.
struct IPv4Prefix: Sendable, Hashable, CustomStringConvertible {
    var network: IPv4Address
    var length: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let address = IPv4Address(String(parts[0])), let length = Int(parts[1]), (0...32).contains(length)
        else { return nil }
        self.length = length
        network = IPv4Address(address.value & Self.mask(length))
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    var first: IPv4Address { network }
    var last: IPv4Address { IPv4Address(network.value | ~Self.mask(length)) }
    var description: String { "\(network)/\(length)" }

    func contains(_ address: IPv4Address) -> Bool { address.value & Self.mask(length) == network.value }
    func contains(_ other: IPv4Prefix) -> Bool { other.length >= length && contains(other.network) }
    func overlaps(_ other: IPv4Prefix) -> Bool { contains(other.network) || other.contains(network) }

    /// Azure reserves the network address, .1-.3 and the broadcast address of every subnet.
    func isReserved(_ address: IPv4Address) -> Bool {
        address.value < network.value + 4 || address == last
    }

    /// The lowest usable address (from network + 4) not in `used`.
    func firstFree(excluding used: Set<IPv4Address>) -> IPv4Address? {
        guard length <= 29 else { return nil }
        var candidate = network.value + 4
        while candidate < last.value {
            if !used.contains(IPv4Address(candidate)) { return IPv4Address(candidate) }
            candidate += 1
        }
        return nil
    }
}
