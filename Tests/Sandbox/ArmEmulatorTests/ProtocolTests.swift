import ArmEmulator
import Foundation
import Testing

/// Protocol rules: api-version, authentication, token endpoints, headers, case-insensitive paths, errors, paging.
@Suite struct ProtocolTests {
    @Test func apiVersionIsRequiredAndChecked() throws {
        let fixture = try Fixture()
        let missing = try fixture.client.send("GET", Fixture.groupPath, apiVersion: "")
        #expect(missing.status == 400)
        #expect(missing.errorCode == "MissingApiVersionParameter")
        let wrong = try fixture.client.send("GET", "\(Fixture.network)/loadBalancers/x", apiVersion: "2019-01-01")
        #expect(wrong.status == 400)
        #expect(wrong.errorCode == "InvalidApiVersionParameter")
        #expect(wrong.json?["error"]?["message"]?.stringValue?.contains("2025-07-01") == true)
        // The versions the pinned SDKs send are accepted too.
        try fixture.group()
        #expect(try fixture.client.send("GET", "\(Fixture.network)/loadBalancers/x", apiVersion: "2026-03-01").status == 404)
        #expect(try fixture.client.send("GET", "\(Fixture.groupPath)/providers/Microsoft.Compute/virtualMachines/x", apiVersion: "2026-04-01").status == 404)
    }

    @Test func bearerTokenIsRequired() throws {
        let fixture = try Fixture()
        var anonymous = fixture.client
        anonymous.token = nil
        let missing = try anonymous.send("GET", Fixture.groupPath)
        #expect(missing.status == 401)
        #expect(missing.errorCode == "AuthenticationFailed")
        #expect(missing.header("www-authenticate")?.hasPrefix("Bearer") == true)
        var forged = fixture.client
        forged.token = "not-a-token"
        let invalid = try forged.send("GET", Fixture.groupPath)
        #expect(invalid.status == 401)
        #expect(invalid.errorCode == "InvalidAuthenticationToken")
    }

