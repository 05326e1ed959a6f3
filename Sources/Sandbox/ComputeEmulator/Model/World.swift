import ArmEmulator
import Foundation

/// One stored resource: its body with references as relative paths (`projects/...`) and server fields kept.
struct StoredResource: Sendable {
    var path: ComputePath
    var body: JSON
    var sequence: Int
}

/// One operation: its body, how many more polls it stays unfinished, and the error it ends with.
struct StoredOperation: Sendable {
    var path: ComputePath
    var body: JSON
    var pollsLeft: Int
}

/// Everything the emulator holds. Mutated only under the service's lock, one request at a time.
struct World: Sendable {
    var resources: [String: StoredResource] = [:]
    var operations: [String: StoredOperation] = [:]
    /// `requestId` -> the operation key it started.
    var requestIDs: [String: String] = [:]
    var counter = 0
    /// Instances a managed instance group created: instance path -> group manager path.
    var managed: [String: String] = [:]
    /// The template each managed instance was created from.
    var createdFrom: [String: String] = [:]
    /// Bumped by every successful mutation (the forwarding refresh compares it).
    var revision = 0

    mutating func next() -> Int {
        counter += 1
        return counter
    }

    subscript(_ path: String) -> StoredResource? {
        get { resources[ComputePath.relative(path)] }
        set { resources[ComputePath.relative(path)] = newValue }
    }

    func all(_ collection: String) -> [StoredResource] {
        resources.values.filter { $0.path.collection == collection }.sorted { $0.sequence < $1.sequence }
    }

    /// A deterministic unsigned 64-bit id, as a string (Compute's int64/uint64 are JSON strings).
    func id(_ sequence: Int) -> String { String(4_000_000_000_000_000_000 + UInt64(sequence) * 7_919) }

    /// A fresh fingerprint (base64 of 8 bytes), different from every earlier one.
    mutating func fingerprint() -> String {
        let n = UInt64(next()) &* 0x9E37_79B9_7F4A_7C15
        return Data(withUnsafeBytes(of: n.bigEndian) { Array($0) }).base64EncodedString()
    }
}

/// The collections the emulator serves, with Compute's `kind` and their rules.
enum Collection {
    static let kinds: [String: String] = [
        "networks": "compute#network", "subnetworks": "compute#subnetwork", "firewalls": "compute#firewall",
        "instances": "compute#instance", "networkEndpointGroups": "compute#networkEndpointGroup",
        "backendServices": "compute#backendService", "healthChecks": "compute#healthCheck",
        "forwardingRules": "compute#forwardingRule", "serviceAttachments": "compute#serviceAttachment",
        "instanceTemplates": "compute#instanceTemplate", "instanceGroupManagers": "compute#instanceGroupManager",
        "instanceGroups": "compute#instanceGroup",
    ]

    /// Where each collection lives (global, regional, zonal).
    static func allowed(_ collection: String, in scope: ComputePath.Scope) -> Bool {
        switch (collection, scope) {
        case ("networks", .global), ("firewalls", .global), ("instanceTemplates", .global): true
        case ("subnetworks", .region), ("networkEndpointGroups", .region), ("backendServices", .region), ("healthChecks", .region),
            ("forwardingRules", .region), ("serviceAttachments", .region), ("instanceTemplates", .region):
            true
        case ("instances", .zone), ("instanceGroupManagers", .zone), ("instanceGroups", .zone): true
        default: false
        }
    }

    /// Collections with an `aggregatedList` (`projects/P/aggregated/COLLECTION`) in Compute v1. Regional NEGs have
    /// none (Compute's aggregated NEG list holds zonal ones, which the emulator does not serve).
    static let aggregated: Set<String> = [
        "instances", "forwardingRules", "subnetworks", "serviceAttachments", "instanceGroupManagers", "instanceTemplates",
        "backendServices", "healthChecks",
    ]

    /// PATCH must carry the current `fingerprint` (412 `conditionNotMet` otherwise).
    static let fingerprinted: Set<String> = ["subnetworks", "backendServices", "serviceAttachments", "instanceGroupManagers"]
    /// Types whose labels change through `setLabels` with `labelFingerprint`.
    static let labelled: Set<String> = ["instances", "forwardingRules"]
    /// Immutable types: no PATCH at all.
    static let immutable: Set<String> = ["networkEndpointGroups", "instanceTemplates", "instances"]
    /// Fields a PATCH may change, per type (nil: any non-output field).
    static let patchable: [String: Set<String>] = [
        "networks": ["routingConfig", "mtu"],
        "subnetworks": ["description", "privateIpGoogleAccess", "secondaryIpRanges", "logConfig", "fingerprint", "stackType"],
        "forwardingRules": ["networkTier", "allowGlobalAccess", "fingerprint"],
    ]

    /// Body fields that name other resources; stored as relative paths, served as full URLs.
    static let referenceKeys: Set<String> = [
        "network", "subnetwork", "backendService", "targetService", "target", "group", "instance", "natSubnets", "healthChecks",
        "instanceTemplate", "machineType", "region", "zone", "endpoint", "consumerNetwork", "source",
    ]

    /// Fields only the server sets (rejected or ignored in requests, as Compute ignores most of them).
    static let serverFields: Set<String> = [
        "id", "kind", "selfLink", "creationTimestamp", "fingerprint", "labelFingerprint", "status", "size", "connectedEndpoints",
        "pscServiceAttachmentId", "selfLinkWithId", "gatewayAddress", "pscConnectionId", "pscConnectionStatus", "region", "zone",
        "instanceGroup", "currentActions",
    ]

    /// Collections only the server creates (a managed group's instance group): GET and list only.
    static let serverOwned: Set<String> = ["instanceGroups"]
}
