import AzureProvider
import ProviderAPI
import ReconcileModel
import Testing

@Suite("Apply: PUT over the live resource, LROs, refusals, deletes")
struct ApplyTests {
    func change(_ spec: ResourceSpec, _ action: Action, after: Value? = nil) -> Change {
        Change(address: spec.address, action: action, reason: .manifestChanged,
               after: action == .delete || action == .forget ? nil : (after ?? spec.properties), cloudID: spec.cloudID)
    }

    /// Scripts a PUT answered 201 + Azure-AsyncOperation that succeeds on the first poll.
    func scriptAsyncPut(_ h: ARMHarness, _ id: String) {
        let op = "https://arm.test/operations/\(id.split(separator: "/").last!)"
        h.transport.script("PUT", id, .json(201, ["id": .string(id), "properties": ["provisioningState": "Updating"]],
                                            headers: [("Azure-AsyncOperation", op), ("Retry-After", "1")]))
        h.transport.script("GET", op, .json(200, ["status": "Succeeded"]))
    }

    @Test("Create PUTs exactly the desired body, waits for the operation, and returns the resource as observed")
    func create() async throws {
        let h = ARMHarness()
        let spec = Seed.privateLinkService
        scriptAsyncPut(h, spec.cloudID!)
        h.transport.script("GET", spec.cloudID!, .notFound, .json(200, SeedLive.privateLinkService()))
        let result = try #require(try await h.provider.apply(change(spec, .create)))
        let put = try #require(h.transport.requests("PUT").first)
        #expect(put.json == spec.properties)
        #expect(result.ownership == .reconciler && result.cloudID == spec.cloudID)
        #expect(SemanticDiff.plan(result.properties, spec.properties) == [])
        #expect(result.notes.first == "alias: \(SeedLive.alias)")
    }

    @Test("Update keeps other people's subnets and tags, takes the desired fields, and sends no read-only field")
    func updateKeepsForeignSubnets() async throws {
        let h = ARMHarness()
        let spec = Seed.virtualNetwork
        let live = SeedLive.virtualNetwork.replacing("tags") { _ in
            .object(Seed.tags.objectValue!.merging(["cost-center": "42"]) { a, _ in a })
        }
        var desired = spec.properties
        desired = desired.replacing("properties.addressSpace") { _ in ["addressPrefixes": ["10.0.0.0/16", "10.9.0.0/16"]] }
        h.transport.script("GET", spec.cloudID!, .json(200, live), .json(200, live))
        scriptAsyncPut(h, spec.cloudID!)
        _ = try await h.provider.apply(change(spec, .update, after: desired))
        let body = try #require(h.transport.requests("PUT").first?.json)
        #expect(body["properties"]?["subnets"]?.arrayValue?.map { $0["name"] } == ["brokers-subnet", "bastion-subnet"])
        let brokers = body["properties"]?["subnets"]?.arrayValue?.first
        #expect(brokers?["properties"]?["privateEndpointNetworkPolicies"] == "Disabled", "unmanaged live fields of a managed subnet stay")
        #expect(body["properties"]?["addressSpace"]?["addressPrefixes"] == ["10.0.0.0/16", "10.9.0.0/16"])
        #expect(body["tags"]?["cost-center"] == "42" && body["tags"]?["managed-by"] == "kafka-private-link-reconciler")
        #expect(body["properties"]?["enableDdosProtection"] == false)
        let text = body.description
        for field in ["etag", "provisioningState", "resourceGuid", "ipConfigurations", "\"id\":\"/subscriptions/\(Seed.subscription)/resourceGroups/kafka-pls-rg/providers/Microsoft.Network/virtualNetworks/kafka-pls-vnet\""] {
            #expect(!text.contains(field), "\(field) sent in \(text)")
        }
        #expect(body["id"] == nil && body["name"] == nil && body["type"] == nil)
    }

