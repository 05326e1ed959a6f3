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
