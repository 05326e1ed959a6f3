import ArmEmulator
import Testing

/// ARM-style 400s: enum case, required fields, uniqueness, references, policies, in-use deletes, read-only echoes.
@Suite struct ValidationTests {
    @Test func enumsAreCaseSensitive() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        let upper = try fixture.client.send("PUT", Fixture.lbID, Fixture.lbBody(rules: [Fixture.rule("r", port: 9093, pool: "pool1", protocolName: "TCP")]))
        #expect(upper.status == 400)
        #expect(upper.errorCode == "InvalidRequestFormat")
        #expect(upper.json?["error"]?["details"]?.arrayValue?.first?["code"] == "InvalidEnumValue")
        var probe = Fixture.lbBody()
        probe.set(["properties", "probes"], [["name": "kafka-lb-hp", "properties": ["protocol": "tcp", "port": 39092]]])
        #expect(try fixture.client.send("PUT", Fixture.lbID, probe).status == 400)
    }

    @Test func frontendPortIsRequiredAndUnique() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        var missing = Fixture.rule("r", port: 9093, pool: "pool1")
        missing.remove(["properties", "frontendPort"])
        let noPort = try fixture.client.send("PUT", Fixture.lbID, Fixture.lbBody(rules: [missing]))
        #expect(noPort.status == 400)
        #expect(noPort.json?["error"]?["details"]?.arrayValue?.first?["code"] == "MissingJsonProperty")
        let duplicate = try fixture.client.send(
            "PUT", Fixture.lbID, Fixture.lbBody(rules: [Fixture.rule("a", port: 9093, pool: "pool1"), Fixture.rule("b", port: 9093, pool: "pool2")]))
        #expect(duplicate.status == 400)
        #expect(duplicate.errorCode == "RulesUseSameFrontendIpConfigurationProtocolAndPort")
    }

    @Test func referencesMustExist() throws {
        let fixture = try Fixture()
        try fixture.group()
        let nic = try fixture.client.send("PUT", "\(Fixture.network)/networkInterfaces/n", Fixture.nicBody())
        #expect(nic.status == 400)
        #expect(nic.errorCode == "InvalidResourceReference")
        #expect(nic.json?["error"]?["target"]?.stringValue == Fixture.subnetID)
        try fixture.vnet()
        let pool = try fixture.client.send("PUT", "\(Fixture.network)/networkInterfaces/n", Fixture.nicBody(pools: ["pool1"]))
        #expect(pool.errorCode == "InvalidResourceReference")
        var rule = Fixture.rule("r", port: 1, pool: "pool9")
        rule.set(["properties", "probe"], nil)
        #expect(try fixture.client.send("PUT", Fixture.lbID, Fixture.lbBody(rules: [rule])).errorCode == "InvalidResourceReference")
        let pls = try fixture.client.send("PUT", Fixture.plsID, Fixture.plsBody())
        #expect(pls.errorCode == "InvalidResourceReference")
    }

    @Test func privateLinkServiceNeedsPoliciesDisabled() throws {
        let fixture = try Fixture()
        try fixture.vnet(policies: "Enabled")
        try fixture.lb()
        let response = try fixture.client.send("PUT", Fixture.plsID, Fixture.plsBody())
        #expect(response.status == 400)
        #expect(response.errorCode == "PrivateLinkServiceCannotBeCreatedInSubnetThatHasNetworkPoliciesEnabled")
    }

    @Test func inUseResourcesCannotBeDeleted() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        try fixture.nic("nic1")
        let subnet = try fixture.client.send("DELETE", Fixture.subnetID)
        #expect(subnet.status == 400)
        #expect(subnet.errorCode == "InUseSubnetCannotBeDeleted")
        var noSubnets = Fixture.vnetBody()
        noSubnets.set(["properties", "subnets"], [])
        #expect(try fixture.client.send("PUT", "\(Fixture.network)/virtualNetworks/kafka-pls-vnet", noSubnets).errorCode == "InUseSubnetCannotBeDeleted")
        #expect(try fixture.client.send("DELETE", "\(Fixture.network)/virtualNetworks/kafka-pls-vnet").errorCode == "InUseSubnetCannotBeDeleted")
        try fixture.lb()
        try fixture.pls()
        let lb = try fixture.client.send("DELETE", Fixture.lbID)
        #expect(lb.status == 400)
        #expect(lb.errorCode == "LoadBalancerInUseByPrivateLinkService")
        #expect(try fixture.delete(Fixture.plsID).status == 202)
        #expect(try fixture.delete(Fixture.lbID).status == 202)
        #expect(try fixture.delete("\(Fixture.network)/networkInterfaces/nic1").status == 202)
        #expect(try fixture.delete(Fixture.subnetID).status == 202)
        #expect(try fixture.get(Fixture.subnetID).status == 404)
    }

    @Test func provisioningStateEchoMustMatch() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        var body = try #require(try fixture.get("\(Fixture.network)/virtualNetworks/kafka-pls-vnet").json)
        #expect(try fixture.client.send("PUT", "\(Fixture.network)/virtualNetworks/kafka-pls-vnet", body).status == 200)
        try fixture.client.wait(try fixture.client.send("GET", "\(Fixture.network)/virtualNetworks/kafka-pls-vnet"))
        _ = try fixture.get("\(Fixture.network)/virtualNetworks/kafka-pls-vnet")
        body.set(["properties", "provisioningState"], "Failed")
        let mismatch = try fixture.client.send("PUT", "\(Fixture.network)/virtualNetworks/kafka-pls-vnet", body)
        #expect(mismatch.status == 400)
        #expect(mismatch.errorCode == "ProvisioningStateMismatch")
    }

    @Test func subnetsMustFitTheAddressSpace() throws {
        let fixture = try Fixture()
        try fixture.group()
        let outside = try fixture.client.send("PUT", "\(Fixture.network)/virtualNetworks/v", Fixture.vnetBody(prefix: "10.1.0.0/24"))
        #expect(outside.errorCode == "NetcfgSubnetRangeOutsideVnet")
        try fixture.vnet()
        let overlapping = try fixture.client.send("PUT", "\(Fixture.network)/virtualNetworks/kafka-pls-vnet/subnets/other", ["properties": ["addressPrefix": "10.0.0.128/25"]])
        #expect(overlapping.errorCode == "NetcfgSubnetRangesOverlap")
        let added = try fixture.client.send("PUT", "\(Fixture.network)/virtualNetworks/kafka-pls-vnet/subnets/other", ["properties": ["addressPrefix": "10.0.1.0/24"]])
        #expect(added.status == 201)
        #expect(added.json?["id"]?.stringValue?.hasSuffix("/subnets/other") == true)
        try fixture.client.wait(added)
        let listed = try fixture.get("\(Fixture.network)/virtualNetworks/kafka-pls-vnet/subnets")
        #expect(listed.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["brokers-subnet", "other"])
    }
}
