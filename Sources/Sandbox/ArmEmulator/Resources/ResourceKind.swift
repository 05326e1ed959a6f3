/// The behaviour of one resource type (`Microsoft.Network/loadBalancers`, …).
///
/// The generic handler does what every tracked resource shares (location rules, `id`/`name`/`type`/`etag`,
/// child IDs, provisioning state, the LRO); a kind adds its own validation, server-set fields,
/// cross-resource read-only fields, delete checks and side effects.
protocol ResourceKind: Sendable {
    var namespace: String { get }
    var type: String { get }
    /// Inline child collections under `properties` that get server-set `id`/`etag`/`type` (`subnets`, `probes`, …).
    var childCollections: [String] { get }
    /// Child collections that are also addressable for PUT/DELETE as sub-resources (`subnets`).
    var writableChildren: [String] { get }
    /// Whether the kind belongs to Microsoft.Compute (its LRO and conflict conventions differ).
    var isCompute: Bool { get }

    /// Checks `body` and adds server-set fields, given the previous version (nil on create).
    /// Runs before anything is stored; must not change the world.
    func prepare(_ body: inout JSON, _ context: WriteContext) throws(ArmError)

    /// Adds read-only fields computed from other resources.
    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World)

    /// An error when the resource may not be deleted now (something uses it).
    func deleteBlocker(_ resource: StoredResource, _ world: World) -> ArmError?

    /// Side effects of an accepted PUT (after storing).
    func didWrite(_ id: ResourceID, _ world: inout World)

    /// Side effects once a DELETE completed (after removal).
    func didDelete(_ resource: StoredResource, _ world: inout World)

    /// An error when the writable child `childType/name` may not be deleted now.
    func deleteChildBlocker(_ childType: String, _ name: String, _ resource: StoredResource, _ world: World) -> ArmError?
}

extension ResourceKind {
    var childCollections: [String] { [] }
    var writableChildren: [String] { [] }
    var isCompute: Bool { false }
    func render(_ body: inout JSON, _ resource: StoredResource, _ world: World) {}
    func deleteBlocker(_ resource: StoredResource, _ world: World) -> ArmError? { nil }
    func didWrite(_ id: ResourceID, _ world: inout World) {}
    func didDelete(_ resource: StoredResource, _ world: inout World) {}
    func deleteChildBlocker(_ childType: String, _ name: String, _ resource: StoredResource, _ world: World) -> ArmError? {
        nil
    }

    var fullType: String { "\(namespace)/\(type)" }
}

/// What ``ResourceKind/prepare(_:_:)`` may consult.
struct WriteContext: Sendable {
    var id: ResourceID
    var previous: StoredResource?
    var world: World
    var configuration: ArmEmulator.Configuration

    /// The JSON of a reference target, or an `InvalidResourceReference` error naming `id`.
    func require(_ reference: JSON?, field: String) throws(ArmError) -> (id: String, value: JSON) {
        guard let referenceID = reference?.referenceID else {
            throw ArmError.invalidFormat("MissingJsonReferenceId", "Value for reference id is missing. Path \(field).", target: field)
        }
        guard let value = world.lookup(referenceID) else {
            throw ArmError.invalidReference(referenceID, by: id.canonical)
        }
        return (referenceID, value)
    }
}

/// Every kind the emulator serves, by lowercased `namespace/type`.
enum ResourceKinds {
    static let all: [any ResourceKind] = [
        VirtualNetworkKind(), NetworkSecurityGroupKind(), NetworkInterfaceKind(), LoadBalancerKind(),
        PrivateLinkServiceKind(), PrivateEndpointKind(), VirtualMachineKind(),
    ]

    static let byType: [String: any ResourceKind] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.fullType.lowercased(), $0) })

    static func kind(_ namespace: String, _ type: String) -> (any ResourceKind)? {
        byType["\(namespace)/\(type)".lowercased()]
    }

    /// Whether the namespace is one the emulator serves (for the `InvalidResourceNamespace` error).
    static func knows(namespace: String) -> Bool {
        all.contains { $0.namespace.lowercased() == namespace.lowercased() }
    }
}
