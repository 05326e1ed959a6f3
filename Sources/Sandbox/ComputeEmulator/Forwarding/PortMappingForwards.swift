import ArmEmulator
import TCPForwarding

/// The TCP forwards the emulated Private Service Connect path implies (port mapping, seed 003 option A):
/// - an INTERNAL forwarding rule whose backend service has a `GCE_VM_IP_PORTMAP` NEG listens on its address
///   (mapped) at each endpoint's `clientDestinationPort` and forwards to the endpoint instance's address (mapped) at
///   its `port`;
/// - an ACCEPTED PSC endpoint (a consumer's forwarding rule targeting a service attachment) does the same on its own
///   address, for the NEG behind the attachment's target rule. PENDING, REJECTED or CLOSED endpoints carry nothing.
/// - an INTERNAL forwarding rule whose backend service has a managed instance group (kafka-proxy mode) listens on
///   its address (mapped) at every port the group's first instance serves (its kafka-proxy's static and first
///   dynamic ports, ``ProxyLaunch``) and forwards each to the same port on that instance's address (mapped).
/// Only addresses the address map names are used (on both ends), so nothing ever dials a private address.
enum PortMappingForwards {
    static func plan(_ world: World, addressMap: [String: String]) -> [ForwardingRule] {
        func mapped(_ ip: String) -> String { addressMap[ip] ?? ip }
        /// (port, target address, port) for the first managed instance of `group` that runs a proxy.
        func groupMappings(_ group: StoredResource) -> [(Int, String, Int)] {
            let igm = world.all("instanceGroupManagers").first { $0.body["instanceGroup"]?.stringValue == group.path.description }
            guard let igm else { return [] }
            let instances = world.managed.filter { $0.value == igm.path.description }.compactMap { world[$0.key] }.sorted { $0.sequence < $1.sequence }
            for instance in instances {
                if let launch = ProxyLaunch.of(instance: instance, addressMap: addressMap) {
                    return launch.ports.map { ($0, launch.host, $0) }
                }
            }
            return []
        }
        /// (client port, target address, target port) behind one internal forwarding rule.
        func mappings(of rule: StoredResource) -> [(Int, String, Int)] {
            guard let service = rule.body["backendService"]?.stringValue.flatMap({ world[$0] }) else { return [] }
            var out: [(Int, String, Int)] = []
            for backend in service.body["backends"]?.arrayValue ?? [] {
                if let group = backend["group"]?.stringValue.flatMap({ world[$0] }), group.path.collection == "instanceGroups" {
                    out += groupMappings(group)
                    continue
                }
                guard let neg = backend["group"]?.stringValue.flatMap({ world[$0] }),
                    neg.body["networkEndpointType"]?.stringValue == "GCE_VM_IP_PORTMAP"
                else { continue }
                for endpoint in neg.body["networkEndpoints"]?.arrayValue ?? [] {
                    guard let client = endpoint["clientDestinationPort"]?.intValue, let port = endpoint["port"]?.intValue,
                        let ip = endpoint["ipAddress"]?.stringValue
                    else { continue }
                    out.append((client, mapped(ip), port))
                }
            }
            return out
        }
        var rules: [ForwardingRule] = []
        for rule in world.all("forwardingRules") {
            if let target = rule.body["target"]?.stringValue {
                guard let attachment = world[target], PrivateServiceConnect.status(of: rule, in: world) == "ACCEPTED",
                    let producer = attachment.body["targetService"]?.stringValue.flatMap({ world[$0] }),
                    let ip = rule.body["IPAddress"]?.stringValue
                else { continue }
                rules += mappings(of: producer).map {
                    ForwardingRule(listenHost: mapped(ip), listenPort: $0.0, targetHost: $0.1, targetPort: $0.2)
                }
            } else if rule.body["loadBalancingScheme"]?.stringValue == "INTERNAL", let ip = rule.body["IPAddress"]?.stringValue {
                rules += mappings(of: rule).map {
                    ForwardingRule(listenHost: mapped(ip), listenPort: $0.0, targetHost: $0.1, targetPort: $0.2)
                }
            }
        }
        let local = Set(addressMap.values)
        return rules.filter { local.contains($0.listenHost) && $0.targetHost.map(local.contains) == true }
    }
}
