import DesiredState
import Manifests
import ReconcileModel
import Testing

@Suite("Cloud resource graphs carry every property the runbooks set")
struct ResourceGraphTests {
    @Test("Azure load balancer: one pool and one rule per broker, 9093-9095 -> 39092, one TCP probe on 39092 (seed 000 §4.2)")
    func azureLoadBalancer() throws {
        let (_, state) = try compileExample("azure-private-link")
        let lb = try #require(state.resource(ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")))
        let props = try #require(lb.properties["properties"])
        let rules = try #require(props["loadBalancingRules"]?.arrayValue)
        let lbID = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/kafka-pls-rg/providers/Microsoft.Network/loadBalancers/kafka-lb"
        #expect(rules.count == 3)
        for (i, rule) in rules.enumerated() {
            let n = i + 1
            #expect(rule["name"] == .string("rule\(n)"))
            #expect(rule["properties"]?["protocol"] == "Tcp")
            #expect(rule["properties"]?["frontendPort"] == .int(9092 + n))
            #expect(rule["properties"]?["backendPort"] == 39092)
            #expect(rule["properties"]?["backendAddressPool"]?["id"] == .string("\(lbID)/backendAddressPools/pool\(n)"))
            #expect(rule["properties"]?["probe"]?["id"] == .string("\(lbID)/probes/kafka-lb-hp"))
            #expect(rule["properties"]?["frontendIPConfiguration"]?["id"] == .string("\(lbID)/frontendIPConfigurations/kafka-lb-ip"))
        }
        #expect(props["probes"] == [["name": "kafka-lb-hp", "properties": ["protocol": "Tcp", "port": 39092]]])
        #expect(props["backendAddressPools"] == [["name": "pool1"], ["name": "pool2"], ["name": "pool3"]])
        #expect(lb.properties["sku"] == ["name": "Standard", "tier": "Regional"])
        let frontend = try #require(props["frontendIPConfigurations"]?.arrayValue?.first)
        #expect(frontend["zones"] == ["1", "2", "3"])
        // Created NICs take 10.0.0.4-6 statically; the frontend takes the subnet's last usable address so a
        // dynamic allocation made before the NICs exist cannot take one of theirs.
        #expect(frontend["properties"]?["privateIPAllocationMethod"] == "Static")
        #expect(frontend["properties"]?["privateIPAddress"] == "10.0.0.254")
        #expect(lb.disruption == .consumerVisible)
        #expect(lb.properties["tags"]?["managed-by"] == "kafka-private-link-reconciler")
    }

    @Test("Azure NICs join their broker's pool; VMs, PLS and VNet carry the seed's settings; dependencies point the right way")
    func azureGraph() throws {
        let (_, state) = try compileExample("azure-private-link")
        func spec(_ type: String, _ name: String) throws -> ResourceSpec {
            try #require(state.resource(ResourceAddress(cluster: "tidb-kafka", type: type, name: name)))
        }
        let nic = try spec("azure.networkInterface", "broker-node-2-nic")
        let config = try #require(nic.properties["properties"]?["ipConfigurations"]?.arrayValue?.first?["properties"])
        #expect(config["privateIPAddress"] == "10.0.0.5")
        #expect(config["loadBalancerBackendAddressPools"]?.arrayValue?.first?["id"]?.stringValue?.hasSuffix("/backendAddressPools/pool2") == true)
        #expect(nic.dependsOn.contains(ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")))
        let vm = try spec("azure.virtualMachine", "broker-node-3")
        #expect(vm.properties["zones"] == ["3"])
        #expect(vm.properties["properties"]?["hardwareProfile"]?["vmSize"] == "Standard_D2s_v3")
        #expect(vm.properties["properties"]?["storageProfile"]?["imageReference"]?["offer"] == "ubuntu-24_04-lts")
        #expect(vm.properties["properties"]?["storageProfile"]?["imageReference"]?["sku"] == "server")
        #expect(vm.properties["properties"]?["osProfile"]?["linuxConfiguration"]?["disablePasswordAuthentication"] == true)
        #expect(vm.dependsOn.contains(nic.address) == false && vm.dependsOn.contains(ResourceAddress(cluster: "tidb-kafka", type: "azure.networkInterface", name: "broker-node-3-nic")))
        let pls = try spec("azure.privateLinkService", "kafka-pls")
        #expect(pls.properties["properties"]?["autoApproval"] == ["subscriptions": ["99549169-6cee-4263-8491-924a3011ee31"]])
        #expect(pls.properties["properties"]?["visibility"] == ["subscriptions": ["99549169-6cee-4263-8491-924a3011ee31"]])
        #expect(pls.dependsOn.contains(ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")))
        // Its NAT address is dynamic: it is created after the NICs so it cannot take a broker's static address.
        #expect(pls.dependsOn.contains(ResourceAddress(cluster: "tidb-kafka", type: "azure.networkInterface", name: "broker-node-1-nic")))
        let vnet = try spec("azure.virtualNetwork", "kafka-pls-vnet")
        let subnet = try #require(vnet.properties["properties"]?["subnets"]?.arrayValue?.first)
        #expect(subnet["properties"]?["addressPrefix"] == "10.0.0.0/24")
        #expect(subnet["properties"]?["privateLinkServiceNetworkPolicies"] == "Disabled")
        #expect(state.resources.filter { $0.address.type == "kafka.brokerConfig" }.count == 3)
        #expect(state.resources.allSatisfy { $0.dependsOn.allSatisfy { dep in state.resource(dep) != nil } }, "every dependency is itself desired")
    }

