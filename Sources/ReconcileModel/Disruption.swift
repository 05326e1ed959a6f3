/// How much a change hurts, so operators can approve plans by blast radius. Ordered: worst last.
public enum Disruption: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Nobody notices.
    case none
    /// One broker goes down for a restart (never two at once).
    case brokerRestart = "broker_restart"
    /// Consumers notice: their private endpoint, alias, service attachment or bootstrap ports change.
    case consumerVisible = "consumer_visible"

    private var rank: Int { Disruption.allCases.firstIndex(of: self)! }
    public static func < (a: Disruption, b: Disruption) -> Bool { a.rank < b.rank }
}
