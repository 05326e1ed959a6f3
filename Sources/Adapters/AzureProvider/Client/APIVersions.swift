import Foundation

/// The api-version pinned per ARM resource provider namespace.
///
/// These match the official ARM JSON Schemas CI validates request bodies against (`../shared/specs/azure`):
/// Microsoft.Network 2025-07-01, Microsoft.Compute 2026-03-01, Microsoft.Resources 2025-04-01. A path whose
/// last `/providers/<Namespace>/` is neither Network nor Compute (a resource group, a group's resource list)
/// uses the Resources version.
public enum APIVersions {
    public static let network = "2025-07-01"
    public static let compute = "2026-03-01"
    public static let resources = "2025-04-01"

    /// The api-version for a resource id or collection path (case-insensitive, as ARM paths are).
    public static func forPath(_ path: String) -> String {
        switch ARMPath.providerNamespace(of: path)?.lowercased() {
        case "microsoft.network": network
        case "microsoft.compute": compute
        default: resources
        }
    }
}

/// Helpers for ARM resource ids and URLs. ARM paths compare case-insensitively.
public enum ARMPath {
    /// The namespace after the last `/providers/` segment, e.g. `Microsoft.Network`; nil for a subscription,
    /// a resource group, or a path without one.
    public static func providerNamespace(of path: String) -> String? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let index = segments.lastIndex(where: { $0.lowercased() == "providers" }), index + 1 < segments.count else { return nil }
        return String(segments[index + 1])
    }

    /// Whether two ids name the same resource (ARM ids are case-insensitive).
    public static func same(_ a: String, _ b: String) -> Bool { a.lowercased() == b.lowercased() }

    /// Whether the text looks like an ARM resource id (`/subscriptions/...`).
    public static func isResourceID(_ text: String) -> Bool { text.lowercased().hasPrefix("/subscriptions/") }

    /// Whether the text is a GUID (subscription ids are, and compare case-insensitively).
    public static func isGUID(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return text.allSatisfy { $0 == "-" || $0.isHexDigit }
    }

    /// `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/kafka-lb` ->
    /// `.../loadBalancers/kafka-lb`: what a person needs in a message. Query strings are dropped.
    public static func short(_ pathOrURL: String) -> String {
        var path = pathOrURL
        if let scheme = path.range(of: "://") {
            let rest = path[scheme.upperBound...]
            path = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
        }
        if let q = path.firstIndex(of: "?") { path = String(path[..<q]) }
        let segments = path.split(separator: "/").map(String.init)
        if let index = segments.lastIndex(where: { $0.lowercased() == "providers" }), index + 2 < segments.count {
            return ".../" + segments[(index + 2)...].joined(separator: "/")
        }
        if segments.count > 2 { return ".../" + segments.suffix(2).joined(separator: "/") }
        return path
    }

    /// `scheme://host[:port]`, lowercased, or nil when the text is not an absolute URL.
    public static func origin(_ url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty else { return nil }
        return (url[..<scheme.upperBound] + host).lowercased()
    }
}
