/// The stable name of one managed thing, unique across all manifests.
///
/// Written `CLUSTER/TYPE/NAME`, e.g. `tidb-kafka/azure.loadBalancer/kafka-lb` or
/// `tidb-kafka/kafka.brokerConfig/1`. `TYPE` starts with the provider (`azure`, `gcp`, `kafka`).
public struct ResourceAddress: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var cluster: String
    public var type: String
    public var name: String

    public init(cluster: String, type: String, name: String) {
        self.cluster = cluster
        self.type = type
        self.name = name
    }

    /// Parses `CLUSTER/TYPE/NAME`; `nil` when the text does not have three non-empty segments.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        self.init(cluster: parts[0], type: parts[1], name: parts[2])
    }

    /// The provider prefix of `type`: `azure`, `gcp` or `kafka`.
    public var provider: String { String(type.prefix { $0 != "." }) }

    public var description: String { "\(cluster)/\(type)/\(name)" }

    /// The order of `description`. Addresses are sorted everywhere (the planner's graphs, observations, output), so
    /// this does not build the descriptions: when both are ASCII, as the manifests' names are, `String` order is
    /// byte order, walked over `CLUSTER/TYPE/NAME` in place; anything else compares the descriptions (`String`
    /// order normalises Unicode first).
    public static func < (a: ResourceAddress, b: ResourceAddress) -> Bool {
        guard a.isASCII, b.isASCII else { return a.description < b.description }
        var x = DescriptionBytes(a), y = DescriptionBytes(b)
        while true {
            switch (x.next(), y.next()) {
            case (let p?, let q?):
                if p != q { return p < q }
            case (nil, _?): return true
            case (_, nil): return false
            }
        }
    }

    private var isASCII: Bool {
        cluster.utf8.allSatisfy { $0 < 0x80 } && type.utf8.allSatisfy { $0 < 0x80 } && name.utf8.allSatisfy { $0 < 0x80 }
    }

    /// The UTF-8 of `description`, without building it.
    private struct DescriptionBytes {
        var cluster: String.UTF8View.Iterator
        var type: String.UTF8View.Iterator
        var name: String.UTF8View.Iterator
        var segment = 0

        init(_ address: ResourceAddress) {
            cluster = address.cluster.utf8.makeIterator()
            type = address.type.utf8.makeIterator()
            name = address.name.utf8.makeIterator()
        }

        mutating func next() -> UInt8? {
            switch segment {
            case 0:
                if let byte = cluster.next() { return byte }
                segment = 1
                return UInt8(ascii: "/")
            case 1:
                if let byte = type.next() { return byte }
                segment = 2
                return UInt8(ascii: "/")
            default:
                return name.next()
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = ResourceAddress(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad address \(text)"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    /// Whether a `--target` selector picks this address: the selector is a full address, or a prefix ending at
    /// a segment boundary (`tidb-kafka`, `tidb-kafka/azure.loadBalancer`), and `*` matches any one segment.
    public func matches(selector: String) -> Bool {
        let want = selector.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let have = [cluster, type, name]
        guard !want.isEmpty, want.count <= 3 else { return false }
        for (w, h) in zip(want, have) where w != "*" && w != h { return false }
        return true
    }
}
