/// How much a change hurts, so operators can approve plans by blast radius. Ordered: worst last.
public enum Disruption: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Nobody notices.
    case none
    /// One broker goes down for a restart (never two at once).
    case brokerRestart = "broker_restart"
    /// Consumers notice: their private endpoint, alias, service attachment or bootstrap ports change, or a
    /// load balancer, frontend, Private Link Service, forwarding rule or service attachment goes away.
    case consumerVisible = "consumer_visible"
    /// Data is destroyed: a broker's VM or instance (with its disks) or a resource group goes away.
    case dataLoss = "data_loss"

    private var rank: Int { Disruption.allCases.firstIndex(of: self)! }
    public static func < (a: Disruption, b: Disruption) -> Bool { a.rank < b.rank }

    /// Deleting or replacing a resource of this class needs an explicit, one-run confirmation
    /// (`--allow-destroy`): it destroys data or cuts consumers off.
    public var isProtected: Bool { self >= .consumerVisible }

    /// For people: `data loss`, `consumer visible`, `broker restart`, `none`.
    public var text: String { String(rawValue.map { $0 == "_" ? " " : $0 }) }
}
