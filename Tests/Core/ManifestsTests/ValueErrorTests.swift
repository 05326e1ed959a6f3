import Foundation
import Manifests
import ReconcileModel
import Testing

/// `validCluster` with its first broker's `nodeId: 1` written as `value`.
private func clusterWithNodeID(_ value: String) -> String {
    validCluster.replacingOccurrences(of: "{nodeId: 1, name: b-1", with: "{nodeId: \(value), name: b-1")
}

@Suite("Values the manifests cannot take say what is wrong with them")
struct ValueErrorTests {
    @Test("An integer too large for its field says it is out of range, not that it is a string", arguments: [
        ("99999999999999999999999", "integer 99999999999999999999999 is out of range; expected 0 to 2147483647"),
        ("-99999999999999999999999", "integer -99999999999999999999999 is out of range; expected 0 to 2147483647"),
        ("0x1FFFFFFFFFFFFFFFF", "integer 0x1FFFFFFFFFFFFFFFF is out of range; expected 0 to 2147483647"),
    ])
    func integerOutOfRange(value: String, message: String) {
        let result = load([("c.yaml", clusterWithNodeID(value))])
        #expect(result.errorLines == ["10:16 spec.brokers[0].nodeId: \(message)"])
    }

    @Test("An integer too large where any integer goes names the largest one")
    func integerOutOfRangeWithoutFieldRange() {
        let exposure = azureExposure().replacingOccurrences(
            of: "externalPorts: {start: 9093}", with: "externalPorts: {start: 9093, brokers: {99999999999999999999: 9100}}")
        let result = load([("c.yaml", validCluster), ("e.yaml", exposure)])
        #expect(result.errorLines == [
            "9:42 spec.externalPorts.brokers: integer 99999999999999999999 is out of range (at most 9223372036854775807)",
        ])
    }

    @Test("A language-specific tag on a scalar is named as not supported, once", arguments: [
        "!!python/object:os.system x", "!!python/object:os.system", "!!python/object:os.system '1'",
    ])
    func pythonTagOnScalar(value: String) {
        let result = load([("c.yaml", clusterWithNodeID(value))])
        #expect(result.errorLines == [
            "10:16 spec.brokers[0].nodeId: tag `!!python/object:os.system` is not supported; manifests take plain values (core tags only: !!str, !!int, !!float, !!bool, !!null, !!seq, !!map)",
        ])
    }

    @Test("A tag on a mapping, a list or a key is named as not supported, without follow-up errors")
    func tagsOnCollections() {
        let text = """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata: {name: c1}
            spec:
              kafkaVersion: "3.7.1"
              clusterId: BRl69zcmTFmiPaoaANybiw
              logDirs: /data
              brokers: !custom
                - {nodeId: 1, name: b-1, address: 10.0.0.4, zone: "1"}
              ssh: !!python/object:Ssh {user: kafka, !ruby/sym port: 22}

            """
        let errors = load([("c.yaml", text)]).errorLines
        let suffix = " is not supported; manifests take plain values (core tags only: !!str, !!int, !!float, !!bool, !!null, !!seq, !!map)"
        #expect(errors == [
            "8:12 spec.brokers: tag `!custom`" + suffix,
            "10:8 spec.ssh: tag `!!python/object:Ssh`" + suffix,
            "10:42 spec.ssh.port: tag `!ruby/sym`" + suffix,
        ])
        let document = load([("d.yaml", "--- !!python/object/new:os.system\n" + validCluster)]).errorLines
        #expect(document == ["1:5 : tag `!!python/object/new:os.system`" + suffix])
    }

    @Test("Core tags are still fine")
    func coreTags() {
        let result = load([("c.yaml", clusterWithNodeID("!!int \"1\"").replacingOccurrences(of: "logDirs: /data", with: "logDirs: !!str /data"))])
        #expect(result.diagnostics.map(\.description) == [])
    }
}
