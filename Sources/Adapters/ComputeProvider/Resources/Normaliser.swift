import Foundation
public import ReconcileModel

/// Observed Compute bodies in the desired bodies' terms, so a plan shows only real differences:
/// - links and references become paths relative to `compute/v1/` whatever the host (`https://www.googleapis.com/...`,
///   `https://compute.googleapis.com/...` or already `projects/...`), and `region`/`zone` URLs their names;
/// - a reference the desired body writes without its project (`zones/Z/machineTypes/T`) is compared that way;
/// - an instance's boot disk is taken from the desired body: `initializeParams` are creation-only and Compute
///   returns the attached disk instead, so there is nothing to compare (a changed image is not detected);
/// - a NEG's endpoints (from `listNetworkEndpoints`) are `{instance, port, clientDestinationPort}` in the desired
///   order, extras after;
/// - server-set fields go (the planner also projects onto the desired shape).
public enum Normaliser {
    static let serverFields: Set<String> = [
        "id", "kind", "selfLink", "selfLinkWithId", "creationTimestamp", "fingerprint", "labelFingerprint", "status", "size",
        "connectedEndpoints", "pscServiceAttachmentId", "gatewayAddress", "pscConnectionId", "pscConnectionStatus",
    ]

    public static func normalise(_ body: Value, kind: ComputeKind, desired: Value?, endpoints: [Value]? = nil) -> Value {
        guard case .object(var members) = relativeLinks(body) else { return body }
        for key in serverFields { members[key] = nil }
        for key in ["region", "zone"] {
            if let value = members[key]?.stringValue { members[key] = .string(String(value.split(separator: "/").last ?? "")) }
        }
        if let type = members["machineType"]?.stringValue, desired?["machineType"]?.stringValue?.hasPrefix("projects/") == false,
            let range = type.range(of: "/zones/")
        {
            members["machineType"] = .string(String(type[type.index(after: range.lowerBound)...]))
        }
        if kind == .instance, let disks = desired?["disks"] { members["disks"] = disks }
        if kind == .networkEndpointGroup, let endpoints {
            members["networkEndpoints"] = .array(ordered(endpoints, like: desired?["networkEndpoints"]?.arrayValue ?? []))
        }
        return .object(members)
    }

    /// Every string that is a Compute link, as its relative path (the rest untouched).
    static func relativeLinks(_ value: Value) -> Value {
        switch value {
        case .string(let s) where s.hasPrefix("http") && s.contains("/compute/v1/"): .string(ComputeClient.relative(s))
        case .array(let items): .array(items.map(relativeLinks))
        case .object(let members): .object(members.mapValues(relativeLinks))
        default: value
        }
    }

    /// `listNetworkEndpoints` items as endpoint bodies, ordered like `desired` (extras last, by client port).
    static func ordered(_ endpoints: [Value], like desired: [Value]) -> [Value] {
        func key(_ e: Value) -> String {
            "\(e["instance"]?.stringValue ?? "")|\(e["port"]?.intValue ?? -1)|\(e["clientDestinationPort"]?.intValue ?? -1)"
        }
        var remaining = endpoints.map(relativeLinks).map { e -> Value in
            var out: [String: Value] = [:]
            for field in ["instance", "port", "clientDestinationPort"] { out[field] = e[field] }
            return .object(out)
        }
        var result: [Value] = []
        for wanted in desired {
            if let index = remaining.firstIndex(where: { key($0) == key(wanted) }) { result.append(remaining.remove(at: index)) }
        }
        return result + remaining.sorted { ($0["clientDestinationPort"]?.intValue ?? 0) < ($1["clientDestinationPort"]?.intValue ?? 0) }
    }
}
