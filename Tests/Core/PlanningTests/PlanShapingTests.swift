import Planning
import ReconcileModel
import Testing

/// Rules 12 and 13: what shapes a plan happens in planning, from the input: restarts left to the operator, the
/// roll's predicted order, and the inventory corrections an apply records first.
@Suite("Plan shaping inside the planner")
struct PlanShapingTests {
    static func brokers(_ ids: [Int], cluster: String = T.cluster) -> PlanInput {
        T.input(
            desired: ids.map { T.spec(T.broker($0, cluster: cluster), T.brokerConfig(port: 9001)) },
            observed: ids.map { T.seen(T.broker($0, cluster: cluster), T.brokerConfig(port: 9000)) })
    }

    @Test("restart.policy manual: the planner plans the writes, no restarts, and names each broker that needs one")
    func manualRestarts() {
        var input = Self.brokers([1, 2])
        input.manualRestarts = [T.cluster]
        let plan = Planner.plan(input)
        #expect(plan.changes.map(\.action) == [.writeBrokerConfig, .writeBrokerConfig])
        #expect(plan.warnings.filter { $0.contains("needs a restart") }.count == 2)
    }

    @Test("The roll's predicted order is an input: restarts are listed and chained in it, with its reason")
    func restartOrder() throws {
        var input = Self.brokers([1, 2, 3])
        input.restartOrders = [T.cluster: RestartOrder(order: [T.broker(2), T.broker(3), T.broker(1)], note: "node 1 leads the quorum")]
        let plan = Planner.plan(input)
        let restarts = plan.changes.filter { $0.action == .restartBroker }
        #expect(restarts.map(\.address) == [T.broker(2), T.broker(3), T.broker(1)])
        #expect(restarts[1].dependsOn == [restarts[0].id] && restarts[2].dependsOn == [restarts[1].id])
        #expect(plan.warnings.contains("node 1 leads the quorum"))
        #expect(Planner.clustersToOrder(Planner.plan(Self.brokers([1, 2, 3]))).keys.sorted() == [T.cluster])
        #expect(Planner.clustersToOrder(Planner.plan(Self.brokers([1]))).isEmpty)
    }

    @Test("Inventory repairs: a vanished entry is dropped, an untracked resource of ours recorded, a changed policy remembered")
    func inventoryRepairs() throws {
        let policy = Declaration(exposure: "pl", field: "spec", deletionPolicy: .delete)
        var declared = T.spec(T.lb, T.body())
        declared.declaration = policy
        var untracked = T.spec(T.pls, T.body())
        untracked.declaration = policy
        let plan = Planner.plan(T.input(
            desired: [declared, untracked],
            observed: [T.seen(T.lb, T.body()), T.seen(T.pls, T.body()), T.seen(T.broker(1), .null)],
            inventory: [
                T.entry(T.lb, applied: T.body(), policy: .orphan),
                T.entry(T.vnet, applied: T.body()),
            ]))
        #expect(plan.inventoryRepairs.count == 3, "\(plan.inventoryRepairs)")
        #expect(plan.inventoryRepairs.contains(.drop(T.vnet)))
        #expect(plan.inventoryRepairs.contains(.declare(T.lb, policy)))
        let recorded = try #require(plan.inventoryRepairs.compactMap { if case .record(let e) = $0 { e } else { nil } }.first)
        #expect(recorded.address == T.pls && recorded.origin == .created && recorded.declaration == policy)
        #expect(plan.changes.isEmpty)
    }

    @Test("A foreign resource or a broker file without an entry is never recorded as ours")
    func noRepairForForeignOrBrokers() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.lb, T.body(), adopt: true), T.spec(T.broker(1), T.brokerConfig())],
            observed: [T.seen(T.lb, T.body(), foreign: true), T.seen(T.broker(1), T.brokerConfig())]))
        #expect(plan.inventoryRepairs.isEmpty, "\(plan.inventoryRepairs)")
    }
}
