import AzureProvider
import ProviderAPI
import ReconcileModel
import Testing

@Suite("Pool associations: membership of a NIC we do not own in one of our pools, written on that NIC only")
struct PoolAssociationTests {
    static let nicID = Seed.network("networkInterfaces", "legacy-broker-1-nic")
    static let pool1 = Seed.lbChild("backendAddressPools", "pool1")
    static let otherPool = Seed.network("loadBalancers", "ops-lb") + "/backendAddressPools/metrics"

    static var spec: ResourceSpec {
        let target = PoolAssociationTarget(nicID: nicID, ipConfiguration: "ipconfig1", poolID: pool1)
        return ResourceSpec(address: Seed.address("azure.nicBackendPoolAssociation", "legacy-broker-1-nic+kafka-lb.pool1"),
                            cloudID: target.cloudID, properties: target.properties)
    }

    /// Someone else's NIC: no tags of ours, two ipConfigurations, and already in another team's pool.
    static func nic(ipconfig1Pools: [String]) -> Value {
        let config1 = SeedLive.child(nicID, "ipConfigurations", "ipconfig1", "Microsoft.Network/networkInterfaces/ipConfigurations", [
            "privateIPAddress": "10.0.0.14", "privateIPAllocationMethod": "Static", "primary": true, "subnet": ["id": .string(Seed.subnetID)],
            "loadBalancerBackendAddressPools": .array(ipconfig1Pools.map { ["id": .string($0)] }),
        ])
        let config2 = SeedLive.child(nicID, "ipConfigurations", "ipconfig2", "Microsoft.Network/networkInterfaces/ipConfigurations", [
            "privateIPAddress": "10.0.0.15", "privateIPAllocationMethod": "Static", "primary": false, "subnet": ["id": .string(Seed.subnetID)],
            "loadBalancerBackendAddressPools": [["id": .string(otherPool)]],
        ])
        return SeedLive.top(nicID, "legacy-broker-1-nic", "Microsoft.Network/networkInterfaces", [
            "macAddress": "00-0D-3A-00-00-01", "enableAcceleratedNetworking": true, "ipConfigurations": [config1, config2],
            "dnsSettings": ["dnsServers": ["10.0.0.2"], "appliedDnsServers": ["10.0.0.2"]],
        ]).replacing("tags") { _ in ["owner": "legacy-team"] }
    }

    func change(_ action: Action) -> Change {
        Change(address: Self.spec.address, action: action, reason: .missing, after: action == .delete ? nil : Self.spec.properties,
               cloudID: Self.spec.cloudID)
    }

    func scriptPut(_ h: ARMHarness, result: Value) {
        h.transport.script("PUT", Self.nicID, .json(200, result, headers: [("Azure-AsyncOperation", "https://arm.test/operations/nic")]))
        h.transport.script("GET", "https://arm.test/operations/nic", .json(200, ["status": "Succeeded"]))
    }

    @Test("Observed present (ours) when the ipConfiguration lists the pool in any case, absent otherwise; one GET per NIC")
    func observe() async throws {
        let h = ARMHarness()
        h.transport.script("GET", Self.nicID, .json(200, Self.nic(ipconfig1Pools: [Self.pool1.uppercased(), Self.otherPool])))
        var second = Self.spec
        second.address.name = "legacy-broker-1-nic+kafka-lb.pool2"
        second.cloudID = "\(Self.nicID)/ipConfigurations/ipconfig1|\(Seed.lbChild("backendAddressPools", "pool2"))"
        second.properties = PoolAssociationTarget(cloudID: second.cloudID!)!.properties
        let observed = try await h.provider.observe(desired: [Self.spec, second], inventory: [])
        #expect(observed.count == 1 && h.transport.requests.count == 1)
        let present = try #require(observed.first)
        #expect(present.address == Self.spec.address && present.ownership == .reconciler && present.cloudID == Self.spec.cloudID)
        #expect(present.properties == Self.spec.properties)
    }

