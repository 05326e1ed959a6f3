/// What the reconciler manages for one cluster: the only basis on which it ever deletes anything.
public struct Inventory: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public enum Origin: String, Sendable, Hashable, Codable {
            /// The reconciler created it; removing it from the manifests deletes it.
            case created
            /// The manifests adopted an existing resource; removing it from the manifests only forgets it.
            case adopted
        }

        public var address: ResourceAddress
        public var cloudID: String?
        public var origin: Origin
        /// The managed properties as last applied: the planner compares the real resource with them to tell
        /// drift (changed outside the reconciler) from a manifest change.
        public var applied: Value?
        /// What deleting or changing it does to its users (kept so deletes are classified after the manifest
        /// entry is gone).
        public var disruption: Disruption
        /// Dependencies at the time of the last apply, so deletes can be ordered after the manifest is gone.
        public var dependsOn: [ResourceAddress]
        /// Where the manifests declared it when last applied, and its exposure's deletion policy then: what a
        /// plan goes by once the manifest is gone. Nil in inventories written before it was recorded.
        public var declaration: Declaration?

        public init(
            address: ResourceAddress,
            cloudID: String? = nil,
            origin: Origin,
            applied: Value? = nil,
            disruption: Disruption = .none,
            dependsOn: [ResourceAddress] = [],
            declaration: Declaration? = nil
        ) {
            self.declaration = declaration
            self.address = address
            self.cloudID = cloudID
            self.origin = origin
            self.applied = applied
            self.disruption = disruption
            self.dependsOn = dependsOn
        }
    }

    public static let currentVersion = 1
    public var version: Int
    public var cluster: String
    public var entries: [ResourceAddress: Entry]

    public init(cluster: String, entries: [Entry] = []) {
        self.version = Inventory.currentVersion
        self.cluster = cluster
        self.entries = Dictionary(entries.map { ($0.address, $0) }, uniquingKeysWith: { _, last in last })
    }

    public subscript(address: ResourceAddress) -> Entry? {
        get { entries[address] }
        set { entries[address] = newValue }
    }

    private enum CodingKeys: String, CodingKey { case version, cluster, entries }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decode(Int.self, forKey: .version)
        cluster = try c.decode(String.self, forKey: .cluster)
        let list = try c.decode([Entry].self, forKey: .entries)
        entries = Dictionary(list.map { ($0.address, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Entries are written sorted by address so the file diffs cleanly.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(cluster, forKey: .cluster)
        try c.encode(entries.values.sorted { $0.address < $1.address }, forKey: .entries)
    }
}
