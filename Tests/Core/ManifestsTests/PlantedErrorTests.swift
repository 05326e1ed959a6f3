import Manifests
import ReconcileModel
import Testing

@Suite("Every bad input gets a clear error with file, line and column, all at once")
struct PlantedErrorTests {
    @Test("A cluster manifest with many planted errors reports each one at its position")
    func plantedClusterErrors() {
        let text = """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata:
              name: Bad_Name
            spec:
              kafkaVersion: "three"
              clusterId: short
              logDirs: data
              brokers:
                - {nodeId: 1, name: b-1, address: 10.0.0.4}
                - {nodeId: 1, name: b-2, address: 10.0.0.300}
                - {nodeId: x, name: b-3, address: 10.0.0.6, zoen: "1"}
              settings:
                node.id: "7"
              ssh: {usr: kafka}
              healthh: {}

            """
        let result = load([("bad.yaml", text)])
        let errors = result.errorLines
        let expected = [
            "4:9 metadata.name: `Bad_Name` is not a valid name",
            "6:17 spec.kafkaVersion: `three` is not a Kafka version",
            "7:14 spec.clusterId: `short` is not a KRaft cluster id",
            "8:12 spec.logDirs: `data` is relative",
            "11:16 spec.brokers[1].nodeId: duplicate broker id 1 (first used at bad.yaml:10:16)",
            "11:39 spec.brokers[1].address: `10.0.0.300` is not an IPv4 address",
            "12:16 spec.brokers[2].nodeId: expected an integer, found string",
            "12:49 spec.brokers[2].zoen: unknown field `zoen`; did you mean `zone`?",
            "14:5 spec.settings.node.id: `node.id` is rendered by the reconciler",
            "15:9 spec.ssh.usr: unknown field `usr`; did you mean `user`?",
            "15:8 spec.ssh.user: missing required field `user`",
            "16:3 spec.healthh: unknown field `healthh`; did you mean `health`?",
        ]
        for e in expected {
            #expect(errors.contains { $0.hasPrefix(e) }, "missing: \(e)\nall: \(errors.joined(separator: "\n"))")
        }
        #expect(result.diagnostics.allSatisfy { $0.location?.file == "bad.yaml" })
        #expect(result.diagnostics.first?.description.hasPrefix("bad.yaml:4:9: error: metadata.name: ") == true)
    }

    @Test("YAML syntax errors, wrong kinds and headers name their position")
    func headerAndSyntax() {
        let result = load([
            ("a.yaml", "apiVersion: reconcile.kafka/v1alpha1\nkind: KafkaClustr\nmetadata: {name: x}\nspec: {}\n"),
            ("b.yaml", "apiVersion: v1\nkind: KafkaCluster\nmetadata: {name: y}\nspec: []\n"),
            ("c.yaml", "key: [unclosed\nother: 1\n"),
            ("d.yaml", "apiVersion: reconcile.kafka/v1alpha1\nkind: KafkaCluster\nmetadata: {name: z}\nspec:\n  kafkaVersion: 3.7.1\n  kafkaVersion: 3.7.2\n"),
        ])
        let errors = result.diagnostics.map(\.description)
        func has(_ prefix: String) -> Bool { errors.contains { $0.hasPrefix(prefix) } }
        #expect(has("a.yaml:2:7: error: kind: `KafkaClustr` is not valid; did you mean `KafkaCluster`?"), "\(errors)")
        #expect(has("b.yaml:1:13: error: apiVersion: unsupported apiVersion `v1`"), "\(errors)")
        #expect(has("b.yaml:4:7: error: spec: expected a mapping, found sequence"), "\(errors)")
        #expect(errors.contains { $0.hasPrefix("c.yaml:") && $0.contains("invalid YAML") }, "\(errors)")
        #expect(has("d.yaml:6:3: error: spec.kafkaVersion: duplicate key `kafkaVersion` (first defined at line 5, column 3)"), "\(errors)")
    }

    @Test("Cross-document checks: unknown cluster, duplicate names, listener and port collisions, patterns")
    func crossDocument() {
        let broken = azureExposure(name: "e2", port: 9092, start: 9093, listener: "EXTERNAL")
            .replacing("cluster: c1", with: "cluster: c2")
        let result = load([
            ("c.yaml", validCluster),
            ("e1.yaml", azureExposure(name: "e1", port: 29092).replacing("\"<broker_id>.abc", with: "\"abc")),
            ("e2.yaml", broken),
            ("e3.yaml", azureExposure(name: "e3", port: 39093, listener: "EXTERNAL")),
            ("e4.yaml", azureExposure(name: "e1", port: 39094, start: 9200, lb: "lb4", listener: "EXTERNAL4")),
        ])
        let errors = result.diagnostics.map(\.description)
        func has(_ text: String) -> Bool { errors.contains { $0.contains(text) } }
        #expect(has("e2.yaml:6:12: error: spec.cluster: no KafkaCluster named `c2`; did you mean `c1`?"), "\(errors)")
        #expect(has("e4.yaml:4:9: error: metadata.name: duplicate exposure name `e1` (first defined at e1.yaml:4:9)"), "\(errors)")
        #expect(has("e1.yaml:7:36: error: spec.listener.port: port 29092 is already used by the CONTROLLER listener"), "\(errors)")
        #expect(has("e1.yaml:8:30: error: spec.advertisedListenerPattern: invalid pattern `abc.eastus.azure.3199745.tidbcloud.com:<port>`: must start with `<broker_id>.`"), "\(errors)")
        #expect(has("e3.yaml:7:20: error: spec.listener.name: listener name `EXTERNAL` is already used by exposure `e1`"), "\(errors)")
        #expect(has("e3.yaml:9:26: error: spec.externalPorts.start: advertised port 9093 overlaps exposure `e1`, which shares this load balancer"), "\(errors)")
    }

