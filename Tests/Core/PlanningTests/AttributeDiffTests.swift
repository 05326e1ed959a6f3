import Planning
import ReconcileModel
import Testing

@Suite("Attribute diff")
struct AttributeDiffTests {
    static func lb(_ rules: [(String, Int)]) -> Value {
        ["location": "eastus",
         "properties": ["loadBalancingRules": .array(rules.map { name, port in
             ["name": .string(name), "properties": ["frontendPort": .int(port), "backendPort": 9092]]
         })]]
    }

    @Test("nested objects give dotted paths")
    func dottedPaths() {
        let changes = AttributeDiff.changes(from: ["properties": ["a": 1, "b": ["c": "x"]]],
                                            to: ["properties": ["a": 2, "b": ["c": "y"]]])
        #expect(changes.map(\.path) == ["properties.a", "properties.b.c"])
        #expect(changes[0].before == 1 && changes[0].after == 2)
    }

    @Test("arrays of named objects are matched by name, whatever their order")
    func namedArrays() {
        let changes = AttributeDiff.changes(from: Self.lb([("rule2", 9002), ("rule1", 9001)]),
                                            to: Self.lb([("rule1", 9011), ("rule2", 9002), ("rule3", 9003)]))
        #expect(changes.map(\.path) == [
            "properties.loadBalancingRules[rule1].properties.frontendPort",
            "properties.loadBalancingRules[rule3].name",
            "properties.loadBalancingRules[rule3].properties.backendPort",
            "properties.loadBalancingRules[rule3].properties.frontendPort",
        ])
        #expect(changes[0].before == 9001 && changes[0].after == 9011)
        #expect(changes[1].before == nil)
        #expect(AttributeDiff.changes(from: Self.lb([("a", 1), ("b", 2)]), to: Self.lb([("b", 2), ("a", 1)])).isEmpty)
    }

    @Test("other arrays are compared whole")
    func plainArrays() {
        let changes = AttributeDiff.changes(from: ["prefixes": ["10.0.0.0/16"]], to: ["prefixes": ["10.0.0.0/16", "10.1.0.0/16"]])
        #expect(changes == [AttributeChange(path: "prefixes", before: ["10.0.0.0/16"], after: ["10.0.0.0/16", "10.1.0.0/16"])])
    }

    @Test("a change under a replaceOn top-level key forces replacement")
    func forcesReplacement() {
        let changes = AttributeDiff.changes(from: ["location": "eastus", "sku": ["name": "Basic"]],
                                            to: ["location": "westus", "sku": ["name": "Standard"]],
                                            replaceOn: ["location"])
        #expect(changes.map(\.forcesReplacement) == [true, false])
    }

    struct SensitiveCase: Sendable, CustomTestStringConvertible {
        let reason: String
        let key: String
        let sensitive: Bool
        var testDescription: String { reason }
    }

    @Test("secret-looking keys are sensitive", arguments: [
        SensitiveCase(reason: "passwords are secrets", key: "adminPassword", sensitive: true),
        SensitiveCase(reason: "Kafka keystore passwords are secrets", key: "ssl.keystore.password", sensitive: true),
        SensitiveCase(reason: "JAAS configs embed credentials", key: "listener.name.privatelink.plain.sasl.jaas.config", sensitive: true),
        SensitiveCase(reason: "tokens are secrets", key: "sasToken", sensitive: true),
        SensitiveCase(reason: "client secrets are secrets", key: "clientSecret", sensitive: true),
        SensitiveCase(reason: "private keys with a separator are secrets", key: "private_key", sensitive: true),
        SensitiveCase(reason: "private keys without a separator are secrets", key: "PrivateKey", sensitive: true),
        SensitiveCase(reason: "ports are not secrets", key: "frontendPort", sensitive: false),
        SensitiveCase(reason: "privateLinkServiceId is not a key", key: "privateLinkServiceId", sensitive: false),
    ])
    func sensitiveKeys(_ row: SensitiveCase) {
        #expect(AttributeDiff.isSensitive(key: row.key) == row.sensitive, "\(row.reason)")
    }

    @Test("children of a secret object are sensitive too")
    func sensitiveSubtree() {
        let changes = AttributeDiff.changes(from: ["secrets": ["value": "a"], "port": 1], to: ["secrets": ["value": "b"], "port": 2])
        #expect(changes.map(\.sensitive) == [false, true])
    }

    @Test("a create lists every leaf as added")
    func createLeaves() {
        let changes = AttributeDiff.changes(from: nil, to: ["a": 1, "b": ["c": true]])
        #expect(changes == [AttributeChange(path: "a", before: nil, after: 1), AttributeChange(path: "b.c", before: nil, after: true)])
    }
}