    @Test func issuedTokensAreAccepted() throws {
        let fixture = try Fixture()
        let form = "grant_type=client_credentials&client_id=app&client_secret=s3cret&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
        let issued = try TestConnection(port: fixture.emulator.port).send(
            "POST", "/tenant-1/oauth2/v2.0/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(form.utf8))
        #expect(issued.status == 200)
        #expect(issued.json?["token_type"] == "Bearer")
        #expect(issued.json?["expires_in"]?.intValue == 3600)
        let token = try #require(issued.json?["access_token"]?.stringValue)
        var client = fixture.client
        client.token = token
        #expect(try client.send("PUT", Fixture.groupPath, ["location": "eastus"]).status == 201)

        let assertion = "grant_type=client_credentials&client_id=app&scope=x&client_assertion=eyJ.a.b"
            + "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
        #expect(try TestConnection(port: fixture.emulator.port).send("POST", "/t/oauth2/v2.0/token", body: Array(assertion.utf8)).status == 200)
        let noSecret = try TestConnection(port: fixture.emulator.port).send(
            "POST", "/t/oauth2/v2.0/token", body: Array("grant_type=client_credentials&client_id=app&scope=x".utf8))
        #expect(noSecret.status == 401)
        #expect(noSecret.json?["error"] == "invalid_client")

        let imdsPath = "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fmanagement.azure.com%2F"
        #expect(try TestConnection(port: fixture.emulator.port).send("GET", imdsPath).status == 400)
        let imds = try TestConnection(port: fixture.emulator.port).send("GET", imdsPath, headers: ["Metadata": "true"])
        #expect(imds.status == 200)
        #expect(imds.json?["expires_in"]?.stringValue == "3600")
        #expect(imds.json?["resource"] == "https://management.azure.com/")
        client.token = imds.json?["access_token"]?.stringValue
        #expect(try client.send("GET", Fixture.groupPath).status == 200)
    }

    @Test func responsesCarryArmHeaders() throws {
        let fixture = try Fixture()
        let response = try fixture.client.send("PUT", Fixture.groupPath, ["location": "eastus"], headers: ["x-ms-client-request-id": "abc-123"])
        #expect(response.header("x-ms-request-id")?.count == 36)
        #expect(response.header("x-ms-correlation-request-id") == "abc-123")
        #expect(response.header("x-ms-ratelimit-remaining-subscription-writes") != nil)
        #expect(response.header("content-type") == "application/json; charset=utf-8")
        let read = try fixture.get(Fixture.groupPath)
        #expect(read.header("x-ms-ratelimit-remaining-subscription-reads") != nil)
        #expect(read.header("x-ms-correlation-request-id")?.count == 36)
    }

    @Test func pathsAreCaseInsensitive() throws {
        let fixture = try Fixture()
        try fixture.vnet()
        let lower = "/SUBSCRIPTIONS/\(Fixture.sub)/RESOURCEGROUPS/KAFKA-PLS-RG/providers/microsoft.network/VIRTUALNETWORKS/Kafka-PLS-VNet"
        let read = try fixture.get(lower)
        #expect(read.status == 200)
        #expect(read.json?["id"]?.stringValue == "\(Fixture.network)/virtualNetworks/kafka-pls-vnet")
        #expect(try fixture.get(lower + "/SUBNETS/BROKERS-SUBNET").json?["name"] == "brokers-subnet")
        #expect(fixture.emulator.resource(id: lower.lowercased())?["name"] == "kafka-pls-vnet")
    }

    @Test func notFoundErrorsNameTheResource() throws {
        let fixture = try Fixture()
        let noGroup = try fixture.get("\(Fixture.network)/loadBalancers/x")
        #expect(noGroup.status == 404)
        #expect(noGroup.errorCode == "ResourceGroupNotFound")
        try fixture.group()
        let missing = try fixture.get("\(Fixture.network)/loadBalancers/x")
        #expect(missing.status == 404)
        #expect(missing.errorCode == "ResourceNotFound")
        #expect(missing.json?["error"]?["message"]?.stringValue?.hasPrefix(
            "The Resource 'Microsoft.Network/loadBalancers/x' under resource group 'kafka-pls-rg' was not found.") == true)
        #expect(missing.json?["error"]?["details"] == [])
        #expect(try fixture.client.send("HEAD", "/subscriptions/\(Fixture.sub)/resourceGroups/other").status == 404)
        #expect(try fixture.client.send("HEAD", Fixture.groupPath).status == 204)
        #expect(try fixture.get("\(Fixture.network)/widgets/x").errorCode == "InvalidResourceType")
    }

    @Test func listsPageWithAbsoluteNextLinks() throws {
        let fixture = try Fixture { $0.pageSize = 2 }
        try fixture.group()
        for index in 1...5 { try fixture.put("\(Fixture.network)/networkSecurityGroups/nsg\(index)", ["location": "eastus"]) }
        var names: [String] = []
        var page = try fixture.get("\(Fixture.network)/networkSecurityGroups")
        var pages = 1
        while true {
            names += page.json?["value"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            guard let next = page.json?["nextLink"]?.stringValue else { break }
            #expect(next.hasPrefix(fixture.emulator.baseURL))
            #expect(next.contains("api-version=2025-07-01"))
            page = try fixture.client.follow(next)
            pages += 1
        }
        #expect(names == (1...5).map { "nsg\($0)" })
        #expect(pages == 3)
        let subscriptionWide = try fixture.get("/subscriptions/\(Fixture.sub)/providers/Microsoft.Network/networkSecurityGroups")
        #expect(subscriptionWide.json?["value"]?.arrayValue?.count == 2)
        let generic = try fixture.get("\(Fixture.groupPath)/resources")
        #expect(generic.json?["value"]?.arrayValue?.first?["type"] == "Microsoft.Network/networkSecurityGroups")
        // The generic list pages as ARM's does: up to 1000 at once.
        #expect(generic.json?["value"]?.arrayValue?.count == 5 && generic.json?["nextLink"] == nil)
    }

    @Test func theGenericListPagesAtItsOwnSize() throws {
        let fixture = try Fixture { $0.genericListPageSize = 2 }
        try fixture.group()
        for index in 1...3 { try fixture.put("\(Fixture.network)/networkSecurityGroups/nsg\(index)", ["location": "eastus"]) }
        let first = try fixture.get("\(Fixture.groupPath)/resources")
        #expect(first.json?["value"]?.arrayValue?.count == 2)
        let next = try #require(first.json?["nextLink"]?.stringValue)
        #expect(try fixture.client.follow(next).json?["value"]?.arrayValue?.count == 1)
        #expect(try fixture.get("\(Fixture.network)/networkSecurityGroups").json?["value"]?.arrayValue?.count == 3)
    }

    @Test func invalidJSONAndMissingLocationAreRejected() throws {
        let fixture = try Fixture()
        try fixture.group()
        let raw = try TestConnection(port: fixture.emulator.port).send(
            "PUT", "\(Fixture.network)/networkSecurityGroups/n?api-version=2025-07-01",
            headers: ["Authorization": "Bearer arm-emulator-token"], body: Array("{\"location\": ".utf8))
        #expect(raw.status == 400)
        #expect(raw.errorCode == "InvalidRequestContent")
        let noLocation = try fixture.client.send("PUT", "\(Fixture.network)/networkSecurityGroups/n", ["properties": [:]])
        #expect(noLocation.errorCode == "LocationRequired")
        try fixture.put("\(Fixture.network)/networkSecurityGroups/n", ["location": "eastus"])
        let moved = try fixture.client.send("PUT", "\(Fixture.network)/networkSecurityGroups/n", ["location": "westus"])
        #expect(moved.status == 400)
        #expect(moved.errorCode == "InvalidResourceLocation")
        #expect(try fixture.client.send("PUT", "\(Fixture.network)/networkSecurityGroups/n", ["location": "East US"]).status == 200)
    }

    /// The template schema requires a resource group's `properties` (only read-only fields inside): ARM takes `{}`
    /// (and ignores what is read-only), refuses a `properties` that is not an object, and reads it back with the
    /// provisioning state.
    @Test func resourceGroupPropertiesAreAcceptedAndReadOnly() throws {
        let fixture = try Fixture()
        let path = "/subscriptions/\(Fixture.sub)/resourceGroups/\(Fixture.rg)"
        let created = try fixture.put(path, ["location": "eastus", "properties": [:], "tags": ["a": "b"]])
        #expect(created.status == 201)
        #expect(created.json?["properties"]?["provisioningState"] == "Succeeded")
        let again = try fixture.put(path, ["location": "eastus", "properties": ["provisioningState": "Deleting"]])
        #expect(again.status == 200)
        #expect(try fixture.get(path).json?["properties"] == ["provisioningState": "Succeeded"])
        let wrong = try fixture.client.send("PUT", path, ["location": "eastus", "properties": "none"])
        #expect(wrong.status == 400)
        #expect(wrong.errorCode == "InvalidRequestContent")
    }

    @Test func keepAliveServesManyRequestsAndHonoursClose() throws {
        let fixture = try Fixture()
        let connection = try TestConnection(port: fixture.emulator.port)
        let headers = ["Authorization": "Bearer arm-emulator-token"]
        for _ in 0..<3 {
            #expect(try connection.send("GET", "\(Fixture.groupPath)?api-version=2025-04-01", headers: headers).status == 404)
        }
        var closing = headers
        closing["Connection"] = "close"
        let last = try connection.send("GET", "\(Fixture.groupPath)?api-version=2025-04-01", headers: closing)
        #expect(last.header("connection") == "close")
        #expect(throws: ConnectionDropped.self) {
            try connection.send("GET", "\(Fixture.groupPath)?api-version=2025-04-01", headers: headers)
        }
    }

    @Test func stopClosesKeptAliveConnectionsAndFreesThePort() throws {
        let emulator = try ArmEmulator()
        try emulator.start()
        let connection = try TestConnection(port: emulator.port)
        let headers = ["Authorization": "Bearer arm-emulator-token"]
        #expect(try connection.send("GET", "\(Fixture.groupPath)?api-version=2025-04-01", headers: headers).status == 404)
        emulator.stop()
        #expect(throws: ConnectionDropped.self) {
            try connection.send("GET", "\(Fixture.groupPath)?api-version=2025-04-01", headers: headers)
        }
        var again = ArmEmulator.Configuration()
        again.port = emulator.port
        let restarted = try ArmEmulator(configuration: again)
        try restarted.start()
        defer { restarted.stop() }
        #expect(restarted.port == emulator.port)
        #expect(try TestConnection(port: restarted.port).send("GET", "\(Fixture.groupPath)?api-version=2025-04-01", headers: headers).status == 404)
    }
}
