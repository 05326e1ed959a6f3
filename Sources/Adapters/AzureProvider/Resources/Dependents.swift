import ReconcileModel

/// What would be lost with an ARM resource, for the problem a protected delete raises
/// (`ObservedResource.dependents`), and the contents of a resource group (`ObservedResource.contents`).
enum Dependents {
    /// One line per thing lost with it: a VM's disks, a load balancer's frontends and rules.
    static func of(_ kind: ARMResourceKind, body: Value) -> [String] {
        let properties = body["properties"]
        switch kind {
        case .virtualMachine:
            let storage = properties?["storageProfile"]
            var out: [String] = []
            if let os = storage?["osDisk"] {
                let deleted = os["deleteOption"]?.stringValue?.lowercased() == "delete"
                out.append("OS disk `\(os["name"]?.stringValue ?? "?")`" + (deleted ? " (deleted with the VM)" : ""))
            }
            for disk in storage?["dataDisks"]?.arrayValue ?? [] {
                let deleted = disk["deleteOption"]?.stringValue?.lowercased() == "delete"
                out.append("data disk `\(disk["name"]?.stringValue ?? "?")`" + (deleted ? " (deleted with the VM)" : ""))
            }
            return out
        case .loadBalancer:
            let frontends = (properties?["frontendIPConfigurations"]?.arrayValue ?? []).compactMap { f -> String? in
                guard let name = f["name"]?.stringValue else { return nil }
                let address = f["properties"]?["privateIPAddress"]?.stringValue.map { " (\($0))" } ?? ""
                return "frontend `\(name)`\(address)"
            }
            let rules = properties?["loadBalancingRules"]?.arrayValue?.count ?? 0
            return frontends + (rules > 0 ? ["\(rules) load-balancing rule(s) carrying consumers' traffic"] : [])
        default:
            return []
        }
    }

    /// The ids of a resource group's resources (the generic `…/resources` list). A managed disk attached to a
    /// VM (`managedBy`) counts as that VM: it goes with it.
    static func groupContents(_ items: [Value]) -> [String] {
        var out: Set<String> = []
        for item in items {
            guard let id = item["id"]?.stringValue else { continue }
            if let owner = item["managedBy"]?.stringValue, !owner.isEmpty, item["type"]?.stringValue?.lowercased() == "microsoft.compute/disks" {
                out.insert(owner)
            } else {
                out.insert(id)
            }
        }
        return out.sorted()
    }
}
