import AzureProvider
import ProviderAPI
import ReconcileModel
import Testing

@Suite("Observe: concurrent GETs, normalised, owned or foreign, notes, failures isolated")
struct ObserveTests {
    func scriptSeed(_ h: ARMHarness, except: Set<String> = []) {
        for spec in Seed.all where !except.contains(spec.cloudID!) { h.transport.script("GET", spec.cloudID!, .json(200, SeedLive.body(for: spec))) }
    }

    @Test("The seed, as deployed, is observed whole: ours, in the desired spelling, with no diff, with the PLS notes")
    func seed() async throws {
        let h = ARMHarness()
        scriptSeed(h)
        let observed = try await h.provider.observe(desired: Seed.all, inventory: [])
        #expect(observed.map(\.address) == Seed.all.map(\.address).sorted())
        let specs = Dictionary(uniqueKeysWithValues: Seed.all.map { ($0.address, $0) })
        for o in observed {
            let spec = try #require(specs[o.address])
            #expect(o.error == nil && o.ownership == .reconciler && o.cloudID == spec.cloudID, "\(o.address)")
            #expect(SemanticDiff.plan(o.properties, spec.properties) == [], "\(o.address)")
        }
        let pls = try #require(observed.first { $0.address.type == "azure.privateLinkService" })
        #expect(pls.notes == [
            "alias: \(SeedLive.alias)",
            "connection kafka-pls.pe1 from \(SeedLive.endpointID): Approved (Auto-Approved)",
        ])
        #expect(observed.filter { $0.address.type != "azure.privateLinkService" }.allSatisfy { $0.notes.isEmpty })
        #expect(h.transport.requests.allSatisfy { $0.method == "GET" } && h.transport.requests.count == Seed.all.count, "observe never mutates")
    }

    @Test("404 is absent; one unreadable address fails alone; an inventory entry is observed against what was applied")
    func absentAndFailures() async throws {
        let h = ARMHarness()
        scriptSeed(h, except: [Seed.vmID(2), Seed.vmID(3)])
        h.transport.script("GET", Seed.vmID(2), .armError(403, code: "AuthorizationFailed", message: "The client 'x' does not have authorization"))
        h.transport.script("GET", Seed.vmID(3), .notFound)
        let gone = Inventory.Entry(address: Seed.address("azure.networkSecurityGroup", "old-nsg"), cloudID: Seed.network("networkSecurityGroups", "old-nsg"), origin: .created)
        h.transport.script("GET", gone.cloudID!, .notFound)
        let kept = Inventory.Entry(address: Seed.address("azure.loadBalancer", "old-lb"), cloudID: Seed.network("loadBalancers", "old-lb"),
                                   origin: .created, applied: ["tags": Seed.tags])
        h.transport.script("GET", kept.cloudID!, .json(200, SeedLive.loadBalancer))
        let observed = try await h.provider.observe(desired: Seed.all, inventory: [gone, kept])
        let byAddress = Dictionary(uniqueKeysWithValues: observed.map { ($0.address, $0) })
        #expect(byAddress[Seed.vm(3).address] == nil && byAddress[gone.address] == nil)
        let failed = try #require(byAddress[Seed.vm(2).address])
        #expect(failed.error?.hasPrefix("ARM 403 AuthorizationFailed on GET .../virtualMachines/broker-node-2") == true)
        #expect(failed.error?.contains("'Virtual Machine Contributor'") == true)
        #expect(byAddress[Seed.vm(1).address]?.error == nil)
        #expect(byAddress[kept.address]?.properties.projected(onto: ["tags": Seed.tags]) == ["tags": Seed.tags])
    }

    @Test("Connections are listed (paged) only when the PLS body lacks them")
    func listedConnections() async throws {
        let h = ARMHarness()
        h.transport.script("GET", Seed.plsID, .json(200, SeedLive.privateLinkService(connections: nil)))
        let example = try OfficialExamples.response("PrivateLinkServiceListPrivateEndpointConnection.json")
        let items = try #require(example["value"]?.arrayValue)
        let next = "https://arm.test\(Seed.plsID)/privateEndpointConnections?api-version=2025-07-01&$skiptoken=2"
        h.transport.script("GET", Seed.plsID + "/privateEndpointConnections",
                           .json(200, ["value": [items[0]], "nextLink": .string(next)]), .json(200, ["value": [items[1]]]))
        let observed = try await h.provider.observe(desired: [Seed.privateLinkService], inventory: [])
        let pe = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Network/privateEndpoints"
        #expect(observed.first?.notes == [
            "alias: \(SeedLive.alias)",
            "connection testPlePeConnection1 from \(pe)/testPe1: Approved (approved it for some reason.)",
            "connection testPlePeConnection2 from \(pe)/testPe2: Rejected (rejected by some reason.)",
        ])
        h.transport.script("GET", Seed.plsID, .json(200, SeedLive.privateLinkService(connections: [])))
        let none = try await h.provider.observe(desired: [Seed.privateLinkService], inventory: [])
        #expect(none.first?.notes.last == "no private endpoint connections yet")
    }

    @Test("Ownership: our tags for this cluster, or foreign", arguments: [
        (Seed.tags, ObservedResource.Ownership.reconciler),
        (["managed-by": "kafka-private-link-reconciler", "reconcile-kafka-cluster": "another-cluster"], .foreign),
        (["owner": "platform-team"], .foreign),
        (["MANAGED-BY": "kafka-private-link-reconciler", "Reconcile-Kafka-Cluster": "tidb-kafka"], .reconciler),
    ] as [(Value, ObservedResource.Ownership)])
    func ownership(tags: Value, expected: ObservedResource.Ownership) async throws {
        let h = ARMHarness()
        h.transport.script("GET", Seed.groupID, .json(200, ["id": .string(Seed.groupID), "location": "eastus", "tags": tags]))
        let observed = try await h.provider.observe(desired: [Seed.resourceGroup], inventory: [])
        #expect(observed.first?.ownership == expected)
    }

    @Test("Without a token the provider as a whole cannot observe: it throws")
    func noToken() async throws {
        let transport = ScriptedARMTransport()
        let provider = AzureResourceProvider(transport: transport, credentials: FailingTokenProvider(), configuration: .init(baseURL: ARMHarness.baseURL))
        let error = try await #require(throws: ProviderError.self) { try await provider.observe(desired: Seed.all, inventory: []) }
        #expect(error.message.contains("cannot get an Azure access token") && transport.requests.isEmpty)
    }

    /// The wall time this buys is measured by `Benchmarks/cloud-dry-run` (performance targets live in benchmarks).
    @Test("Observation runs concurrently: the whole seed is in flight at once")
    func concurrent() async throws {
        // Each answer takes 500 ms, so a loaded CI machine starting the 11 requests still has them all in flight.
        let h = ARMHarness(delay: .milliseconds(500))
        scriptSeed(h)
        _ = try await h.provider.observe(desired: Seed.all, inventory: [])
        #expect(h.transport.maxInFlight == Seed.all.count)
    }

    @Test("…but never more than maxConcurrentRequests at once")
    func bounded() async throws {
        let h = ARMHarness(delay: .milliseconds(10)) { $0.maxConcurrentRequests = 4 }
        let nics = (1...40).map { n in Seed.spec("azure.networkInterface", "nic\(n)", Seed.network("networkInterfaces", "nic\(n)"), ["tags": Seed.tags]) }
        for spec in nics { h.transport.script("GET", spec.cloudID!, .json(200, ["id": .string(spec.cloudID!), "tags": Seed.tags])) }
        let observed = try await h.provider.observe(desired: nics, inventory: [])
        #expect(observed.count == 40 && h.transport.maxInFlight == 4)
    }
}