    @Test("GCP port mapping: one NEG endpoint per broker (port 39092, client port 9093-9095), PSC NAT subnet, firewall from exactly its range")
    func gcpPortMapping() throws {
        let (_, state) = try compileExample("gcp-psc-port-mapping")
        func spec(_ type: String, _ name: String) throws -> ResourceSpec {
            try #require(state.resource(ResourceAddress(cluster: "tidb-kafka-gcp", type: type, name: name)))
        }
        let neg = try spec("gcp.networkEndpointGroup", "kafka-neg")
        #expect(neg.properties["networkEndpointType"] == "GCE_VM_IP_PORTMAP")
        let endpoints = try #require(neg.properties["networkEndpoints"]?.arrayValue)
        #expect(endpoints == (1...3).map { n in
            ["instance": .string("projects/my-kafka-project/zones/us-west1-\(["a", "b", "c"][n - 1])/instances/broker-node\(n)"),
             "port": 39092, "clientDestinationPort": .int(9092 + n)]
        })
        let nat = try spec("gcp.subnetwork", "psc-subnet")
        #expect(nat.properties["purpose"] == "PRIVATE_SERVICE_CONNECT")
        #expect(nat.properties["ipCidrRange"] == "10.128.0.0/18")
        let fw = try spec("gcp.firewall", "allow-psc-traffic")
        #expect(fw.properties["sourceRanges"] == ["10.128.0.0/18"])
        #expect(fw.properties["allowed"] == [["IPProtocol": "all"]])
        #expect(fw.properties["direction"] == "INGRESS")
        let rule = try spec("gcp.forwardingRule", "kafka-lb-forwarding-rule")
        #expect(rule.properties["allPorts"] == true)
        #expect(rule.properties["loadBalancingScheme"] == "INTERNAL")
        let sa = try spec("gcp.serviceAttachment", "kafka-psc")
        #expect(sa.properties["connectionPreference"] == "ACCEPT_MANUAL")
        #expect(sa.properties["consumerAcceptLists"] == [["projectIdOrNum": "tidbcloud-prod-000", "connectionLimit": 10]])
        #expect(sa.properties["natSubnets"] == ["projects/my-kafka-project/regions/us-west1/subnetworks/psc-subnet"])
        let backend = try spec("gcp.backendService", "kafka-lb")
        #expect(backend.properties["healthChecks"] == nil, "the runbook configures no health check in port-mapping mode")
        let bastion = try spec("gcp.instance", "bastion-node")
        #expect(bastion.properties["networkInterfaces"]?.arrayValue?.first?["accessConfigs"] != nil)
        let broker = try spec("gcp.instance", "broker-node2")
        #expect(broker.properties["networkInterfaces"]?.arrayValue?.first?["accessConfigs"] == nil, "brokers get no external IP")
        #expect(broker.properties["machineType"] == "zones/us-west1-b/machineTypes/e2-medium")
    }

    @Test("Second consumer: EXTERNAL2 in every broker's config, new LB and PLS, both pools on the same NICs")
    func secondConsumer() throws {
        let (_, state) = try compileExample("second-consumer")
        let nic = try #require(state.resource(ResourceAddress(cluster: "tidb-kafka", type: "azure.networkInterface", name: "broker-node-1-nic")))
        let pools = nic.properties["properties"]?["ipConfigurations"]?.arrayValue?.first?["properties"]?["loadBalancerBackendAddressPools"]?.arrayValue ?? []
        #expect(Set(pools.compactMap { $0["id"]?.stringValue?.split(separator: "/").suffix(3).joined(separator: "/") }) == [
            "kafka-lb/backendAddressPools/pool1", "kafka-lb-2/backendAddressPools/pool1",
        ])
        #expect(!state.resources.contains { $0.address.type == "azure.nicBackendPoolAssociation" }, "NICs we create carry the pools inline")
        let lb2 = try #require(state.resource(ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb-2")))
        let rules = lb2.properties["properties"]?["loadBalancingRules"]?.arrayValue ?? []
        #expect(rules.map { $0["properties"]?["frontendPort"] } == [9096, 9097, 9098])
        #expect(rules.allSatisfy { $0["properties"]?["backendPort"] == 39093 })
        #expect(lb2.dependsOn.contains(ResourceAddress(cluster: "tidb-kafka", type: "azure.virtualNetwork", name: "kafka-pls-vnet")),
                "the second LB waits for the VNet the first exposure creates")
        let config = try #require(state.brokerConfigs["tidb-kafka"]?[2])
        #expect(config["listeners"] == "INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092,EXTERNAL2://0.0.0.0:39093")
        #expect(config["advertised.listeners"] == "INTERNAL://10.0.0.5:9092,EXTERNAL://b2.abc.eastus.azure.3199745.tidbcloud.com:9094,EXTERNAL2://b2.def.eastus.azure.3199745.tidbcloud.com:9097")
        #expect(config["listener.security.protocol.map"]?.contains("EXTERNAL2:PLAINTEXT") == true)
    }

    @Test("Existing cluster: nothing but the LB, the PLS, pool associations and broker configs; settings kept")
    func existingCluster() throws {
        let (_, state) = try compileExample("existing-cluster")
        let types = Set(state.resources.map(\.address.type))
        #expect(types == ["azure.loadBalancer", "azure.privateLinkService", "azure.nicBackendPoolAssociation", "kafka.brokerConfig"])
        // The NICs already hold their addresses, so a dynamic frontend cannot collide with them.
        let lb = try #require(state.resources.first { $0.address.type == "azure.loadBalancer" })
        #expect(lb.properties["properties"]?["frontendIPConfigurations"]?.arrayValue?.first?["properties"]?["privateIPAllocationMethod"] == "Dynamic")
        let assoc = state.resources.filter { $0.address.type == "azure.nicBackendPoolAssociation" }
        #expect(assoc.map(\.address.name) == ["kafka-prod-1-nic+kafka-lb.pool1", "kafka-prod-2-nic+kafka-lb.pool2", "kafka-prod-3-nic+kafka-lb.pool3"])
        let config = try #require(state.brokerConfigs["legacy-kafka"]?[1])
        #expect(config["min.insync.replicas"] == "2")
        #expect(config["advertised.listeners"] == "INTERNAL://10.1.0.4:9092,EXTERNAL://b1.xyz7.eastus.azure.3199745.tidbcloud.com:9093")
    }

    @Test("kafka-proxy: template named by its content, group of exactly one, TCP health check on the first bootstrap port, brokers untouched")
    func kafkaProxy() throws {
        let (manifests, _) = try compileExample("gcp-kafka-proxy")
        let facts = ClusterFacts(listenerPort: 9092, advertised: [1: "10.64.0.10:9092", 2: "10.64.0.11:9092", 3: "10.64.0.12:9092"],
                                 apiMaxVersions: [0: 10, 3: 12, 10: 4, 18: 3])
        let state = DesiredStateCompiler.compile(manifests, facts: ["tidb-kafka-proxied": facts])
        let group = try #require(state.resources.first { $0.address.type == "gcp.instanceGroupManager" })
        #expect(group.properties["targetSize"] == 1)
        let hc = try #require(state.resources.first { $0.address.type == "gcp.healthCheck" })
        #expect(hc.properties["tcpHealthCheck"]?["port"] == 9092)
        let template = try #require(state.resources.first { $0.address.type == "gcp.instanceTemplate" })
        #expect(template.unresolved == nil)
        #expect(template.generationFamily == "kafka-proxy-tpl")
        #expect(ResourceSpec.isGeneration(template.address.name, of: "kafka-proxy-tpl"), "\(template.address.name)")
        #expect(template.properties["name"]?.stringValue == template.address.name)
        #expect(group.properties["instanceTemplate"]?.stringValue == "projects/my-kafka-project/regions/us-west1/instanceTemplates/\(template.address.name)")
        #expect(group.dependsOn.contains(template.address))
        let script = template.properties["properties"]?["metadata"]?["items"]?.arrayValue?.first?["value"]?.stringValue ?? ""
        let args = try #require(KafkaProxyFlags.arguments(inStartupScript: script))
        #expect(Array(args.prefix(2)) == ["--bootstrap-server-mapping", "10.64.0.10:9092,0.0.0.0:9092,b1.abc.us-west1.gcp.3199745.tidbcloud.com:9092"])
        #expect(Array(args.suffix(2)) == ["--http-listen-address", "127.0.0.1:9080"], "the HTTP endpoint stays on loopback")
        #expect(template.replaceOn.contains("properties"), "instance templates are immutable")
        #expect(state.brokerConfigs["tidb-kafka-proxied"]?.isEmpty ?? true, "kafka-proxy mode manages no broker file")
        #expect(!state.resources.contains { $0.address.type == "kafka.brokerConfig" })
        #expect(!state.resources.contains { $0.address.type == "gcp.network" }, "the existing VPC is only referenced")
    }
}
