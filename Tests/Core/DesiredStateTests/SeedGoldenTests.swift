import DesiredState
import Manifests
import ReconcileModel
import Testing
import TestSupport

@Suite("Rendered broker configs equal the seeds' files key by key")
struct SeedGoldenTests {
    @Test("Example reproduces its seed's three server.properties", arguments: [
        ("azure-private-link", "tidb-kafka", "000", "{broker-node-%d-ip}"),
        ("gcp-psc-port-mapping", "tidb-kafka-gcp", "003", "{broker-node%d-ip}"),
    ])
    func seedConfigs(example: String, cluster: String, seed: String, placeholder: String) throws {
        let (manifests, state) = try compileExample(example)
        let seedConfigs = seedBrokerConfigs(try Repo.seed(seed))
        #expect(seedConfigs.count == 3, "found \(seedConfigs.count) complete server.properties blocks in seed \(seed)")
        let c = try #require(manifests.cluster(named: cluster))
        for expected in seedConfigs {
            let id = try #require(Int(expected["node.id"] ?? ""))
            let rendered = try #require(state.brokerConfigs[cluster]?[id])
            for (key, seedValue) in expected {
                var want = seedValue
                for broker in c.brokers {
                    want = want.replacing(placeholder.replacing("%d", with: String(broker.nodeID.value)), with: broker.address.value)
                }
                if key == "log.dirs" {
                    // The runbooks' relative ./data only works from the home directory; we render it absolute (§9 #6).
                    #expect(rendered[key] == c.logDirs.value && rendered[key]!.hasSuffix("/data"), "broker \(id) \(key)")
                } else {
                    #expect(rendered[key] == want, "broker \(id) \(key)")
                }
            }
            #expect(rendered.entries.map(\.key) == [
                "process.roles", "node.id", "controller.quorum.voters", "listeners", "inter.broker.listener.name",
                "advertised.listeners", "controller.listener.names", "listener.security.protocol.map", "log.dirs",
            ], "keys in the runbook's order, nothing extra")
        }
    }

    @Test("kafka-proxy flags match seed 003 §6.2 with the brokers' INTERNAL addresses")
    func proxyFlags() throws {
        let (manifests, _) = try compileExample("gcp-kafka-proxy")
        let exposure = try #require(manifests.gcpExposures.first)
        let cluster = try #require(manifests.cluster(named: "tidb-kafka-proxied"))
        let flags = KafkaProxyFlags.flags(exposure: exposure, cluster: cluster)
        let seed = try Repo.seed("003")
        var expected: [String] = []
        for n in 1...3 {
            let line = try #require(seed.split(separator: "\n").first { $0.contains("{address_of_broker\(n)}") && $0.contains("--bootstrap-server-mapping") })
            let quoted = String(line.split(separator: "\"")[1])
            expected += ["--bootstrap-server-mapping", quoted.replacing("{address_of_broker\(n)}", with: "10.64.0.\(9 + n):9092")]
        }
        #expect(Array(flags.prefix(6)) == expected)
        #expect(Array(flags.suffix(4)) == [
            "--dynamic-sequential-min-port", "9095",
            "--dynamic-advertised-listener", "brokers.abc.us-west1.gcp.3199745.tidbcloud.com",
        ])
        #expect(seed.contains("--dynamic-sequential-min-port 9095") || seed.contains("--dynamic-sequential-min-port=9095"))
    }
}
