import AzureProvider
import ReconcileModel
import Testing

@Suite("Normalisation: observed ARM bodies show no perpetual diff, and real differences stay visible")
struct NormalisationTests {
    func kind(_ spec: ResourceSpec) -> ARMResourceKind { ARMResourceKind(rawValue: spec.address.type)! }

    @Test("Every seed resource, as ARM returns it, projects onto its desired spec with no difference", arguments: Seed.all)
    func seedHasNoDiff(spec: ResourceSpec) {
        let observed = Normaliser.normalise(SeedLive.body(for: spec), kind: kind(spec), desired: spec.properties)
        #expect(SemanticDiff.plan(observed, spec.properties) == [], "\(spec.address): \(observed)")
    }

    @Test("Microsoft's own examples: the LB and PLS create responses match their requests", arguments: [
        "LoadBalancerCreateStandardSku.json", "PrivateLinkServiceCreate.json",
    ])
    func officialExamples(file: String) throws {
        let request = try OfficialExamples.request(file)
        let kind: ARMResourceKind = file.hasPrefix("Load") ? .loadBalancer : .privateLinkService
        for status in ["200", "201"] {
            var response = try OfficialExamples.response(file, status: status)
            if kind == .privateLinkService {
                // Microsoft's PLS example names its NAT ipConfiguration `fe-lb` in the request and `ipconfig1` in
                // the response: a real difference, which must show as one.
                let observed = Normaliser.normalise(response, kind: kind, desired: request)
                #expect(SemanticDiff.plan(observed, request) == ["properties.ipConfigurations[fe-lb]", "properties.ipConfigurations[ipconfig1]"])
                response = response.replacing("properties.ipConfigurations") { configs in
                    .array(configs.arrayValue!.map { $0.replacing("name") { _ in "fe-lb" } })
                }
            }
            let observed = Normaliser.normalise(response, kind: kind, desired: request)
            #expect(SemanticDiff.plan(observed, request) == [], "\(file) \(status)")
        }
    }

