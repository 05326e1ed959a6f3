import DesiredState
import Foundation
import Manifests
import ReconcileModel
import Testing
import TestSupport

/// kafka-proxy's template comes from what the brokers advertise (read over Kafka), never from the manifest alone.
@Suite("kafka-proxy's template from the brokers' advertised addresses")
struct KafkaProxyFactsTests {
    static let suffix = "abc.us-west1.gcp.3199745.tidbcloud.com"
    static let v37: [Int: Int] = [0: 10, 3: 12, 10: 4, 18: 3, 74: 0]

    static func compiled(_ facts: ClusterFacts?) throws -> (template: ResourceSpec, group: ResourceSpec, state: DesiredState) {
        let (manifests, _) = try compileExample("gcp-kafka-proxy")
        let state = DesiredStateCompiler.compile(manifests, facts: facts.map { ["tidb-kafka-proxied": $0] } ?? [:])
        let template = try #require(state.resources.first { $0.address.type == "gcp.instanceTemplate" })
        let group = try #require(state.resources.first { $0.address.type == "gcp.instanceGroupManager" })
        return (template, group, state)
    }

    static func args(_ template: ResourceSpec) -> [String] {
        let script = template.properties["properties"]?["metadata"]?["items"]?.arrayValue?.first?["value"]?.stringValue ?? ""
        return KafkaProxyFlags.arguments(inStartupScript: script) ?? []
    }

    static func facts(_ advertised: [Int: String], versions: [Int: Int] = v37) -> ClusterFacts {
        ClusterFacts(listenerPort: 9092, advertised: advertised, apiMaxVersions: versions)
    }

    @Test("the mappings use the exact host:port each broker advertises (a name, not the manifest's address)")
    func advertisedNames() throws {
        let (template, _, _) = try Self.compiled(Self.facts([1: "broker-node1:9092", 2: "broker-node2:9092", 3: "broker-node3:9092"]))
        let mappings = Self.args(template).enumerated().filter { $0.offset % 2 == 1 && Self.args(template)[$0.offset - 1] == "--bootstrap-server-mapping" }.map(\.element)
        #expect(mappings == (1...3).map { "broker-node\($0):9092,0.0.0.0:\(9091 + $0),b\($0).\(Self.suffix):\(9091 + $0)" })
    }

    @Test("same facts, same template name; other facts, another name of the same family")
    func contentHash() throws {
        let a = try Self.compiled(Self.facts([1: "10.64.0.10:9092", 2: "10.64.0.11:9092", 3: "10.64.0.12:9092"])).template
        let b = try Self.compiled(Self.facts([1: "10.64.0.10:9092", 2: "10.64.0.11:9092", 3: "10.64.0.12:9092"])).template
        let c = try Self.compiled(Self.facts([1: "10.64.0.10:9092", 2: "10.64.0.11:9092", 3: "10.64.0.99:9092"])).template
        #expect(a.address == b.address)
        #expect(a.address != c.address)
        #expect(ResourceSpec.isGeneration(c.address.name, of: "kafka-proxy-tpl"))
    }

    @Test("a broker the cluster has beyond the manifest is left to the dynamic listeners; added to the manifest, it gets the next static port")
    func addedBroker() throws {
        let four = Self.facts([1: "10.64.0.10:9092", 2: "10.64.0.11:9092", 3: "10.64.0.12:9092", 4: "10.64.0.13:9092"])
        let (unlisted, _, _) = try Self.compiled(four)
        #expect(!Self.args(unlisted).contains { $0.hasPrefix("10.64.0.13") }, "broker 4 is found dynamically")
        #expect(unlisted.address == (try Self.compiled(Self.facts([1: "10.64.0.10:9092", 2: "10.64.0.11:9092", 3: "10.64.0.12:9092"]))).template.address,
                "a broker outside the manifest changes nothing")

