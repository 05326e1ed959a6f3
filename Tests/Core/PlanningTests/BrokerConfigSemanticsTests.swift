import Planning
import ReconcileModel
import Testing

@Suite("Broker config semantics")
struct BrokerConfigSemanticsTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let reason: String
        let key: String
        let a: String?
        let b: String?
        let equivalent: Bool
        var testDescription: String { reason }
    }

    static let rows: [Row] = [
        Row(reason: "surrounding whitespace is ignored", key: "num.network.threads", a: " 8 ", b: "8", equivalent: true),
        Row(reason: "different plain values differ", key: "num.network.threads", a: "8", b: "16", equivalent: false),
        Row(reason: "spaces around commas in listeners are cosmetic", key: "listeners",
            a: "INTERNAL://0.0.0.0:9092 , EXTERNAL://0.0.0.0:9094", b: "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9094", equivalent: true),
        Row(reason: "listener order is cosmetic (compared by listener name)", key: "advertised.listeners",
            a: "EXTERNAL://lb:9001,INTERNAL://b1:9092", b: "INTERNAL://b1:9092,EXTERNAL://lb:9001", equivalent: true),
        Row(reason: "a changed advertised port is real", key: "advertised.listeners",
            a: "INTERNAL://b1:9092,EXTERNAL://lb:9001", b: "INTERNAL://b1:9092,EXTERNAL://lb:9011", equivalent: false),
        Row(reason: "an added listener is real", key: "listeners",
            a: "INTERNAL://0.0.0.0:9092", b: "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9094", equivalent: false),
        Row(reason: "protocol map order is cosmetic", key: "listener.security.protocol.map",
            a: "EXTERNAL:SASL_SSL, INTERNAL:SSL", b: "INTERNAL:SSL,EXTERNAL:SASL_SSL", equivalent: true),
        Row(reason: "a changed protocol is real", key: "listener.security.protocol.map",
            a: "INTERNAL:SSL", b: "INTERNAL:SASL_SSL", equivalent: false),
        Row(reason: "quorum voters are a set", key: "controller.quorum.voters",
            a: "1@c1:9093,2@c2:9093,3@c3:9093", b: "3@c3:9093, 1@c1:9093,2@c2:9093", equivalent: true),
        Row(reason: "process roles are a set", key: "process.roles", a: "broker,controller", b: "controller , broker", equivalent: true),
        Row(reason: "controller listener names keep their order (Kafka uses the first)", key: "controller.listener.names",
            a: "CONTROLLER,CONTROLLER2", b: "CONTROLLER2,CONTROLLER", equivalent: false),
        Row(reason: "order matters for keys Kafka does not treat as lists", key: "ssl.cipher.suites",
            a: "A,B", b: "B,A", equivalent: false),
        Row(reason: "absent equals absent", key: "listeners", a: nil, b: nil, equivalent: true),
        Row(reason: "absent differs from empty", key: "listeners", a: nil, b: "", equivalent: false),
    ]

    @Test("equivalence", arguments: rows)
    func equivalence(_ row: Row) {
        #expect(BrokerConfigSemantics.equivalent(key: row.key, row.a, row.b) == row.equivalent, "\(row.reason)")
        #expect(BrokerConfigSemantics.equivalent(key: row.key, row.b, row.a) == row.equivalent, "symmetric: \(row.reason)")
    }

    @Test("listener entries split on :// or :")
    func listenerEntries() {
        #expect(BrokerConfigSemantics.listenerEntry("SASL_SSL://0.0.0.0:9092") == .init(name: "SASL_SSL", rest: "0.0.0.0:9092"))
        #expect(BrokerConfigSemantics.listenerEntry("INTERNAL:SSL") == .init(name: "INTERNAL", rest: "SSL"))
        #expect(BrokerConfigSemantics.splitList("  ") == [])
        #expect(BrokerConfigSemantics.splitList(" a ,b,  c ") == ["a", "b", "c"])
    }

    @Test("differences are per key; null means the key must be absent; secrets are marked")
    func differences() {
        let desired: Value = [
            "advertised.listeners": "INTERNAL://b:9092,EXTERNAL://lb:9011",
            "listeners": "EXTERNAL://0.0.0.0:9094, INTERNAL://0.0.0.0:9092",
            "inter.broker.listener.name": nil,
            "unclean.leader.election.enable": nil,
            "ssl.key.password": "new",
        ]
        let observed: Value = [
            "advertised.listeners": "INTERNAL://b:9092,EXTERNAL://lb:9001",
            "listeners": "INTERNAL://0.0.0.0:9092,EXTERNAL://0.0.0.0:9094",
            "inter.broker.listener.name": "INTERNAL",
            "ssl.key.password": "old",
            "log.dirs": "/data",
        ]
        let changes = BrokerConfigSemantics.differences(desired: desired, observed: observed)
        #expect(changes.map(\.path) == ["advertised.listeners", "inter.broker.listener.name", "ssl.key.password"])
        #expect(changes[1].before == "INTERNAL" && changes[1].after == nil)
        #expect(changes.map(\.sensitive) == [false, false, true])
    }
}
