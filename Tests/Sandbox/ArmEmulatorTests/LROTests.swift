import ArmEmulator
import Testing

/// The ARM async contract: PUT 201 → InProgress → Succeeded, Location 202 → final, DELETE 202 → 204,
/// conflicts while an LRO runs.
@Suite struct LROTests {
    @Test func putCreatesThenSucceedsAfterTheConfiguredPolls() throws {
        let fixture = try Fixture { $0.operationPolls = 2 }
        try fixture.group()
        let path = "\(Fixture.network)/virtualNetworks/kafka-pls-vnet"
        let created = try fixture.client.send("PUT", path, Fixture.vnetBody())
        #expect(created.status == 201)
        #expect(created.json?["properties"]?["provisioningState"] == "Updating")
        #expect(created.header("retry-after") == "0")
        let asyncURL = try #require(created.header("azure-asyncoperation"))
        #expect(asyncURL.hasPrefix(fixture.emulator.baseURL + "/subscriptions/\(Fixture.sub)/providers/Microsoft.Network/locations/eastus/operations/"))
        #expect(asyncURL.contains("api-version=2025-07-01"))
        let location = try #require(created.header("location"))
        #expect(location.hasPrefix(fixture.emulator.baseURL))

        #expect(try fixture.client.follow(asyncURL).json?["status"] == "InProgress")
        #expect(try fixture.client.follow(location).status == 202)
        let done = try fixture.client.follow(asyncURL)
        #expect(done.status == 200)
        #expect(done.json?["status"] == "Succeeded")
        let final = try fixture.client.follow(location)
        #expect(final.status == 200)
        #expect(final.json?["properties"]?["provisioningState"] == "Succeeded")
        let read = try fixture.get(path).json
        #expect(read?["properties"]?["provisioningState"] == "Succeeded")
        #expect(read?["properties"]?["subnets"]?.arrayValue?.first?["properties"]?["provisioningState"] == "Succeeded")

        let updated = try fixture.client.send("PUT", path, Fixture.vnetBody())
        #expect(updated.status == 200)
        #expect(updated.json?["etag"] != read?["etag"])
    }

    @Test func resourceGetsCountAsObservations() throws {
        let fixture = try Fixture { $0.operationPolls = 1 }
        try fixture.group()
        let path = "\(Fixture.network)/networkSecurityGroups/nsg"
        #expect(try fixture.client.send("PUT", path, ["location": "eastus"]).status == 201)
        #expect(try fixture.get(path).json?["properties"]?["provisioningState"] == "Updating")
        #expect(try fixture.get(path).json?["properties"]?["provisioningState"] == "Succeeded")
    }

    @Test func deleteIsAcceptedThenGone() throws {
        let fixture = try Fixture()
        try fixture.group()
        let path = "\(Fixture.network)/networkSecurityGroups/nsg"
        try fixture.put(path, ["location": "eastus"])
        let accepted = try fixture.client.send("DELETE", path)
        #expect(accepted.status == 202)
        let location = try #require(accepted.header("location"))
        #expect(accepted.header("azure-asyncoperation") != nil)
        #expect(try fixture.client.follow(location).status == 202)
        #expect(try fixture.client.follow(location).status == 204)
        #expect(try fixture.get(path).status == 404)
        #expect(try fixture.client.send("DELETE", path).status == 204)
    }

    @Test func networkConflictIs429AndComputeConflictIs409() throws {
        let fixture = try Fixture { $0.operationPolls = 3 }
        try fixture.vnet()
        let nsg = "\(Fixture.network)/networkSecurityGroups/nsg"
        #expect(try fixture.client.send("PUT", nsg, ["location": "eastus"]).status == 201)
        let again = try fixture.client.send("PUT", nsg, ["location": "eastus"])
        #expect(again.status == 429)
        #expect(again.errorCode == "RetryableErrorDueToAnotherOperation")
        #expect(again.header("retry-after") == "0")
        #expect(try fixture.client.send("DELETE", nsg).status == 429)

        try fixture.nic("nic1")
        let vm = "\(Fixture.groupPath)/providers/Microsoft.Compute/virtualMachines/vm1"
        let created = try fixture.client.send("PUT", vm, VMTests.body(nic: "nic1"))
        #expect(created.status == 201)
        #expect(created.json?["properties"]?["provisioningState"] == "Creating")
        let conflict = try fixture.client.send("PUT", vm, VMTests.body(nic: "nic1"))
        #expect(conflict.status == 409)
        #expect(conflict.errorCode == "OperationNotAllowed")
    }

    @Test func resourceGroupDeleteRemovesEverythingInside() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        try fixture.nic("nic1")
        let accepted = try fixture.client.send("DELETE", Fixture.groupPath)
        #expect(accepted.status == 202)
        let location = try #require(accepted.header("location"))
        #expect(location.contains("/operationresults/"))
        #expect(try fixture.client.send("PUT", "\(Fixture.network)/networkSecurityGroups/x", ["location": "eastus"]).errorCode
            == "ResourceGroupBeingDeleted")
        var statuses: [Int] = []
        for _ in 0..<5 where statuses.last != 200 { statuses.append(try fixture.client.follow(location).status) }
        #expect(statuses.last == 200)
        #expect(statuses.dropLast().allSatisfy { $0 == 202 })
        #expect(fixture.emulator.resourceIDs.isEmpty)
        #expect(try fixture.client.send("HEAD", Fixture.groupPath).status == 404)
        #expect(try fixture.get("\(Fixture.network)/networkInterfaces/nic1").errorCode == "ResourceGroupNotFound")
    }

    @Test func failOperationFaultEndsFailed() throws {
        let fixture = try Fixture()
        try fixture.group()
        fixture.emulator.setFaults(FaultPlan(rules: [FaultRule(method: "PUT", pathContains: "networkSecurityGroups", action: .failOperation)]))
        let path = "\(Fixture.network)/networkSecurityGroups/nsg"
        let created = try fixture.client.send("PUT", path, ["location": "eastus"])
        let statuses = try fixture.client.wait(created)
        #expect(statuses.last == "Failed")
        let status = try fixture.client.follow(created.header("azure-asyncoperation")!).json
        #expect(status?["error"]?["code"] == "InternalServerError")
        #expect(try fixture.get(path).json?["properties"]?["provisioningState"] == "Failed")
    }
}
