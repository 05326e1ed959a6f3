import Planning
import ReconcileModel
import Testing

@Suite("restart.policy: manual")
struct ManualRestartsTests {
    @Test("Restarts of manual clusters leave the plan, dependents wait for the writes instead, and a warning names each broker")
    func removesRestarts() {
        let a = ResourceAddress(cluster: "c", type: "kafka.brokerConfig", name: "1")
        let b = ResourceAddress(cluster: "c", type: "kafka.brokerConfig", name: "2")
        let lb = ResourceAddress(cluster: "c", type: "azure.loadBalancer", name: "old")
        let w1 = Change(address: a, action: .writeBrokerConfig, reason: .configChanged)
        let w2 = Change(address: b, action: .writeBrokerConfig, reason: .configChanged)
        let r1 = Change(address: a, action: .restartBroker, reason: .configChanged, dependsOn: [w1.id, w2.id])
        let r2 = Change(address: b, action: .restartBroker, reason: .configChanged, dependsOn: [r1.id])
        let delete = Change(address: lb, action: .delete, reason: .removedFromManifests, dependsOn: [r2.id])
        let plan = Plan(changes: [w1, w2, r1, r2, delete]).leavingRestartsToOperator(in: ["c"])
        #expect(plan.changes.map(\.id) == [w1.id, w2.id, delete.id])
        #expect(plan.changes.last?.dependsOn == [w1.id, w2.id])
        #expect(plan.warnings.count == 2)
        #expect(plan.warnings[0].hasPrefix("c/kafka.brokerConfig/1 needs a restart"))
        let untouched = Plan(changes: [w1, r1]).leavingRestartsToOperator(in: ["other"])
        #expect(untouched.changes.count == 2)
    }
}

@Suite("Restart order in the plan")
struct RestartOrderTests {
    @Test("Restarts follow the predicted order; the chain and what waits for the roll are rebuilt")
    func reorder() {
        let b = (1...3).map { ResourceAddress(cluster: "c", type: "kafka.brokerConfig", name: String($0)) }
        let w = b.map { Change(address: $0, action: .writeBrokerConfig, reason: .configChanged) }
        let r1 = Change(address: b[0], action: .restartBroker, reason: .configChanged, dependsOn: w.map(\.id))
        let r2 = Change(address: b[1], action: .restartBroker, reason: .configChanged, dependsOn: [r1.id])
        let r3 = Change(address: b[2], action: .restartBroker, reason: .configChanged, dependsOn: [r2.id])
        let del = Change(address: ResourceAddress(cluster: "c", type: "azure.loadBalancer", name: "x"), action: .delete, reason: .removedFromManifests, dependsOn: [r3.id])
        let plan = Plan(changes: w + [r1, r2, r3, del]).reorderingRestarts(of: "c", order: [b[1], b[2], b[0]], note: "leader 1 last")
        let restarts = plan.changes.filter { $0.action == .restartBroker }
        #expect(restarts.map(\.address.name) == ["2", "3", "1"])
        #expect(restarts[0].dependsOn == w.map(\.id))
        #expect(restarts[1].dependsOn == [restarts[0].id])
        #expect(restarts[2].dependsOn == [restarts[1].id])
        #expect(plan.changes.last?.dependsOn == [restarts[2].id])
        #expect(plan.warnings == ["leader 1 last"])
    }
}
