/// A resource's provisioning state as the emulator drives it.
enum ProvisioningState: String, Sendable {
    case creating = "Creating"
    case updating = "Updating"
    case deleting = "Deleting"
    case succeeded = "Succeeded"
    case failed = "Failed"

    var isTerminal: Bool { self == .succeeded || self == .failed }
}

/// One stored top-level resource (or resource group).
///
/// `body` is the last accepted PUT body with server-set fields added (ids, etags, allocated addresses) and
/// secrets removed; cross-resource read-only fields are computed at read time by the kind's `render`.
/// `attached` holds server-managed state a PUT must not replace (a PLS's private endpoint connections).
struct StoredResource: Sendable {
    var id: ResourceID
    var body: JSON
    var state: ProvisioningState
    /// The running LRO holding this resource, if any.
    var operationID: String?
    var attached: [String: JSON] = [:]
    /// Creation order, for stable list order.
    var sequence: Int
}

/// Everything the emulator knows, guarded by one lock in ``ArmService``.
struct World: Sendable {
    /// Keyed by ``ResourceID/key`` of top-level resources and resource groups.
    var resources = ResourceTable()
    var operations: [String: Operation] = [:]
    var issuedTokens: Set<String> = []
    var nextSequence = 0
    /// Bumped on every change that can affect the data path (forwarding is recomputed when it moves).
    var revision = 0
    /// Bumped by what a GET can change: an operation advanced by a poll or by a GET of the resource it changes, a
    /// token issued by the metadata endpoint. A read that bumped it is run again under the world's lock.
    var readEffects = 0

    func resource(_ id: ResourceID) -> StoredResource? { resources[id.parent.key] }

    func group(_ subscription: String, _ name: String) -> StoredResource? {
        resources[ResourceID.group(subscription, name).key]
    }

    /// Top-level resources of `namespace/type`, optionally within one subscription and group, in creation order.
    func all(_ namespace: String, _ type: String, subscription: String? = nil, group: String? = nil) -> [StoredResource] {
        resources.ofType(namespace, type).filter {
            (subscription == nil || $0.id.subscription.sameID(subscription)) && (group == nil || $0.id.resourceGroup.sameID(group))
        }
    }

    /// The JSON of a referenced resource or inline child (`…/loadBalancers/lb/backendAddressPools/pool1`), if it exists.
    func lookup(_ reference: String) -> JSON? {
        guard let id = ResourceID(parsing: reference), let stored = resource(id) else { return nil }
        guard let childType = id.childType, let childName = id.childName else { return stored.body }
        let items = stored.body["properties"]?[childType]?.arrayValue ?? []
        return items.first { $0["name"]?.stringValue?.lowercased() == childName.lowercased() }
    }

    mutating func takeSequence() -> Int {
        nextSequence += 1
        return nextSequence
    }
}

extension String {
    /// Case-insensitive equality, as ARM compares IDs and names (ASCII, which ids are), without building lowercased
    /// copies: the emulator compares ids for every resource it renders.
    func sameID(_ other: String?) -> Bool {
        guard let other else { return false }
        var a = utf8.makeIterator(), b = other.utf8.makeIterator()
        while true {
            switch (a.next(), b.next()) {
            case (nil, nil): return true
            case (let x?, let y?):
                if x == y { continue }
                let lx = (0x41...0x5A).contains(x) ? x | 0x20 : x, ly = (0x41...0x5A).contains(y) ? y | 0x20 : y
                if lx != ly { return false }
            default: return false
            }
        }
    }
}

/// The world's resources by key, with an index by type: rendering a load balancer, a NIC or a network looks up the
/// resources of another type that refer to it, and scanning every resource for each GET made the emulator's CPU
/// grow with the square of what it holds (`Benchmarks/clusters-dry-run`, 20 clusters).
struct ResourceTable: Sendable {
    private var byKey: [String: StoredResource] = [:]
    /// `namespace/type` of the id, lowercased (a resource group, which has neither: `/`) -> keys.
    private var byType: [String: Set<String>] = [:]

    subscript(key: String) -> StoredResource? {
        get { byKey[key] }
        set {
            if let old = byKey[key] { byType[Self.typeKey(old.id), default: []].remove(key) }
            byKey[key] = newValue
            if let newValue { byType[Self.typeKey(newValue.id), default: []].insert(key) }
        }
    }

    var values: Dictionary<String, StoredResource>.Values { byKey.values }

    /// The top-level resources of `namespace/type` (case-insensitive), in creation order.
    func ofType(_ namespace: String, _ type: String) -> [StoredResource] {
        (byType["\(namespace)/\(type)".lowercased()] ?? []).compactMap { byKey[$0] }.sorted { $0.sequence < $1.sequence }
    }

    private static func typeKey(_ id: ResourceID) -> String { "\(id.namespace ?? "")/\(id.type ?? "")".lowercased() }
}
