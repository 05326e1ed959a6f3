/// A topic the simulated cluster has, from `simulator.topics` (`name:partitions:replication[:minISR]`, comma
/// separated; default `test-topic:3:3`, the runbook's topic).
public struct TopicSpec: Sendable, Equatable {
    public var name: String
    public var partitions: Int
    public var replicationFactor: Int
    /// A per-topic `min.insync.replicas` (ConfigSource 1); nil uses the broker's.
    public var minInsyncReplicas: Int?

    public init(name: String, partitions: Int, replicationFactor: Int, minInsyncReplicas: Int? = nil) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.minInsyncReplicas = minInsyncReplicas
    }

    public static let defaultValue = "test-topic:3:3"

    public static func parseList(_ value: String?) throws -> [TopicSpec] {
        var seen: Set<String> = []
        return try ConfigList.split(value ?? defaultValue).map { item in
            let fields = item.split(separator: ":", omittingEmptySubsequences: false).map {
                String($0).trimmingWhitespace
            }
            let legal = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
            guard (3...4).contains(fields.count), !fields[0].isEmpty, fields[0].count <= 249,
                fields[0].allSatisfy(legal.contains), fields[0] != ".", fields[0] != "..",
                let partitions = Int(fields[1]), (1...10_000).contains(partitions),
                let replication = Int(fields[2]), (1...100).contains(replication)
            else { throw ConfigError("simulator.topics: '\(item)' is not name:partitions:replication[:minISR]") }
            var minISR: Int?
            if fields.count == 4 {
                guard let value = Int(fields[3]), value >= 1 else {
                    throw ConfigError("simulator.topics: bad min.insync.replicas in '\(item)'")
                }
                minISR = value
            }
            guard seen.insert(fields[0]).inserted else { throw ConfigError("simulator.topics: '\(fields[0])' twice") }
            return TopicSpec(
                name: fields[0], partitions: partitions, replicationFactor: replication, minInsyncReplicas: minISR)
        }
    }

    /// A stable, non-zero topic id derived from the name (FNV-1a, 128 bits from two 64-bit lanes).
    public var topicId: [UInt8] { Self.stableId("topic:" + name) }

    public static func stableId(_ text: String) -> [UInt8] {
        func fnv(_ seed: UInt64) -> UInt64 {
            var hash: UInt64 = seed
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
            return hash
        }
        var bytes: [UInt8] = []
        for lane in [fnv(0xcbf2_9ce4_8422_2325), fnv(0x84222325_cbf29ce4)] {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: lane >> UInt64(shift)))
            }
        }
        bytes[6] = bytes[6] & 0x0F | 0x40  // a version-4-shaped UUID
        bytes[8] = bytes[8] & 0x3F | 0x80
        return bytes
    }
}

/// `simulator.misbehave` switches (comma separated).
public enum Misbehaviour: Sendable, Equatable, CustomStringConvertible {
    /// The process starts and binds its listeners but never registers (never unfenced).
    case neverComeBack
    /// Does not bind or register this listener.
    case noListener(String)
    /// Unfences but never rejoins any ISR.
    case stayUnderReplicated
    /// While this node is alive the quorum reports no leader (LeaderId -1), from every broker.
    case loseQuorum

    public static func parseList(_ value: String?) throws -> [Misbehaviour] {
        try ConfigList.split(value).map { item in
            switch item.lowercased() {
            case "never-come-back": return .neverComeBack
            case "stay-under-replicated": return .stayUnderReplicated
            case "lose-quorum": return .loseQuorum
            case let other where other.hasPrefix("no-listener:") && other.count > "no-listener:".count:
                return .noListener(String(item.dropFirst("no-listener:".count)).uppercased())
            default:
                throw ConfigError(
                    "simulator.misbehave: unknown '\(item)' (never-come-back, no-listener:NAME, stay-under-replicated, lose-quorum)"
                )
            }
        }
    }

    public var description: String {
        switch self {
        case .neverComeBack: "never-come-back"
        case .noListener(let name): "no-listener:\(name)"
        case .stayUnderReplicated: "stay-under-replicated"
        case .loseQuorum: "lose-quorum"
        }
    }
}
