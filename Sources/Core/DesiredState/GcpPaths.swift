/// Compute resource paths (relative to `compute/v1/`) of one exposure's project and region.
struct GcpPaths {
    let project: String
    let region: String

    var projectPath: String { "projects/\(project)" }
    func network(_ n: String) -> String { "\(projectPath)/global/networks/\(n)" }
    func firewall(_ n: String) -> String { "\(projectPath)/global/firewalls/\(n)" }
    func subnetwork(_ n: String) -> String { "\(projectPath)/regions/\(region)/subnetworks/\(n)" }
    func instance(_ zone: String, _ n: String) -> String { "\(projectPath)/zones/\(zone)/instances/\(n)" }
    func neg(_ n: String) -> String { "\(projectPath)/regions/\(region)/networkEndpointGroups/\(n)" }
    func backendService(_ n: String) -> String { "\(projectPath)/regions/\(region)/backendServices/\(n)" }
    func healthCheck(_ n: String) -> String { "\(projectPath)/regions/\(region)/healthChecks/\(n)" }
    func forwardingRule(_ n: String) -> String { "\(projectPath)/regions/\(region)/forwardingRules/\(n)" }
    func serviceAttachment(_ n: String) -> String { "\(projectPath)/regions/\(region)/serviceAttachments/\(n)" }
    func instanceTemplate(_ n: String) -> String { "\(projectPath)/regions/\(region)/instanceTemplates/\(n)" }
    func instanceGroupManager(_ zone: String, _ n: String) -> String { "\(projectPath)/zones/\(zone)/instanceGroupManagers/\(n)" }
    func instanceGroup(_ zone: String, _ n: String) -> String { "\(projectPath)/zones/\(zone)/instanceGroups/\(n)" }
    func machineType(_ zone: String, _ t: String) -> String { "zones/\(zone)/machineTypes/\(t)" }
}
