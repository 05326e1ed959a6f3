public import ReconcileModel

extension Plan {
    /// The plan for clusters whose restarts are left to the operator (`restart.policy: manual`): their
    /// `.restartBroker` changes are taken out (anything that waited for them now waits for what they waited
    /// for), and a warning names each broker that needs a restart for its written config to take effect.
    public func leavingRestartsToOperator(in clusters: Set<String>) -> Plan {
        let removed = changes.filter { $0.action == .restartBroker && clusters.contains($0.address.cluster) }
        guard !removed.isEmpty else { return self }
        let removedIDs = Dictionary(uniqueKeysWithValues: removed.map { ($0.id, $0.dependsOn) })
        func resolve(_ ids: [String], seen: Set<String> = []) -> [String] {
            ids.flatMap { id -> [String] in
                guard let next = removedIDs[id], !seen.contains(id) else { return [id] }
                return resolve(next, seen: seen.union([id]))
            }
        }
        var plan = self
        plan.changes = changes.filter { removedIDs[$0.id] == nil }.map { change in
            var c = change
            var unique: [String] = []
            for id in resolve(change.dependsOn) where !unique.contains(id) { unique.append(id) }
            c.dependsOn = unique
            return c
        }
        plan.warnings += removed.map {
            "\($0.address) needs a restart for its config to take effect; restart.policy is manual, so restart it yourself (one broker at a time)"
        }
        return plan
    }
}