    @Test("Networks: invalid and overlapping CIDRs, addresses outside the subnet, wrong zones")
    func networks() {
        let cluster = validCluster.replacing("address: 10.0.0.6, zone: \"3\"", with: "address: 10.9.0.6, zone: \"4\"")
        let exposure = azureExposure().replacing("addressPrefix: 10.0.0.0/24", with: "addressPrefix: 10.0.0.1/24")
        let result = load([("c.yaml", cluster), ("e.yaml", exposure)])
        let errors = result.diagnostics.map(\.description)
        func has(_ text: String) -> Bool { errors.contains { $0.contains(text) } }
        #expect(has("e.yaml:15:44: error: spec.network.subnet.addressPrefix: `10.0.0.1/24` has host bits set; did you mean `10.0.0.0/24`?"), "\(errors)")
        #expect(has("c.yaml:12:55: error: spec.brokers[2].zone: `4` is not an Azure availability zone"), "\(errors)")

        let gcp = """
            apiVersion: reconcile.kafka/v1alpha1
            kind: GcpPrivateServiceConnectExposure
            metadata: {name: g1}
            spec:
              cluster: c1
              mode: portMapping
              project: my-project-1
              region: us-west1
              listener: {name: EXTERNAL, port: 39092}
              advertisedListenerPattern: "<broker_id>.abc.us-west1.gcp.3199745.tidbcloud.com:<port>"
              externalPorts: {start: 9093}
              network:
                name: vpc
                subnets:
                  - {name: brokers, ipCidrRange: 10.0.0.0/16}
                  - {name: other, ipCidrRange: 10.0.128.0/18}
                brokersSubnet: brokers
              pscNatSubnet: {name: psc, ipCidrRange: 10.128.0.0/18}
              serviceAttachment: {consumerAcceptList: [{project: tidbcloud-prod-000}]}

            """
        let g = load([("c.yaml", validCluster), ("g.yaml", gcp)])
        let gErrors = g.diagnostics.map(\.description)
        #expect(gErrors.contains { $0.contains("g.yaml:16:36: error: spec.network.subnets[1].ipCidrRange: subnet `other` (10.0.128.0/18) overlaps `brokers` (10.0.0.0/16)") }, "\(gErrors)")
        #expect(gErrors.contains { $0.contains("c.yaml:10:55: error: spec.brokers[0].zone: `1` is not a zone of us-west1") }, "\(gErrors)")
    }

    @Test("Load balancer frontend: a pinned address outside the subnet, not an address, or a broker's is an error")
    func frontendAddress() {
        func errors(_ address: String) -> [String] {
            let exposure = azureExposure().replacing("loadBalancer: {name: kafka-lb}", with: "loadBalancer: {name: kafka-lb, frontendIPAddress: \(address)}")
            return load([("c.yaml", validCluster), ("e.yaml", exposure)]).diagnostics.map(\.description)
        }
        #expect(errors("10.0.0.200").isEmpty)
        #expect(errors("10.0.1.7").contains { $0.contains("e.yaml:19:53: error: spec.loadBalancer.frontendIPAddress: frontend address 10.0.1.7 is not a usable address of subnet `brokers` (10.0.0.0/24)") })
        #expect(errors("10.0.0.255").contains { $0.contains("is not a usable address") })
        #expect(errors("fe80::1").contains { $0.contains("`fe80::1` is not an IPv4 address") })
        #expect(errors("10.0.0.5").contains { $0.contains("broker 2 and the load balancer frontend both use 10.0.0.5; set `loadBalancer.frontendIPAddress` to a free address") })
    }

    @Test("A directory with no manifests, and a missing directory, are errors")
    func emptyInputs() {
        #expect(ManifestLoader.load(directory: "/nonexistent-\(UInt32.random(in: 0...UInt32.max))").diagnostics.hasErrors)
        let result = load([("empty.yaml", ""), ("comments.yaml", "# nothing here\n")])
        #expect(result.diagnostics.map(\.description) == [
            "comments.yaml:1:1: error: file contains no documents",
            "empty.yaml:1:1: error: file contains no documents",
        ])
    }
}
