import Planning
import ReconcileModel
import Testing

/// A port change of a load balancer rule is made expand-then-contract around the broker roll.
@Suite struct ExpandContractTests {
    static let ports = ConsumerPorts(collection: ["properties", "loadBalancingRules"], port: ["properties", "frontendPort"])

    func lbBody(_ rules: [(String, Int)]) -> Value {
        ["location": "eastus", "properties": ["loadBalancingRules": .array(rules.map { name, port in
            ["name": .string(name), "properties": ["frontendPort": .int(port), "backendPort": 39092]]
        })]]
    }

    func lbSpec(_ rules: [(String, Int)]) -> ResourceSpec {
        ResourceSpec(address: T.lb, properties: lbBody(rules), disruption: .consumerVisible, consumerPorts: Self.ports)
    }

    func brokers(advertising port: Int, observed: Int) -> (desired: [ResourceSpec], observed: [ObservedResource]) {
        let desired = [1, 2].map { id in
            T.spec(T.broker(id), T.brokerConfig(port: port + id))
        }
        let seen = [1, 2].map { id in T.seen(T.broker(id), T.brokerConfig(port: observed + id)) }
        return (desired, seen)
    }

    @Test("new ports are added before the brokers advertise them; the old ones go after the last restart")
    func expandThenContract() throws {
        let b = brokers(advertising: 9200, observed: 9092)
        let plan = Planner.plan(T.input(
            desired: [lbSpec([("rule1", 9201), ("rule2", 9202)])] + b.desired,
            observed: [T.seen(T.lb, lbBody([("rule1", 9093), ("rule2", 9094)]))] + b.observed,
            inventory: [T.entry(T.lb)] + [1, 2].map { T.entry(T.broker($0)) }))
        #expect(plan.transcript == [
            "expand azure.lb/lb manifest_changed",
            "write_broker_config kafka.brokerConfig/1 config_changed <- azure.lb/lb#expand",
            "write_broker_config kafka.brokerConfig/2 config_changed <- azure.lb/lb#expand",
            "restart_broker kafka.brokerConfig/1 config_changed <- kafka.brokerConfig/1#write_broker_config, kafka.brokerConfig/2#write_broker_config",
            "restart_broker kafka.brokerConfig/2 config_changed <- kafka.brokerConfig/1#restart_broker",
            "update azure.lb/lb manifest_changed <- azure.lb/lb#expand, kafka.brokerConfig/2#restart_broker",
        ])
        let expand = try #require(plan.changes.first)
        let names = expand.after?["properties"]?["loadBalancingRules"]?.arrayValue?.map { "\($0["name"]!.stringValue!):\($0["properties"]!["frontendPort"]!)" }
        #expect(names == ["rule1:9201", "rule2:9202", "rule1-previous:9093", "rule2-previous:9094"])
        let contract = try #require(plan.changes.last)
        #expect(contract.after == lbBody([("rule1", 9201), ("rule2", 9202)]))
        #expect(Set(contract.attributes.map { $0.path.split(separator: "]").first! + "]" }) == [
            "properties.loadBalancingRules[rule1-previous]", "properties.loadBalancingRules[rule2-previous]",
        ])
        #expect(contract.attributes.allSatisfy { $0.after == nil })
        #expect(plan.warnings.isEmpty)
        #expect(plan.summary.change == 2)
    }

    @Test("a run interrupted after the expand plans only the contract, still after the roll")
    func resumedAfterExpand() {
        let b = brokers(advertising: 9200, observed: 9092)
        let expanded = lbBody([("rule1", 9201), ("rule2", 9202), ("rule1-previous", 9093), ("rule2-previous", 9094)])
        let plan = Planner.plan(T.input(
            desired: [lbSpec([("rule1", 9201), ("rule2", 9202)])] + b.desired,
            observed: [T.seen(T.lb, expanded)] + b.observed,
            inventory: [T.entry(T.lb, applied: expanded)] + [1, 2].map { T.entry(T.broker($0)) }))
        #expect(plan.transcript.first == "write_broker_config kafka.brokerConfig/1 config_changed")
        #expect(plan.transcript.last == "update azure.lb/lb manifest_changed <- kafka.brokerConfig/2#restart_broker")
        #expect(plan.changes.count { $0.action == .expand } == 0)
    }

    @Test("ports that shift onto each other cannot be kept: a plain update and a warning naming the port")
    func overlappingShift() {
        let plan = Planner.plan(T.input(
            desired: [lbSpec([("rule1", 9094), ("rule2", 9095)])],
            observed: [T.seen(T.lb, lbBody([("rule1", 9093), ("rule2", 9094)]))],
            inventory: [T.entry(T.lb)]))
        // rule1's old 9093 is kept as rule1-previous; rule2's old 9094 now belongs to rule1 and moves at once.
        #expect(plan.transcript == ["expand azure.lb/lb manifest_changed", "update azure.lb/lb manifest_changed <- azure.lb/lb#expand"])
        #expect(plan.warnings == [
            "k/azure.lb/lb: port 9094 of `rule2` goes to another backend at once, so consumers that still use it reach the new backend until the roll completes; choose new ports that do not overlap the old ones to avoid this",
        ])
    }

    @Test("changes that keep every port are plain updates; a removed rule is kept until the contract")
    func otherChanges() {
        var desired = lbSpec([("rule1", 9093)])
        desired.properties = desired.properties.settingBackendPort(39093)
        let same = Planner.plan(T.input(
            desired: [desired], observed: [T.seen(T.lb, lbBody([("rule1", 9093)]))], inventory: [T.entry(T.lb)]))
        #expect(same.transcript == ["update azure.lb/lb manifest_changed"])

        let removed = Planner.plan(T.input(
            desired: [lbSpec([("rule1", 9093)])], observed: [T.seen(T.lb, lbBody([("rule1", 9093), ("rule2", 9094)]))],
            inventory: [T.entry(T.lb)]))
        // Nothing to add first: the update itself is the contract, in the contract phase (after any roll).
        #expect(removed.transcript == ["update azure.lb/lb manifest_changed"])
    }

    // MARK: - Azure: one rule per pool, backend port and protocol

    static let azurePorts = ConsumerPorts(
        collection: ["properties", "loadBalancingRules"], port: ["properties", "frontendPort"],
        backend: .init(reference: ["properties", "backendAddressPool", "id"], collection: ["properties", "backendAddressPools"],
                       exclusive: [["properties", "backendPort"], ["properties", "protocol"]]))

    func azureLB(_ rules: [(String, Int, String)], pools: [String]) -> Value {
        ["location": "eastus", "properties": [
            "backendAddressPools": .array(pools.map { ["name": .string($0)] }),
            "loadBalancingRules": .array(rules.map { name, port, pool in
                ["name": .string(name), "properties": [
                    "frontendPort": .int(port), "backendPort": 39092, "protocol": "Tcp",
                    "backendAddressPool": ["id": .string("/lb/backendAddressPools/\(pool)")],
                ]]
            }),
        ]]
    }

    @Test("Azure: a moved rule cannot keep its old port beside the new one (same pool and backend port): it moves at once, with a warning")
    func azureMovesAtOnce() {
        let spec = ResourceSpec(address: T.lb, properties: azureLB([("rule1", 9193, "pool1")], pools: ["pool1"]), consumerPorts: Self.azurePorts)
        let plan = Planner.plan(T.input(
            desired: [spec], observed: [T.seen(T.lb, azureLB([("rule1", 9093, "pool1")], pools: ["pool1"]))], inventory: [T.entry(T.lb)]))
        #expect(plan.transcript == ["update azure.lb/lb manifest_changed"])
        #expect(plan.warnings.count == 1)
        #expect(plan.warnings.first?.contains("`rule1` cannot keep port 9093 beside its new one") == true)
    }

    @Test("Azure: a rule whose pool goes (a broker removed) goes with it; a rule to another pool is kept until the roll")
    func azureRemovedAndRepointed() {
        let removed = ResourceSpec(address: T.lb, properties: azureLB([("rule1", 9093, "pool1")], pools: ["pool1"]), consumerPorts: Self.azurePorts)
        let plan = Planner.plan(T.input(
            desired: [removed],
            observed: [T.seen(T.lb, azureLB([("rule1", 9093, "pool1"), ("rule2", 9094, "pool2")], pools: ["pool1", "pool2"]))],
            inventory: [T.entry(T.lb)]))
        #expect(plan.transcript == ["update azure.lb/lb manifest_changed"])
        #expect(plan.warnings.isEmpty)

        let repointed = ResourceSpec(
            address: T.lb, properties: azureLB([("rule1", 9193, "pool9")], pools: ["pool1", "pool9"]), consumerPorts: Self.azurePorts)
        let moved = Planner.plan(T.input(
            desired: [repointed], observed: [T.seen(T.lb, azureLB([("rule1", 9093, "pool1")], pools: ["pool1"]))], inventory: [T.entry(T.lb)]))
        #expect(moved.transcript == ["expand azure.lb/lb manifest_changed", "update azure.lb/lb manifest_changed <- azure.lb/lb#expand"])
    }

    // GCP port mapping: NEG endpoints have no names; a broker's endpoint is its (instance, port).
    static let negPorts = ConsumerPorts(collection: ["networkEndpoints"], port: ["clientDestinationPort"], identity: [["instance"], ["port"]])

    func neg(_ endpoints: [(String, Int)]) -> Value {
        ["name": "kafka-neg", "networkEndpoints": .array(endpoints.map { instance, client in
            ["instance": .string("projects/p/zones/z/instances/\(instance)"), "port": 39092, "clientDestinationPort": .int(client)]
        })]
    }

    @Test("GCP: a broker's new client port is attached before the roll and its old one detached after it")
    func gcpEndpointMoves() throws {
        let b = brokers(advertising: 9200, observed: 9092)
        let spec = ResourceSpec(address: T.lb, properties: neg([("b1", 9201), ("b2", 9202)]), disruption: .consumerVisible, consumerPorts: Self.negPorts)
        let plan = Planner.plan(T.input(
            desired: [spec] + b.desired, observed: [T.seen(T.lb, neg([("b1", 9093), ("b2", 9094)]))] + b.observed,
            inventory: [T.entry(T.lb)] + [1, 2].map { T.entry(T.broker($0)) }))
        #expect(plan.transcript.first == "expand azure.lb/lb manifest_changed")
        #expect(plan.transcript.last == "update azure.lb/lb manifest_changed <- azure.lb/lb#expand, kafka.brokerConfig/2#restart_broker")
        let expand = try #require(plan.changes.first)
        #expect(expand.after == neg([("b1", 9201), ("b2", 9202), ("b1", 9093), ("b2", 9094)]))
        #expect(plan.changes.last?.after == neg([("b1", 9201), ("b2", 9202)]))
        #expect(plan.warnings.isEmpty)
    }

    @Test("GCP: an endpoint whose broker goes is detached at once; a port another broker takes moves with a warning")
    func gcpEndpointRemovedAndTaken() {
        let removed = ResourceSpec(address: T.lb, properties: neg([("b1", 9093)]), consumerPorts: Self.negPorts)
        let plan = Planner.plan(T.input(
            desired: [removed], observed: [T.seen(T.lb, neg([("b1", 9093), ("b2", 9094)]))], inventory: [T.entry(T.lb)]))
        #expect(plan.transcript == ["update azure.lb/lb manifest_changed"])

        let shifted = ResourceSpec(address: T.lb, properties: neg([("b1", 9094), ("b2", 9095)]), consumerPorts: Self.negPorts)
        let moved = Planner.plan(T.input(
            desired: [shifted], observed: [T.seen(T.lb, neg([("b1", 9093), ("b2", 9094)]))], inventory: [T.entry(T.lb)]))
        #expect(moved.transcript == ["expand azure.lb/lb manifest_changed", "update azure.lb/lb manifest_changed <- azure.lb/lb#expand"])
        #expect(moved.warnings.count == 1)
        #expect(moved.warnings.first?.contains("port 9094 of projects/p/zones/z/instances/b2 39092 goes to another backend at once") == true)
    }
}

private extension Value {
    func settingBackendPort(_ port: Int) -> Value {
        guard case .object(var root) = self, case .object(var props)? = root["properties"],
            case .array(var rules)? = props["loadBalancingRules"], case .object(var rule) = rules[0],
            case .object(var rp)? = rule["properties"] else { return self }
        rp["backendPort"] = .int(port)
        rule["properties"] = .object(rp)
        rules[0] = .object(rule)
        props["loadBalancingRules"] = .array(rules)
        root["properties"] = .object(props)
        return .object(root)
    }
}
