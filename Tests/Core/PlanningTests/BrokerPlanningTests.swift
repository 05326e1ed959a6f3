import Planning
import ReconcileModel
import Testing

@Suite("Broker config planning")
struct BrokerPlanningTests {
    struct Cosmetic: Sendable, CustomTestStringConvertible {
        let reason: String
        let observed: Value
        var testDescription: String { reason }
    }

    @Test("cosmetic differences plan nothing", arguments: [
        Cosmetic(reason: "spaces around commas", observed: T.brokerConfig(spacing: " ")),
        Cosmetic(reason: "listeners in another order", observed: T.brokerConfig(reversed: true)),
        Cosmetic(reason: "both, plus unmanaged keys in the file",
                 observed: {
                     var config = T.brokerConfig(spacing: "  ", reversed: true).objectValue!
                     config["log.dirs"] = "/var/lib/kafka"
                     return .object(config)
                 }()),
    ])
    func cosmetic(_ row: Cosmetic) {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.broker(1), T.brokerConfig())],
            observed: [T.seen(T.broker(1), row.observed)],
            inventory: [T.entry(T.broker(1), applied: T.brokerConfig())]
        ))
        #expect(plan.changes.isEmpty, "\(row.reason)")
    }

    @Test("a real change is a config write (per key) plus a restart")
    func realChange() throws {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.broker(1), T.brokerConfig(port: 9011))],
            observed: [T.seen(T.broker(1), T.brokerConfig(port: 9001, spacing: " "))],
            inventory: [T.entry(T.broker(1), applied: T.brokerConfig(port: 9001))]
        ))
        #expect(plan.transcript == [
            "write_broker_config kafka.brokerConfig/1 config_changed",
            "restart_broker kafka.brokerConfig/1 config_changed <- kafka.brokerConfig/1#write_broker_config",
        ])
        let write = plan.changes[0]
        #expect(write.disruption == .none)
        #expect(write.attributes.map(\.path) == ["advertised.listeners"])
        #expect(write.attributes[0].after == "INTERNAL://b.internal:9092,EXTERNAL://lb.example:9011")
        #expect(write.after == T.brokerConfig(port: 9011))
        #expect(plan.changes[1].disruption == .brokerRestart)
        #expect(plan.changes[1].after?.fingerprint == write.after?.fingerprint)
        #expect(plan.drift.isEmpty)
    }

    @Test("a broker edited by hand is drift")
    func drift() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.broker(1), T.brokerConfig())],
            observed: [T.seen(T.broker(1), T.brokerConfig(port: 9999))],
            inventory: [T.entry(T.broker(1), applied: T.brokerConfig())]
        ))
        #expect(plan.transcript.first == "write_broker_config kafka.brokerConfig/1 drifted")
        #expect(plan.drift == [T.broker(1)])
    }

    @Test("null means the key must be absent")
    func absentKeys() {
        var desired = T.brokerConfig().objectValue!
        desired["inter.broker.listener.name"] = nil as Value
        let present = Planner.plan(T.input(
            desired: [T.spec(T.broker(1), .object(desired))],
            observed: [T.seen(T.broker(1), .object(T.brokerConfig().objectValue!.merging(["inter.broker.listener.name": "INTERNAL"]) { $1 }))]
        ))
        #expect(present.changes.first?.attributes == [AttributeChange(path: "inter.broker.listener.name", before: "INTERNAL", after: nil)])
        let absent = Planner.plan(T.input(desired: [T.spec(T.broker(1), .object(desired))],
                                          observed: [T.seen(T.broker(1), T.brokerConfig())]))
        #expect(absent.changes.isEmpty)
    }

    @Test("a pending restart and a new config difference give a single restart")
    func pendingAndChanged() {
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.broker(1), T.brokerConfig(port: 9011))],
            observed: [T.seen(T.broker(1), T.brokerConfig())],
            pending: [T.broker(1): "f00"]
        ))
        #expect(plan.changes.map(\.action) == [.writeBrokerConfig, .restartBroker])
        #expect(plan.changes[1].reason == .configChanged)
    }

    @Test("an unreachable broker blocks the whole roll but not the harmless config writes")
    func unreachableBroker() {
        let plan = Planner.plan(T.input(
            desired: [1, 2, 3].map { T.spec(T.broker($0), T.brokerConfig(port: 9011)) },
            observed: [T.seen(T.broker(1), T.brokerConfig()), .failed(T.broker(2), "ssh: connection refused"),
                       T.seen(T.broker(3), T.brokerConfig())]
        ))
        #expect(plan.changes.map(\.action) == [.writeBrokerConfig, .writeBrokerConfig])
        #expect(plan.problemLines == ["kafka.brokerConfig/2: cannot observe: ssh: connection refused"])
        #expect(plan.warnings.contains { $0.hasPrefix("k/kafka.brokerConfig/1#restart_broker left out") })
        #expect(!plan.isComplete)
    }
}
