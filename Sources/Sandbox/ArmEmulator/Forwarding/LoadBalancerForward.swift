import TCPForwarding

/// One TCP forward the emulated load balancers imply: listen on the frontend, connect to the first backend.
public struct LoadBalancerForward: Sendable, Hashable, Codable {
    /// The load-balancing rule's ID.
    public var rule: String
    public var listenHost: String
    public var listenPort: Int
    /// nil when the rule's pool has no member: accept and close at once (no healthy backend).
    public var targetHost: String?
    public var targetPort: Int

    public init(rule: String, listenHost: String, listenPort: Int, targetHost: String?, targetPort: Int) {
        self.rule = rule
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.targetHost = targetHost
        self.targetPort = targetPort
    }
}

/// Computes the forwards from the world: for every `Tcp` load-balancing rule, listen on
/// (`addressMap[frontend IP] ?? frontendBindHost`, `frontendPort`) and forward to
/// (`addressMap[member IP] ?? member IP`, `backendPort`), the member being the first NIC IP configuration
/// (in NIC creation order) in the rule's backend pool.
enum ForwardingPlanner {
    static func plan(_ world: World, addressMap: [String: String], frontendBindHost: String) -> [LoadBalancerForward] {
        var forwards: [LoadBalancerForward] = []
        for lb in world.all("Microsoft.Network", "loadBalancers") where lb.state != .deleting {
            let frontends = lb.body[path: ["properties", "frontendIPConfigurations"]]?.arrayValue ?? []
            for rule in lb.body[path: ["properties", "loadBalancingRules"]]?.arrayValue ?? [] {
                guard rule[path: ["properties", "protocol"]]?.stringValue == "Tcp",
                    let ruleID = rule["id"]?.stringValue,
                    let port = rule[path: ["properties", "frontendPort"]]?.intValue, port > 0
                else { continue }
                let frontendID = rule[path: ["properties", "frontendIPConfiguration", "id"]]?.stringValue
                let frontend = frontends.first { $0["id"]?.stringValue?.sameID(frontendID) == true }
                let frontendIP = frontend?[path: ["properties", "privateIPAddress"]]?.stringValue
                let listenHost = frontendIP.flatMap { addressMap[$0] } ?? frontendBindHost
                let backendPort = rule[path: ["properties", "backendPort"]]?.intValue ?? port
                let member = rule[path: ["properties", "backendAddressPool", "id"]]?.stringValue.flatMap {
                    LoadBalancerKind.members(of: $0, world).first?.address
                }
                forwards.append(
                    LoadBalancerForward(
                        rule: ruleID, listenHost: listenHost, listenPort: port,
                        targetHost: member.map { addressMap[$0] ?? $0 }, targetPort: backendPort))
            }
        }
        return forwards
    }
}

/// Where forwards are put into effect (the `TCPForwarding` target's `ForwardingTable` once merged).
protocol ForwardingBackend: Sendable {
    /// Makes exactly `forwards` active; returns those that could not be bound, with the reason.
    func apply(_ forwards: [LoadBalancerForward]) throws -> [LoadBalancerForward: String]
    func stop()
}

/// The real data path: each forward is a loopback TCP listener of a `TCPForwarding.ForwardingTable`.
final class TableForwardingBackend: ForwardingBackend {
    private let table = ForwardingTable()

    func apply(_ forwards: [LoadBalancerForward]) throws -> [LoadBalancerForward: String] {
        var byRule: [ForwardingRule: LoadBalancerForward] = [:]
        for forward in forwards {
            let rule = ForwardingRule(
                listenHost: forward.listenHost, listenPort: forward.listenPort, targetHost: forward.targetHost, targetPort: forward.targetPort)
            byRule[rule] = byRule[rule] ?? forward
        }
        let failed = try table.apply(Array(byRule.keys))
        var out: [LoadBalancerForward: String] = [:]
        for (rule, reason) in failed {
            for forward in forwards where forward.listenHost == rule.listenHost && forward.listenPort == rule.listenPort {
                out[forward] = reason
            }
        }
        return out
    }

    func stop() { table.stop() }
}
