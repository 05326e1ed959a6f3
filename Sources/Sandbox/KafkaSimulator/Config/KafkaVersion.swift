/// A Kafka release (`3.7.1`), which decides the API version ranges the simulator advertises and the
/// version-specific start-up checks it applies (kafka.md §1.10, §6).
public struct KafkaVersion: Sendable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int = 0) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public init(parsing text: String) throws {
        let parts = text.trimmingWhitespace.split(separator: ".").map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw ConfigError("simulator.kafka.version must look like 3.7.1, got '\(text)'")
        }
        self.init(parts[0]!, parts[1]!, parts.count == 3 ? parts[2]! : 0)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (lhs: KafkaVersion, rhs: KafkaVersion) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }
}

/// Which versions of each API a broker of a given release offers, per listener kind.
public struct ApiVersionTable: Sendable, Equatable {
    public var ranges: [Int16: ClosedRange<Int16>]

    public init(ranges: [Int16: ClosedRange<Int16>]) { self.ranges = ranges }

    /// The ranges of `version` for a broker listener (`controller` false) or a controller listener.
    /// `overrides` (`simulator.api.versions`) replace single entries; an empty range removes the API.
    public static func forVersion(
        _ version: KafkaVersion, controller: Bool, overrides: [Int16: ClosedRange<Int16>?] = [:]
    ) -> ApiVersionTable {
        var ranges: [Int16: ClosedRange<Int16>] = [:]
        let v = version
        ranges[ApiKey.apiVersions.rawValue] = v >= KafkaVersion(3, 9) ? 0...4 : v >= KafkaVersion(2, 4) ? 0...3 : 0...2
        if v >= KafkaVersion(2, 8) {
            ranges[ApiKey.describeQuorum.rawValue] =
                v >= KafkaVersion(3, 9) ? 0...2 : v >= KafkaVersion(3, 3) ? 0...1 : 0...0
        }
        if !controller || v >= KafkaVersion(3, 7) {
            if v >= KafkaVersion(2, 8) {
                ranges[ApiKey.describeCluster.rawValue] =
                    v >= KafkaVersion(4, 0) ? 0...2 : v >= KafkaVersion(3, 7) ? 0...1 : 0...0
            }
        }
        if !controller {
            ranges[ApiKey.metadata.rawValue] = v >= KafkaVersion(4, 0) ? 4...13 : 0...12
            ranges[ApiKey.describeConfigs.rawValue] = v >= KafkaVersion(4, 0) ? 1...4 : 0...4
            // 3.8 added v5 (KIP-890), 4.0 v6 (share groups) and dropped v0 (KIP-896): the versions kafka-proxy
            // v0.3.11 cannot rewrite past v4.
            ranges[ApiKey.findCoordinator.rawValue] = v >= KafkaVersion(4, 0) ? 1...6 : v >= KafkaVersion(3, 8) ? 0...5 : 0...4
        }
        for (key, range) in overrides {
            if let range { ranges[key] = range } else { ranges[key] = nil }
        }
        return ApiVersionTable(ranges: ranges)
    }

    /// The versions the simulator can encode at all, whatever a table claims.
    public static let implemented: [Int16: ClosedRange<Int16>] = [
        ApiKey.metadata.rawValue: 0...13, ApiKey.findCoordinator.rawValue: 0...6, ApiKey.apiVersions.rawValue: 0...4, ApiKey.describeConfigs.rawValue: 0...4,
        ApiKey.describeQuorum.rawValue: 0...2, ApiKey.describeCluster.rawValue: 0...2,
    ]

    public func supports(_ key: Int16, _ version: Int16) -> Bool {
        ranges[key]?.contains(version) ?? false
    }

    /// Sorted by key, as Kafka lists them.
    public var sorted: [(key: Int16, range: ClosedRange<Int16>)] {
        ranges.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