    @Test("Read-only and server-set fields are gone even where the planner would not project them away")
    func readOnlyStripped() throws {
        let lb = Normaliser.normalise(SeedLive.loadBalancer, kind: .loadBalancer, desired: nil)
        let text = lb.description
        for field in ["\"etag\"", "\"provisioningState\"", "\"resourceGuid\"", "backendIPConfigurations", "\"type\"", "Microsoft.Network/loadBalancers/probes"] {
            #expect(!text.contains(field), "\(field) left in \(text)")
        }
        #expect(lb["id"] == nil && lb["name"] == nil)
        #expect(lb["properties"]?["probes"]?.arrayValue?.first?["properties"]?["loadBalancingRules"] == nil)
        let pls = Normaliser.normalise(SeedLive.privateLinkService(), kind: .privateLinkService, desired: nil)
        for key in ["alias", "networkInterfaces", "privateEndpointConnections"] { #expect(pls["properties"]?[key] == nil, "\(key)") }
        let vm = Normaliser.normalise(SeedLive.vm(1), kind: .virtualMachine, desired: nil)
        #expect(vm["resources"] == nil && vm["properties"]?["vmId"] == nil && vm["properties"]?["timeCreated"] == nil)
        #expect(vm["properties"]?["storageProfile"]?["imageReference"]?["exactVersion"] == nil)
        let nic = Normaliser.normalise(SeedLive.nic(1), kind: .networkInterface, desired: nil)
        #expect(nic["properties"]?["macAddress"] == nil && nic["properties"]?["virtualMachine"] == nil && nic["properties"]?["primary"] == nil)
        #expect(nic["properties"]?["ipConfigurations"]?.arrayValue?.first?["id"] == nil, "a child's own id is read-only")
        #expect(nic["properties"]?["ipConfigurations"]?.arrayValue?.first?["properties"]?["subnet"]?["id"] != nil, "references keep their id")
        let group = Normaliser.normalise(SeedLive.resourceGroup, kind: .resourceGroup, desired: nil)
        #expect(group == ["location": "eastus", "tags": Seed.tags])
    }

    @Test("ARM ids and GUIDs compare case-insensitively and take the desired spelling; enum casing is a real difference")
    func caseRules() {
        let spec = Seed.loadBalancer
        var live = SeedLive.loadBalancer
        live = live.replacingRule(1) { props in props["protocol"] = "TCP" }
        let observed = Normaliser.normalise(live, kind: .loadBalancer, desired: spec.properties)
        #expect(SemanticDiff.plan(observed, spec.properties) == ["properties.loadBalancingRules[rule1].properties.protocol"])
        let subnet = observed["properties"]?["frontendIPConfigurations"]?.arrayValue?.first?["properties"]?["subnet"]?["id"]
        #expect(subnet == .string(Seed.subnetID), "the shouted resource group was rewritten to the desired spelling")
        let pls = Normaliser.normalise(SeedLive.privateLinkService(), kind: .privateLinkService, desired: Seed.privateLinkService.properties)
        #expect(pls["properties"]?["visibility"]?["subscriptions"] == [.string(Seed.tidbSubscription)])
    }

    @Test("A differently spelled name that is not an id stays a difference")
    func plainStringsKeepCase() {
        var desired = Seed.virtualMachine1.properties
        desired = desired.replacing("properties.hardwareProfile") { _ in ["vmSize": "standard_d2s_v3"] }
        let observed = Normaliser.normalise(SeedLive.vm(1), kind: .virtualMachine, desired: desired)
        #expect(SemanticDiff.plan(observed, desired) == ["properties.hardwareProfile.vmSize"])
    }

    @Test("Shared collections hide other people's elements; owned collections show an extra one")
    func sharedAndOwned() {
        let vnet = Normaliser.normalise(SeedLive.virtualNetwork, kind: .virtualNetwork, desired: Seed.virtualNetwork.properties)
        #expect(vnet["properties"]?["subnets"]?.arrayValue?.map { $0["name"] } == ["brokers-subnet"])
        let nsg = Normaliser.normalise(SeedLive.networkSecurityGroup, kind: .networkSecurityGroup, desired: Seed.networkSecurityGroup.properties)
        #expect(SemanticDiff.plan(nsg, Seed.networkSecurityGroup.properties) == [])

        let extra = SeedLive.loadBalancer.replacing("properties.backendAddressPools") { pools in
            .array(pools.arrayValue! + [SeedLive.child(Seed.lbID, "backendAddressPools", "pool9", "Microsoft.Network/loadBalancers/backendAddressPools", [:])])
        }
        let lb = Normaliser.normalise(extra, kind: .loadBalancer, desired: Seed.loadBalancer.properties)
        #expect(SemanticDiff.plan(lb, Seed.loadBalancer.properties) == ["properties.backendAddressPools[pool9]"])
        let missing = SeedLive.loadBalancer.replacing("properties.probes") { _ in [] }
        let lb2 = Normaliser.normalise(missing, kind: .loadBalancer, desired: Seed.loadBalancer.properties)
        #expect(SemanticDiff.plan(lb2, Seed.loadBalancer.properties) == ["properties.probes[kafka-lb-hp]"])
    }

    @Test("Fields ARM omits count as their empty or documented default value; set-like arrays ignore order")
    func absentAndDefaults() {
        var desired = Seed.nic(2).properties
        desired = desired.replacing("properties.ipConfigurations") { _ in
            [["name": "ipconfig1", "properties": ["loadBalancerBackendAddressPools": [], "privateIPAddressVersion": "IPv4"]]]
        }
        let live = SeedLive.nic(2, pools: []).replacing("properties.ipConfigurations") { configs in
            .array(configs.arrayValue!.map { $0.replacing("properties") { p in
                var o = p.objectValue!
                o["loadBalancerBackendAddressPools"] = nil
                o["privateIPAddressVersion"] = nil
                return .object(o)
            } })
        }
        let observed = Normaliser.normalise(live, kind: .networkInterface, desired: desired)
        #expect(SemanticDiff.plan(observed, desired) == [])
        let lb = Normaliser.normalise(SeedLive.loadBalancer, kind: .loadBalancer, desired: Seed.loadBalancer.properties)
        #expect(lb["properties"]?["frontendIPConfigurations"]?.arrayValue?.first?["zones"] == ["1", "2", "3"], "zones took the desired order")
        let enabled = SeedLive.loadBalancer.replacingRule(2) { props in props["enableFloatingIP"] = true }
        let lb3 = Normaliser.normalise(enabled, kind: .loadBalancer, desired: Seed.loadBalancer.properties)
        #expect(SemanticDiff.plan(lb3, Seed.loadBalancer.properties) == ["properties.loadBalancingRules[rule2].properties.enableFloatingIP"])
    }

    @Test("Tag names compare case-insensitively, values exactly; location ignores case and spaces")
    func tagsAndLocation() {
        let live = SeedLive.resourceGroup.replacing("tags") { _ in
            ["Managed-By": "kafka-private-link-reconciler", "reconcile-kafka-cluster": "tidb-kafka", "reconcile-kafka-exposure": "TIDB-EASTUS"]
        }.replacing("location") { _ in "East US" }
        let observed = Normaliser.normalise(live, kind: .resourceGroup, desired: Seed.resourceGroup.properties)
        #expect(SemanticDiff.plan(observed, Seed.resourceGroup.properties) == ["tags.reconcile-kafka-exposure"])
    }
}

extension Seed {
    static var virtualMachine1: ResourceSpec { vm(1) }
}

extension Value {
    /// The live LB with rule `n`'s properties edited.
    func replacingRule(_ n: Int, _ edit: @escaping (inout [String: Value]) -> Void) -> Value {
        replacing("properties.loadBalancingRules") { rules in
            .array(rules.arrayValue!.map { rule in
                guard rule["name"] == .string("rule\(n)") else { return rule }
                return rule.replacing("properties") { p in
                    var o = p.objectValue!
                    edit(&o)
                    return .object(o)
                }
            })
        }
    }

    /// Replaces the value at a dotted path of object keys.
    func replacing(_ path: String, _ transform: (Value) -> Value) -> Value {
        let keys = path.split(separator: ".").map(String.init)
        func go(_ v: Value, _ rest: ArraySlice<String>) -> Value {
            guard let key = rest.first else { return transform(v) }
            guard case .object(var o) = v else { return v }
            o[key] = go(o[key] ?? .null, rest.dropFirst())
            return .object(o)
        }
        return go(self, keys[...])
    }
}