        var (manifests, _) = try compileExample("gcp-kafka-proxy")
        var broker = manifests.clusters[0].brokers[2]
        broker.nodeID.value = 4
        broker.name.value = "broker-node4"
        broker.address.value = "10.64.0.13"
        manifests.clusters[0].brokers.append(broker)
        let state = DesiredStateCompiler.compile(manifests, facts: ["tidb-kafka-proxied": four])
        let template = try #require(state.resources.first { $0.address.type == "gcp.instanceTemplate" })
        let args = Self.args(template)
        #expect(args.contains("10.64.0.13:9092,0.0.0.0:9095,b4.\(Self.suffix):9095"))
        let dynamic = try #require(args.firstIndex(of: "--dynamic-sequential-min-port"))
        #expect(args[dynamic + 1] == "9096")
        let attachment = try #require(state.resources.first { $0.address.type == "gcp.serviceAttachment" })
        #expect(attachment.consumerFacts.contains("bootstrap ports of exposure tidb-us-west1-proxy: 9092,9093,9094,9095"))
        let firewall = try #require(state.resources.first { $0.address.name == "allow-proxy-psc-traffic-health-checks" })
        #expect(firewall.properties["allowed"]?.arrayValue?.first?["ports"] == ["9092", "9093", "9094", "9095"])
    }

    @Test("no facts, unreadable facts, a manifest broker missing from the metadata: unresolved, named, nothing guessed")
    func unresolved() throws {
        let none = try Self.compiled(nil).template
        #expect(none.unresolved?.contains("were not read") == true)
        #expect(none.address.name == "kafka-proxy-tpl")
        let unreadable = try Self.compiled(.unreadable(listenerPort: 9092, "no broker answered (10.64.0.10:9092: connection refused)")).template
        #expect(unreadable.unresolved?.contains("cannot read the brokers' advertised INTERNAL addresses over Kafka (port 9092): no broker answered") == true)
        let down = try Self.compiled(Self.facts([1: "10.64.0.10:9092", 3: "10.64.0.12:9092"]))
        #expect(down.template.unresolved?.contains("broker 2 of the manifest is not registered in the cluster's metadata") == true, "\(down.template.unresolved ?? "")")
        #expect(down.group.dependsOn.contains(down.template.address), "the group waits on the unresolved template")
    }

    @Test("version guard: brokers offering FindCoordinator v5 / Produce v11 / key 75 (Kafka 3.8+) are refused, naming 3.7.x")
    func versionGuard() throws {
        var newer = Self.v37
        newer[10] = 5
        newer[0] = 11
        newer[75] = 0
        let template = try Self.compiled(Self.facts([1: "10.64.0.10:9092", 2: "10.64.0.11:9092", 3: "10.64.0.12:9092"], versions: newer)).template
        let message = try #require(template.unresolved)
        #expect(message.contains("Kafka 3.8 or newer (they offer FindCoordinator v5, Produce v11, API key 75)"), "\(message)")
        #expect(message.contains("kafka-proxy v0.3.11 handles brokers up to Kafka 3.7.x"))
        #expect(message.contains("3.7.2"))
        #expect(try Self.compiled(Self.facts([1: "a:9092", 2: "b:9092", 3: "c:9092"])).template.unresolved == nil, "3.7's versions pass")
    }

    @Test("the manifest itself may not declare Kafka 3.8+ for a kafka-proxy exposure")
    func manifestVersion() throws {
        let dir = try copyExample("gcp-kafka-proxy")
        let cluster = dir.appendingPathComponent("cluster.yaml")
        try String(contentsOf: cluster, encoding: .utf8).replacing("kafkaVersion: \"3.7.1\"", with: "kafkaVersion: \"3.8.0\"").write(to: cluster, atomically: true, encoding: .utf8)
        let load = ManifestLoader.load(directory: dir.path)
        let text = load.diagnostics.map(\.description).joined(separator: "\n")
        #expect(text.contains("cluster.yaml:8:"), "\(text)")
        #expect(text.contains("kafkaVersion 3.8.0 is too new for exposure `tidb-us-west1-proxy`"), "\(text)")
    }

    @Test("release: exactly one of url and gcsObject, an https URL or gs://BUCKET/OBJECT, and a 64-digit sha256; ssh optional only in this mode")
    func releaseAndSSH() throws {
        func load(_ edit: (String) -> String, file: String = "proxy.yaml") throws -> String {
            let dir = try copyExample("gcp-kafka-proxy")
            let url = dir.appendingPathComponent(file)
            try edit(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
            return ManifestLoader.load(directory: dir.path).diagnostics.map(\.description).joined(separator: "\n")
        }
        let http = try load { $0.replacing("url: https://", with: "url: http://") }
        #expect(http.contains("proxy.yaml:27:") && http.contains("must be an https:// URL"), "\(http)")
        let short = try load { $0.replacing("\"0000000000000000000000000000000000000000000000000000000000000000\"", with: "abc") }
        #expect(short.contains("spec.kafkaProxy.release.sha256: `abc` is not a sha256"), "\(short)")
        let gcs = try load { $0.replacing("url: https://github.com/grepplabs/kafka-proxy/releases/download/v0.3.11/kafka-proxy-v0.3.11-linux-amd64.tar.gz", with: "gcsObject: gs://my-bucket/tools/kafka-proxy.tar.gz") }
        #expect(gcs.isEmpty, "\(gcs)")
        let both = try load { $0.replacing("      sha256:", with: "      gcsObject: gs://b/o\n      sha256:") }
        #expect(both.contains("give either `url` or `gcsObject`, not both"), "\(both)")
        let port = try load { $0.replacing("mode: kafkaProxy", with: "mode: portMapping").replacing("  kafkaProxy:", with: "  kafkaProxyX:") }
        #expect(!port.isEmpty)
        let noSSHElsewhere = try load({ $0 + "---\n" + portMappingExposure }, file: "proxy.yaml")
        #expect(noSSHElsewhere.contains("missing required field `ssh`"), "\(noSSHElsewhere)")
    }

    /// A second, port-mapping exposure of the same cluster: its brokers must then be reachable over SSH.
    let portMappingExposure = """
        apiVersion: reconcile.kafka/v1alpha1
        kind: GcpPrivateServiceConnectExposure
        metadata: {name: pm}
        spec:
          cluster: tidb-kafka-proxied
          mode: portMapping
          project: my-kafka-project
          region: us-west1
          listener: {name: EXTERNAL, port: 39092}
          advertisedListenerPattern: "b<broker_id>.pm.example.com:<port>"
          network: {name: kafka-vpc, existing: true, subnets: [{name: brokers-subnet, ipCidrRange: 10.64.0.0/18}], brokersSubnet: brokers-subnet}
          pscNatSubnet: {name: pm-psc-subnet, ipCidrRange: 10.131.0.0/24}
          loadBalancer: {networkEndpointGroup: pm-neg, backendService: pm-lb, forwardingRule: pm-fr}
          serviceAttachment: {name: pm-psc, consumerAcceptList: [{project: tidbcloud-prod-000}]}
          firewall: {name: allow-pm}

        """

    func copyExample(_ name: String) throws -> URL { try Repo.copyExample(name) }
}