    @Test("Create adds the pool to that ipConfiguration and changes nothing else on the NIC")
    func add() async throws {
        let h = ARMHarness()
        let live = Self.nic(ipconfig1Pools: [Self.otherPool])
        let after = Self.nic(ipconfig1Pools: [Self.otherPool, Self.pool1])
        h.transport.script("GET", Self.nicID, .json(200, live), .json(200, after))
        scriptPut(h, result: after)
        let result = try await h.provider.apply(change(.create))
        let body = try #require(h.transport.requests("PUT").first?.json)
        let expected = ReadOnlyFields.strip(after, kind: .networkInterface, forRequest: true)
        #expect(body == expected, "the live NIC, read-only fields stripped, plus one pool reference")
        #expect(body["tags"] == ["owner": "legacy-team"] && body["properties"]?["enableAcceleratedNetworking"] == true)
        #expect(body["properties"]?["ipConfigurations"]?.arrayValue?.map { $0["id"] }
            == [.string(Self.nicID + "/ipConfigurations/ipconfig1"), .string(Self.nicID + "/ipConfigurations/ipconfig2")],
            "a request keeps child ids (the request schema allows them)")
        for field in ["etag", "provisioningState", "macAddress", "appliedDnsServers"] { #expect(!body.description.contains(field), "\(field)") }
        #expect(result?.ownership == .reconciler && result?.properties == Self.spec.properties)
    }

    @Test("Create is idempotent: already a member (ids differ in case) means no PUT")
    func addIdempotent() async throws {
        let h = ARMHarness()
        h.transport.script("GET", Self.nicID, .json(200, Self.nic(ipconfig1Pools: [Self.pool1.lowercased()])))
        let result = try await h.provider.apply(change(.create))
        #expect(h.transport.requests("PUT").isEmpty && result != nil)
    }

    @Test("Delete removes only that pool reference; a missing NIC or membership is already done")
    func remove() async throws {
        let h = ARMHarness()
        let live = Self.nic(ipconfig1Pools: [Self.otherPool, Self.pool1])
        let after = Self.nic(ipconfig1Pools: [Self.otherPool])
        h.transport.script("GET", Self.nicID, .json(200, live), .json(200, after), .json(200, after), .notFound)
        scriptPut(h, result: after)
        #expect(try await h.provider.apply(change(.delete)) == nil)
        let body = try #require(h.transport.requests("PUT").first?.json)
        #expect(body == ReadOnlyFields.strip(after, kind: .networkInterface, forRequest: true))
        #expect(try await h.provider.apply(change(.delete)) == nil)
        #expect(try await h.provider.apply(change(.delete)) == nil)
        #expect(h.transport.requests("PUT").count == 1)
    }

    @Test("A NIC without that ipConfiguration, or no NIC at all, is a terminal error naming it")
    func missing() async throws {
        let h = ARMHarness()
        h.transport.script("GET", Self.nicID, .json(200, Self.nic(ipconfig1Pools: []).replacing("properties.ipConfigurations") { _ in [] }), .notFound)
        let noConfig = try await #require(throws: ProviderError.self) { try await h.provider.apply(change(.create)) }
        #expect(noConfig.kind == .terminal && noConfig.message.contains("has no ipConfiguration named ipconfig1"))
        let noNIC = try await #require(throws: ProviderError.self) { try await h.provider.apply(change(.create)) }
        #expect(noNIC.message.contains("network interface .../networkInterfaces/legacy-broker-1-nic does not exist"))
    }

    @Test("The cloud id round-trips")
    func cloudID() {
        let target = PoolAssociationTarget(cloudID: Self.spec.cloudID!)
        #expect(target == PoolAssociationTarget(nicID: Self.nicID, ipConfiguration: "ipconfig1", poolID: Self.pool1))
        #expect(PoolAssociationTarget(cloudID: "nonsense") == nil)
    }
}
