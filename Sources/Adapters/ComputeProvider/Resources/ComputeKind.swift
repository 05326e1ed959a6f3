public import ReconcileModel

/// The `gcp.*` types this provider handles, and what Compute lets change in place for each.
public enum ComputeKind: String, CaseIterable, Sendable {
    case network = "gcp.network"
    case subnetwork = "gcp.subnetwork"
    case firewall = "gcp.firewall"
    case instance = "gcp.instance"
    case networkEndpointGroup = "gcp.networkEndpointGroup"
    case backendService = "gcp.backendService"
    case healthCheck = "gcp.healthCheck"
    case forwardingRule = "gcp.forwardingRule"
    case serviceAttachment = "gcp.serviceAttachment"
    case instanceTemplate = "gcp.instanceTemplate"
    case instanceGroupManager = "gcp.instanceGroupManager"

    /// How an in-place change is made.
    enum Update {
        /// JSON merge-patch of the whole desired body (firewalls, health checks).
        case patch
        /// The same, with the current `fingerprint` (backend services, service attachments; 412 when stale).
        case fingerprintedPatch
        /// Only these fields, by PATCH with the fingerprint (subnetworks: `description`).
        case fields(Set<String>)
        /// Only `labels`, through `setLabels` with `labelFingerprint` (instances, forwarding rules).
        case labels
        /// Only the endpoints, by attach then detach (NEGs).
        case endpoints
        /// A managed instance group: `targetSize` by `resize`, `instanceTemplate` by `setInstanceTemplate` then
        /// `recreateInstances` of every managed instance (a template change reaches the VM only when it is
        /// recreated), the `description` by PATCH with the fingerprint.
        case groupManager
        /// Nothing (networks: Compute patches only `routingConfig`, which the reconciler does not manage; instance
        /// templates are immutable: a new content is a new template).
        case none
    }

    var update: Update {
        switch self {
        case .firewall, .healthCheck: .patch
        case .backendService, .serviceAttachment: .fingerprintedPatch
        case .subnetwork: .fields(["description"])
        case .instance, .forwardingRule: .labels
        case .networkEndpointGroup: .endpoints
        case .network, .instanceTemplate: .none
        case .instanceGroupManager: .groupManager
        }
    }

    /// Desired fields the API does not take in a request body (output-only there, or sent another way).
    var notInBody: Set<String> {
        switch self {
        case .forwardingRule, .serviceAttachment, .backendService, .healthCheck, .instanceTemplate: ["region"]
        case .networkEndpointGroup: ["region", "networkEndpoints"]
        case .instance, .instanceGroupManager: ["zone"]
        case .network, .subnetwork, .firewall: []
        }
    }

    /// The kind of a Compute collection (`forwardingRules` -> `.forwardingRule`).
    init?(collection: String) {
        guard let kind = Self.allCases.first(where: { $0.collection == collection }) else { return nil }
        self = kind
    }

    /// The Compute collection this kind lives in.
    var collection: String {
        switch self {
        case .network: "networks"
        case .subnetwork: "subnetworks"
        case .firewall: "firewalls"
        case .instance: "instances"
        case .networkEndpointGroup: "networkEndpointGroups"
        case .backendService: "backendServices"
        case .healthCheck: "healthChecks"
        case .forwardingRule: "forwardingRules"
        case .serviceAttachment: "serviceAttachments"
        case .instanceTemplate: "instanceTemplates"
        case .instanceGroupManager: "instanceGroupManagers"
        }
    }

    /// Whether the type carries labels (else ownership is in its description).
    var hasLabels: Bool { self == .instance || self == .forwardingRule }

    /// The request body for `desired`.
    func body(_ desired: Value) -> Value {
        guard case .object(var members) = desired else { return desired }
        for key in notInBody { members[key] = nil }
        return .object(members)
    }

    /// The collection of a Compute path (`projects/p/regions/r/forwardingRules/f/...` -> `forwardingRules`).
    static func collection(ofPath path: String) -> String? {
        let parts = ComputeClient.relative(path).split(separator: "?").first?.split(separator: "/").map(String.init) ?? []
        guard parts.count >= 4, parts[0] == "projects" else { return nil }
        let index = parts[2] == "global" ? 3 : 4
        return index < parts.count ? parts[index] : nil
    }

    /// The collection path (`.../forwardingRules`) of a resource path.
    static func collectionPath(of path: String) -> String {
        String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
    }
}

/// Ownership marks (see `DesiredState.Ownership`): labels where the type has them, else the description.
enum OwnershipMarks {
    static let managedByKey = "managed-by"
    static let managedByValue = "kafka-private-link-reconciler"
    static let clusterKey = "reconcile-kafka-cluster"
    static let exposureKey = "reconcile-kafka-exposure"
    static let deletionPolicyKey = "reconcile-kafka-deletion-policy"
    static let originKey = "reconcile-kafka-origin"
    static let adoptedOrigin = "adopted"
    /// Replaces `managed-by` (label, or the description's first word) when the reconciler lets a resource go.
    static let releasedKey = "released-by"

    /// What a description written by `DesiredState.Ownership.gcpDescription` says: `managed-by` (or `released-by`)
    /// and `cluster`, `exposure`, `origin`; nil when it is not one.
    static func descriptionMarks(_ description: String) -> [String: String]? {
        var marks: [String: String] = [:]
        for word in description.split(separator: " ") {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            marks[String(word[..<equals])] = String(word[word.index(after: equals)...])
        }
        let owner = marks[managedByKey] ?? marks[releasedKey]
        guard owner == managedByValue, marks["cluster"] != nil else { return nil }
        return marks
    }

    /// The description of a released resource: its first word `released-by=` instead of `managed-by=`.
    static func releasedDescription(_ description: String) -> String? {
        let prefix = "\(managedByKey)=\(managedByValue)"
        guard description.hasPrefix(prefix) else { return nil }
        return "\(releasedKey)=\(managedByValue)" + description.dropFirst(prefix.count)
    }

    /// The labels of a released resource: `managed-by` removed, `released-by` added, every other label kept.
    static func releasedLabels(_ labels: Value?) -> Value {
        var out = labels?.objectValue ?? [:]
        out[managedByKey] = nil
        out[releasedKey] = .string(managedByValue)
        return .object(out)
    }

    static func isOurs(_ body: Value, cluster: String) -> Bool {
        // Released labels win over a description that cannot change (an instance's).
        if body["labels"]?[releasedKey]?.stringValue == managedByValue { return false }
        if let labels = body["labels"], labels[managedByKey]?.stringValue == managedByValue,
            labels[clusterKey]?.stringValue == String(cluster.lowercased().prefix(63))
        {
            return true
        }
        let description = body["description"]?.stringValue ?? ""
        return description.hasPrefix("\(managedByKey)=\(managedByValue) cluster=\(cluster) ")
            || description == "\(managedByKey)=\(managedByValue) cluster=\(cluster)"
    }
}
