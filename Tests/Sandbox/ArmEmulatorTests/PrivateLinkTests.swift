import ArmEmulator
import Testing

/// Private endpoints and the PLS's connections: auto-approval, pending, visibility, approve/reject, listing.
@Suite struct PrivateLinkTests {
    static let autoSub = "99549169-6cee-4263-8491-924a3011ee31"
    static let otherSub = "11111111-2222-3333-4444-555555555555"

    func seed(_ fixture: Fixture, visibility: [String]) throws {
        try fixture.vnet()
        try fixture.lb()
        try fixture.pls(Fixture.plsBody(visibility: visibility))
    }

    func state(_ endpoint: TestResponse?) -> String? {
        endpoint?.json?["properties"]?["privateLinkServiceConnections"]?.arrayValue?.first?["properties"]?["privateLinkServiceConnectionState"]?["status"]?.stringValue
    }

    @Test func aliasAndServerFields() throws {
        let fixture = try Fixture()
        try seed(fixture, visibility: [Self.autoSub])
        let pls = try #require(try fixture.get(Fixture.plsID).json)
        let alias = try #require(pls["properties"]?["alias"]?.stringValue)
        #expect(alias.hasPrefix("kafka-pls.") && alias.hasSuffix(".eastus.azure.privatelinkservice"))
        #expect(pls["properties"]?["networkInterfaces"]?.arrayValue?.count == 1)
        #expect(pls["properties"]?["ipConfigurations"]?.arrayValue?.first?["properties"]?["privateIPAddress"] == "10.0.0.5")
        try fixture.pls(Fixture.plsBody(visibility: ["*"]))
        #expect(try fixture.get(Fixture.plsID).json?["properties"]?["alias"]?.stringValue == alias)
    }

    @Test func approvalFollowsAutoApprovalAndVisibility() throws {
        let fixture = try Fixture()
        try seed(fixture, visibility: [Self.autoSub, Self.otherSub])
        let auto = try fixture.endpoint("pe-auto", subscription: Self.autoSub)
        #expect(auto.status == 201)
        let pending = try fixture.endpoint("pe-other", subscription: Self.otherSub)
        let hidden = try fixture.endpoint("pe-hidden", subscription: "99999999-0000-0000-0000-000000000000")
        #expect(hidden.status == 400)
        #expect(hidden.errorCode == "ThirdPartyPrivateLinkServiceProvidedDuringPrivateEndpointCreationDoesNotExistOrIsNotVisible")
        #expect(state(try fixture.get(auto.json!["id"]!.stringValue!)) == "Approved")
        #expect(state(try fixture.get(pending.json!["id"]!.stringValue!)) == "Pending")

        let connections = try fixture.get("\(Fixture.plsID)/privateEndpointConnections").json?["value"]?.arrayValue ?? []
        #expect(connections.count == 2)
        let waiting = try #require(connections.first { $0["properties"]?["privateLinkServiceConnectionState"]?["status"] == "Pending" })
        #expect(waiting["properties"]?["privateEndpoint"]?["id"]?.stringValue?.hasSuffix("/pe-other") == true)
        #expect(waiting["type"] == "Microsoft.Network/privateLinkServices/privateEndpointConnections")
        let name = try #require(waiting["name"]?.stringValue)
        let approved = try fixture.client.send(
            "PUT", "\(Fixture.plsID)/privateEndpointConnections/\(name)",
            ["properties": ["privateLinkServiceConnectionState": ["status": "Approved", "description": "ok"]]])
        #expect(approved.status == 200)
        #expect(approved.json?["properties"]?["privateLinkServiceConnectionState"]?["status"] == "Approved")
        #expect(state(try fixture.get(pending.json!["id"]!.stringValue!)) == "Approved")

        let rejected = try fixture.client.send(
            "PUT", "\(Fixture.plsID)/privateEndpointConnections/\(name)",
            ["properties": ["privateLinkServiceConnectionState": ["status": "Rejected"]]])
        #expect(rejected.status == 200)
        let again = try fixture.client.send(
            "PUT", "\(Fixture.plsID)/privateEndpointConnections/\(name)",
            ["properties": ["privateLinkServiceConnectionState": ["status": "Approved"]]])
        #expect(again.status == 400)
        let removed = try fixture.delete("\(Fixture.plsID)/privateEndpointConnections/\(name)")
        #expect(removed.status == 202)
        #expect(try fixture.get("\(Fixture.plsID)/privateEndpointConnections/\(name)").status == 404)
        #expect(state(try fixture.get(pending.json!["id"]!.stringValue!)) == "Disconnected")
    }

    @Test func manualConnectionsStayPendingAndWildcardVisibilityAdmitsAnyone() throws {
        let fixture = try Fixture()
        try seed(fixture, visibility: ["*"])
        let alias = try #require(try fixture.get(Fixture.plsID).json?["properties"]?["alias"]?.stringValue)
        let manual = try fixture.endpoint("pe-manual", subscription: Self.autoSub, manual: true, target: alias)
        #expect(manual.status == 201)
        let connection = manual.json?["properties"]?["manualPrivateLinkServiceConnections"]?.arrayValue?.first
        #expect(connection?["properties"]?["privateLinkServiceConnectionState"]?["status"] == "Pending")
        #expect(try fixture.endpoint("pe-any", subscription: "99999999-0000-0000-0000-000000000000").status == 201)
        _ = try fixture.delete(manual.json!["id"]!.stringValue!)
        let left = try fixture.get("\(Fixture.plsID)/privateEndpointConnections").json?["value"]?.arrayValue
        #expect(left?.count == 1)
    }

    @Test func connectionListPages() throws {
        let fixture = try Fixture { $0.pageSize = 1 }
        try seed(fixture, visibility: ["*"])
        for index in 1...3 { try fixture.endpoint("pe\(index)", subscription: Self.otherSub) }
        var page = try fixture.get("\(Fixture.plsID)/privateEndpointConnections")
        var count = 0
        while true {
            count += page.json?["value"]?.arrayValue?.count ?? 0
            guard let next = page.json?["nextLink"]?.stringValue else { break }
            page = try fixture.client.follow(next)
        }
        #expect(count == 3)
    }
}
