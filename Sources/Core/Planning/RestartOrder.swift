public import ReconcileModel

extension Plan {
    /// The plan with `cluster`'s restarts in `order` (broker addresses; brokers not named keep their relative
    /// order after the named ones). The chain is rebuilt: the first restart waits for what the first one
    /// waited for before, each next one for the previous, and whatever waited for the last restart still
    /// does. Only the order changes; the roll re-reads health before every step anyway.
    public func reorderingRestarts(of cluster: String, order: [ResourceAddress], note: String? = nil) -> Plan {
        let restarts = changes.filter { $0.action == .restartBroker && $0.address.cluster == cluster }
        guard restarts.count > 1 else { return self }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let original = restarts.map(\.id)
        let sorted = restarts.enumerated().sorted { a, b in
            (rank[a.element.address] ?? Int.max, a.offset) < (rank[b.element.address] ?? Int.max, b.offset)
        }.map(\.element)
        guard sorted.map(\.id) != original else { return self }
        let ids = Set(original)
        let entry = restarts[0].dependsOn.filter { !ids.contains($0) }
        var rebuilt: [String: Change] = [:]
        for (i, change) in sorted.enumerated() {
            var c = change
            c.dependsOn = i == 0 ? entry : [sorted[i - 1].id]
            rebuilt[c.id] = c
        }
        let oldLast = original.last!, newLast = sorted.last!.id
        var plan = self
        var queue = sorted.makeIterator()
        plan.changes = changes.map { change in
            if ids.contains(change.id) { return rebuilt[queue.next()!.id]! }
            var c = change
            c.dependsOn = c.dependsOn.map { $0 == oldLast ? newLast : $0 }
            return c
        }
        if let note { plan.warnings.append(note) }
        return plan
    }
}
