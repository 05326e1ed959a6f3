/// One forwarding rule of the emulated load balancer: connections accepted on `listenHost:listenPort` are relayed
/// to `targetHost:targetPort`.
///
/// Contract: the listen key is (`listenHost`, `listenPort`); two rules with the same key but different targets
/// cannot be active at once. `targetHost == nil` models a load-balancing rule with no backend: connections are
/// accepted and closed at once. Hosts are numeric IPv4/IPv6 addresses or names `getaddrinfo` resolves; any
/// 127.0.0.0/8 address works on Linux without configuration.
public struct ForwardingRule: Sendable, Hashable, CustomStringConvertible {
    public var listenHost: String
    public var listenPort: Int
    /// nil: accept and close at once (an LB rule with no backend).
    public var targetHost: String?
    public var targetPort: Int

    public init(listenHost: String, listenPort: Int, targetHost: String?, targetPort: Int) {
        self.listenHost = listenHost
        self.listenPort = listenPort
        self.targetHost = targetHost
        self.targetPort = targetPort
    }

    public var description: String {
        "\(Endpoint(host: listenHost, port: listenPort)) -> "
            + (targetHost.map { "\(Endpoint(host: $0, port: targetPort))" } ?? "(no backend)")
    }

    var listenKey: Endpoint { Endpoint(host: listenHost, port: listenPort) }

    var target: Endpoint? { targetHost.map { Endpoint(host: $0, port: targetPort) } }

    /// Why this rule can never be bound, or nil when its ports are in range.
    var invalidReason: String? {
        guard (1...65535).contains(listenPort) else { return "listen port \(listenPort) is not in 1...65535" }
        if targetHost != nil, !(1...65535).contains(targetPort) {
            return "target port \(targetPort) is not in 1...65535"
        }
        return nil
    }
}

/// A host and port; `description` brackets IPv6 literals.
struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    var host: String
    var port: Int

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