    @Test("Owned collections: the desired array replaces the live one, each element keeping its unmanaged fields")
    func updateOwnedCollections() async throws {
        let h = ARMHarness()
        let spec = Seed.loadBalancer
        let live = SeedLive.loadBalancer.replacing("properties.backendAddressPools") { pools in
            .array(pools.arrayValue! + [SeedLive.child(Seed.lbID, "backendAddressPools", "pool9", "Microsoft.Network/loadBalancers/backendAddressPools", [:])])
        }
        h.transport.script("GET", spec.cloudID!, .json(200, live), .json(200, SeedLive.loadBalancer))
        scriptAsyncPut(h, spec.cloudID!)
        let result = try #require(try await h.provider.apply(change(spec, .update)))
        let body = try #require(h.transport.requests("PUT").first?.json)
        #expect(body["properties"]?["backendAddressPools"]?.arrayValue?.map { $0["name"] } == ["pool1", "pool2", "pool3"], "pool9 is gone")
        #expect(body["properties"]?["backendAddressPools"]?.arrayValue?.first == [
            "name": "pool1", "id": .string(Seed.lbChild("backendAddressPools", "pool1")),
        ], "the live element's id stays; its read-only back-references do not")
        #expect(body["properties"]?["probes"]?.arrayValue?.first?["properties"]?["intervalInSeconds"] == 5)
        #expect(body["properties"]?["loadBalancingRules"]?.arrayValue?.first?["properties"]?["idleTimeoutInMinutes"] == 4)
        #expect(body["properties"]?["inboundNatRules"] == [], "live-only keys are kept")
        #expect(body["properties"]?["frontendIPConfigurations"]?.arrayValue?.first?["properties"]?["privateIPAddress"] == "10.0.0.7")
        #expect(SemanticDiff.plan(result.properties, spec.properties) == [])
    }

    /// ARM's template schema requires a resource group's `properties` (all of whose fields are read-only): every
    /// PUT sends `{}`, which changes nothing in the comparisons (no diff, no needless PUT).
    @Test("A resource group's PUT carries the empty `properties` the schema requires, and that is no difference")
    func resourceGroupProperties() async throws {
        let spec = Seed.resourceGroup
        let created = ARMHarness()
        created.transport.script("GET", spec.cloudID!, .notFound)
        created.transport.script("PUT", spec.cloudID!, .json(201, SeedLive.resourceGroup))
        let result = try #require(try await created.provider.apply(change(spec, .create)))
        let create = try #require(created.transport.requests("PUT").first?.json)
        #expect(create["properties"] == .object([:]), "\(create)")
        #expect(create["location"] == "eastus" && create["tags"] == spec.properties["tags"])
        #expect(SemanticDiff.plan(result.properties, spec.properties) == [])

        let updated = ARMHarness()
        let live = SeedLive.resourceGroup.replacing("tags") { _ in .object(Seed.tags.objectValue!.merging(["owner": "ops"]) { a, _ in a }) }
        updated.transport.script("GET", spec.cloudID!, .json(200, live))
        updated.transport.script("PUT", spec.cloudID!, .json(200, live))
        var desired = spec.properties
        desired = desired.replacing("tags") { _ in .object(Seed.tags.objectValue!.merging(["env": "prod"]) { a, _ in a }) }
        _ = try await updated.provider.apply(change(spec, .update, after: desired))
        let update = try #require(updated.transport.requests("PUT").first?.json)
        #expect(update["properties"] == .object([:]), "\(update)")
        #expect(update["tags"]?["owner"] == "ops" && update["tags"]?["env"] == "prod")

        let unchanged = ARMHarness()
        unchanged.transport.script("GET", spec.cloudID!, .json(200, SeedLive.resourceGroup))
        _ = try await unchanged.provider.apply(change(spec, .update))
        #expect(unchanged.transport.requests("PUT").isEmpty, "an empty `properties` is no reason to PUT")
    }

    @Test("An update that would change nothing sends no PUT")
    func noOpUpdate() async throws {
        let h = ARMHarness()
        let spec = Seed.nic(1)
        h.transport.script("GET", spec.cloudID!, .json(200, SeedLive.nic(1, pools: [Seed.lbChild("backendAddressPools", "pool1")])))
        let result = try await h.provider.apply(change(spec, .update))
        #expect(h.transport.requests("PUT").isEmpty && result?.ownership == .reconciler)
    }

    @Test("A resource without our tags is refused unless observation saw it adopted")
    func refusesForeign() async throws {
        let h = ARMHarness()
        let foreign = SeedLive.networkSecurityGroup.replacing("tags") { _ in ["owner": "platform-team"] }
        h.transport.script("GET", Seed.nsgID, .json(200, foreign))
        let provider = h.provider
        let error = try await #require(throws: ProviderError.self) { try await provider.apply(change(Seed.networkSecurityGroup, .update)) }
        #expect(error.kind == .terminal && error.address == Seed.networkSecurityGroup.address)
        #expect(error.message.hasPrefix("refusing to modify .../networkSecurityGroups/kafka-broker-nsg: it exists but does not carry"))
        await #expect(throws: ProviderError.self) { try await provider.apply(change(Seed.networkSecurityGroup, .delete)) }
        await #expect(throws: ProviderError.self) { try await provider.apply(change(Seed.networkSecurityGroup, .create)) }
        #expect(h.transport.requests.allSatisfy { $0.method == "GET" })

        var adopted = Seed.networkSecurityGroup
        adopted.adopt = true
        _ = try await provider.observe(desired: [adopted], inventory: [])
        scriptAsyncPut(h, Seed.nsgID)
        _ = try await provider.apply(change(adopted, .update))
        let body = try #require(h.transport.requests("PUT").first?.json)
        #expect(body["tags"]?["managed-by"] == "kafka-private-link-reconciler" && body["tags"]?["owner"] == "platform-team")
        #expect(body["properties"]?["securityRules"]?.arrayValue?.count == 2, "the adopted NSG keeps its other rule")

        // A later observation in which the manifest no longer adopts it withdraws the permission.
        h.transport.script("GET", Seed.nsgID, .json(200, foreign))
        _ = try await provider.observe(desired: [Seed.networkSecurityGroup], inventory: [])
        await #expect(throws: ProviderError.self) { try await provider.apply(change(Seed.networkSecurityGroup, .update)) }
        #expect(h.transport.requests("PUT").count == 1)
    }

    @Test("Delete waits for the operation; already gone is success without a DELETE")
    func delete() async throws {
        let h = ARMHarness()
        let location = "https://arm.test/operationResults/lb-delete"
        h.transport.script("GET", Seed.lbID, .json(200, SeedLive.loadBalancer), .notFound)
        h.transport.script("DELETE", Seed.lbID, .empty(202, headers: [("Location", location), ("Retry-After", "2")]))
        h.transport.script("GET", location, .empty(202), .empty(204))
        #expect(try await h.provider.apply(change(Seed.loadBalancer, .delete)) == nil)
        #expect(try await h.provider.apply(change(Seed.loadBalancer, .delete)) == nil)
        #expect(h.transport.requests("DELETE").count == 1 && h.sleeps.all == [.seconds(2), .seconds(7)])
    }

    @Test("Replace deletes, then creates from the desired body")
    func replace() async throws {
        let h = ARMHarness()
        h.transport.script("GET", Seed.vmID(1), .json(200, SeedLive.vm(1)), .notFound, .json(200, SeedLive.vm(1)))
        h.transport.script("DELETE", Seed.vmID(1), .empty(200))
        scriptAsyncPut(h, Seed.vmID(1))
        let result = try await h.provider.apply(change(Seed.vm(1), .replace))
        #expect(h.transport.log.filter { !$0.contains("/operations/") } == ["GET \(Seed.vmID(1))", "DELETE \(Seed.vmID(1))", "GET \(Seed.vmID(1))",
                                                                             "PUT \(Seed.vmID(1))", "GET \(Seed.vmID(1))"])
        #expect(h.transport.requests("PUT").first?.json == Seed.vm(1).properties && result != nil)
    }

    @Test("A resource group holding anything not ours is never deleted; one holding only ours is; none is replaced")
    func resourceGroupDelete() async throws {
        let h = ARMHarness()
        let resources = Seed.groupID + "/resources"
        h.transport.script("GET", Seed.groupID, .json(200, SeedLive.resourceGroup))
        h.transport.script("GET", resources, .json(200, ["value": [
            ["name": "kafka-lb", "type": "Microsoft.Network/loadBalancers", "tags": Seed.tags],
            ["name": "jumpbox", "type": "Microsoft.Compute/virtualMachines", "tags": ["owner": "ops"]],
        ]]), .json(200, ["value": [["name": "kafka-lb", "type": "Microsoft.Network/loadBalancers", "tags": Seed.tags]]]))
        let error = try await #require(throws: ProviderError.self) { try await h.provider.apply(change(Seed.resourceGroup, .delete)) }
        #expect(error.message.contains("still holds 1 resource(s) the reconciler does not own") && error.message.contains("jumpbox (Microsoft.Compute/virtualMachines)"))
        #expect(h.transport.requests("DELETE").isEmpty)
        #expect(h.transport.requests.first { $0.url.contains("/resources") }?.query == "api-version=2025-04-01")

        h.transport.script("DELETE", Seed.groupID, .empty(200))
        _ = try await h.provider.apply(change(Seed.resourceGroup, .delete))
        #expect(h.transport.requests("DELETE").count == 1)
        await #expect(throws: ProviderError.self) { try await h.provider.apply(change(Seed.resourceGroup, .replace)) }
    }

    @Test("ARM errors reach the executor as ProviderError with the address and retry class; forgetting a resource that is gone only reads")
    func errorsAndForget() async throws {
        let h = ARMHarness()
        h.transport.script("GET", Seed.lbID, .notFound)
        h.transport.script("PUT", Seed.lbID, .armError(400, code: "InvalidResourceReference", message: "subnet not found", requestID: "r-1"))
        let error = try await #require(throws: ProviderError.self) { try await h.provider.apply(change(Seed.loadBalancer, .create)) }
        #expect(error.kind == .terminal && error.address == Seed.loadBalancer.address)
        #expect(error.message.hasPrefix("ARM 400 InvalidResourceReference on PUT .../loadBalancers/kafka-lb: subnet not found (request id r-1)"))
        let before = h.transport.requests.count
        #expect(try await h.provider.apply(change(Seed.loadBalancer, .forget)) == nil)
        #expect(h.transport.requests.dropFirst(before).map(\.method) == ["GET"])
    }
}
