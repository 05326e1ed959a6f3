import Foundation

/// A Compute resource path relative to `compute/v1/`: `projects/P/{global | regions/R | zones/Z}/COLLECTION/NAME`.
struct ComputePath: Hashable, Sendable, CustomStringConvertible {
    enum Scope: Hashable, Sendable {
        case global
        case region(String)
        case zone(String)
    }

    var project: String
    var scope: Scope
    var collection: String
    var name: String?

    var description: String {
        let base = "projects/\(project)/" + {
            switch scope {
            case .global: return "global"
            case .region(let r): return "regions/\(r)"
            case .zone(let z): return "zones/\(z)"
            }
        }() + "/\(collection)"
        return name.map { "\(base)/\($0)" } ?? base
    }

    var collectionPath: ComputePath { ComputePath(project: project, scope: scope, collection: collection, name: nil) }

    var region: String? {
        switch scope {
        case .region(let r): r
        case .zone(let z): ComputePath.region(ofZone: z)
        case .global: nil
        }
    }

    /// `us-west1-a` -> `us-west1`.
    static func region(ofZone zone: String) -> String {
        guard let dash = zone.lastIndex(of: "-") else { return zone }
        return String(zone[..<dash])
    }

    /// Where this resource's operations live (an operation's scope follows its resource's).
    var operations: ComputePath { ComputePath(project: project, scope: scope, collection: "operations", name: nil) }

    /// Parses a relative path, a path with `/compute/v1/`, or a full URL on any host; returns the path and the
    /// segments after the resource name (a custom verb such as `attachNetworkEndpoints`).
    static func parse(_ text: String) -> (path: ComputePath, rest: [String])? {
        var s = Substring(text)
        if let q = s.firstIndex(of: "?") { s = s[..<q] }
        if let range = s.range(of: "/compute/v1/") { s = s[range.upperBound...] }
        while s.hasPrefix("/") { s = s.dropFirst() }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 4, parts[0] == "projects", !parts[1].isEmpty else { return nil }
        let scope: Scope
        var index: Int
        switch parts[2] {
        case "global": scope = .global; index = 3
        case "regions" where parts.count >= 5: scope = .region(parts[3]); index = 4
        case "zones" where parts.count >= 5: scope = .zone(parts[3]); index = 4
        default: return nil
        }
        guard index < parts.count, !parts[index].isEmpty else { return nil }
        let collection = parts[index]
        index += 1
        let name = index < parts.count ? parts[index] : nil
        let rest = index + 1 < parts.count ? Array(parts[(index + 1)...]) : []
        if name?.isEmpty == true { return nil }
        return (ComputePath(project: parts[1], scope: scope, collection: collection, name: name), rest)
    }

    /// A reference as stored: the relative path when `text` names a Compute resource, else the text.
    static func relative(_ text: String) -> String {
        guard let (path, rest) = parse(text), rest.isEmpty else {
            if let range = text.range(of: "/compute/v1/") { return String(text[range.upperBound...]) }
            return text
        }
        return path.description
    }
}
