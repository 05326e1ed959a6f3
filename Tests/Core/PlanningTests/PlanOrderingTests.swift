import Planning
import ReconcileModel
import Testing

@Suite("Plan ordering")
struct PlanOrderingTests {
    static let oldPLS = T.addr("azure.pls", "old-pls")
    static let oldLB = T.addr("azure.lb", "old-lb")
    static let oldVNet = T.addr("azure.vnet", "old-vnet")

    /// New VNet -> LB -> PLS, brokers 1-3 re-pointed at the new LB, the old chain removed.
    static func migration(brokers: [Int] = [1, 2, 3]) -> PlanInput {
        T.input(
            desired: [T.spec(T.pls, T.body(), deps: [T.lb]), T.spec(T.lb, T.body(), deps: [T.vnet]), T.spec(T.vnet, T.body())]
                + brokers.map { T.spec(T.broker($0), T.brokerConfig(port: 9011), deps: [T.lb]) },
            observed: [T.seen(oldPLS, T.body()), T.seen(oldLB, T.body()), T.seen(oldVNet, T.body())]
                + brokers.map { T.seen(T.broker($0), T.brokerConfig()) },
            inventory: [T.entry(oldPLS, deps: [oldLB]), T.entry(oldLB, deps: [oldVNet]), T.entry(oldVNet)]
                + brokers.map { T.entry(T.broker($0), applied: T.brokerConfig()) }
        )
    }

    @Test("expand, write all configs, restart one at a time, then contract in reverse dependency order")
    func phases() {
        let plan = Planner.plan(Self.migration())
        let writes = "kafka.brokerConfig/1#write_broker_config, kafka.brokerConfig/2#write_broker_config, "
            + "kafka.brokerConfig/3#write_broker_config"
        let cloud = "azure.vnet/vnet#create, azure.lb/lb#create, azure.pls/pls#create"
        #expect(plan.transcript == [
            "create azure.vnet/vnet missing",
            "create azure.lb/lb missing <- azure.vnet/vnet#create",
            "create azure.pls/pls missing <- azure.lb/lb#create",
            "write_broker_config kafka.brokerConfig/1 config_changed <- \(cloud)",
            "write_broker_config kafka.brokerConfig/2 config_changed <- \(cloud)",
            "write_broker_config kafka.brokerConfig/3 config_changed <- \(cloud)",
            "restart_broker kafka.brokerConfig/1 config_changed <- \(writes)",
            "restart_broker kafka.brokerConfig/2 config_changed <- kafka.brokerConfig/1#restart_broker",
            "restart_broker kafka.brokerConfig/3 config_changed <- kafka.brokerConfig/2#restart_broker",
            "delete azure.pls/old-pls removed_from_manifests <- kafka.brokerConfig/3#restart_broker",
            "delete azure.lb/old-lb removed_from_manifests <- kafka.brokerConfig/3#restart_broker, azure.pls/old-pls#delete",
            "delete azure.vnet/old-vnet removed_from_manifests <- kafka.brokerConfig/3#restart_broker, azure.lb/old-lb#delete",
        ])
        #expect(plan.isComplete)
        #expect(plan.problems.isEmpty)
    }

    @Test("restarts are serialised by numeric node id")
    func restartOrder() {
        let plan = Planner.plan(Self.migration(brokers: [10, 2, 1]))
        #expect(plan.changes.filter { $0.action == .restartBroker }.map(\.address.name) == ["1", "2", "10"])
    }

    @Test("each cluster rolls its own brokers; clusters do not wait for each other")
    func perCluster() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.broker(1), T.brokerConfig(port: 1)), T.spec(T.broker(1, cluster: "other"), T.brokerConfig(port: 1))],
            observed: [T.seen(T.broker(1), T.brokerConfig()), T.seen(T.broker(1, cluster: "other"), T.brokerConfig())]
        ))
        let restarts = plan.changes.filter { $0.action == .restartBroker }
        #expect(restarts.map(\.dependsOn) == [["k/kafka.brokerConfig/1#write_broker_config"],
                                             ["other/kafka.brokerConfig/1#write_broker_config"]])
    }

    @Test("--target keeps the selected changes and what they depend on, and says the plan is partial")
    func targets() {
        var input = Self.migration()
        input.targets = ["k/azure.pls/pls", "k/azure.nat"]
        let plan = Planner.plan(input)
        #expect(plan.transcript == [
            "create azure.vnet/vnet missing",
            "create azure.lb/lb missing <- azure.vnet/vnet#create",
            "create azure.pls/pls missing <- azure.lb/lb#create",
        ])
        #expect(!plan.isComplete)
        #expect(plan.warnings.contains { $0.hasPrefix("plan is partial: --target k/azure.pls/pls --target k/azure.nat") })
        #expect(plan.warnings.contains("--target k/azure.nat matches no planned change"))
    }

    @Test("--target takes in what the target depends on even when the target itself needs no change")
    func targetWithoutItsOwnChange() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.lb, T.body(2)), T.spec(T.pls, T.body(), deps: [T.lb])],
            observed: [T.seen(T.lb, T.body(1)), T.seen(T.pls, T.body())],
            inventory: [T.entry(T.lb, applied: T.body(1)), T.entry(T.pls)],
            targets: ["k/azure.pls/pls"]))
        #expect(plan.transcript == ["update azure.lb/lb manifest_changed"])
        #expect(!plan.warnings.contains { $0.contains("matches no planned change") })
    }

    @Test("--target on one broker pulls in the roll up to that broker")
    func targetBroker() {
        var input = Self.migration()
        input.targets = ["k/kafka.brokerConfig/2"]
        let restarts = Planner.plan(input).changes.filter { $0.action == .restartBroker }.map(\.address.name)
        #expect(restarts == ["1", "2"])
    }

    @Test("a foreign resource refused in one branch does not block an independent branch")
    func blockedBranch() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.vnet, T.body()), T.spec(T.lb, T.body(), deps: [T.vnet]),
                      T.spec(T.addr("azure.vnet", "b"), T.body()), T.spec(T.addr("azure.lb", "b"), T.body(), deps: [T.addr("azure.vnet", "b")])],
            observed: [T.seen(T.vnet, T.body(), foreign: true)]
        ))
        #expect(plan.transcript == ["create azure.vnet/b missing", "create azure.lb/b missing <- azure.vnet/b#create"])
    }

    @Test("deletes wait for whatever still declares a dependency on them")
    func deleteAfterDependentUpdate() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.pls, T.body(2), deps: [Self.oldLB])],
            observed: [T.seen(T.pls, T.body(1)), T.seen(Self.oldLB, T.body())],
            inventory: [T.entry(T.pls, applied: T.body(1)), T.entry(Self.oldLB)]
        ))
        #expect(plan.transcript == ["update azure.pls/pls manifest_changed",
                                    "delete azure.lb/old-lb removed_from_manifests <- azure.pls/pls#update"])
    }

    @Test("determinism: the same input in any order gives the identical plan")
    func determinism() {
        let base = Self.migration()
        let reference = Planner.plan(base)
        var rng = SplitMix(seed: 42)
        for _ in 0..<20 {
            var shuffled = base
            shuffled.desired.shuffle(using: &rng)
            shuffled.observed = Dictionary(uniqueKeysWithValues: base.observed.shuffled(using: &rng))
            #expect(Planner.plan(shuffled) == reference)
        }
    }
}

/// A seeded generator so shuffles are reproducible.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
