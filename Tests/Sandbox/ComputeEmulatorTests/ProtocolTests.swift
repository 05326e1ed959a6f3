import ArmEmulator
import ComputeEmulator
import CurlTransport
import ProviderAPI
import Testing

/// Compute's protocol as the emulator serves it (cloud-apis.md §2.2, gcp-compute.md A.3-A.4).
@Suite struct ComputeProtocolTests {
    @Test("an operation goes PENDING, RUNNING, DONE through its selfLink; wait returns it DONE; ids are strings")
    func operations() async throws {
        let f = try ComputeFixture { $0.operationPolls = 2 }
        defer { f.stop() }
        let insert = try await f.call("POST", "projects/p/global/networks?requestId=r-1", ["name": "kafka-vpc", "autoCreateSubnetworks": false])
        #expect(insert.status == 200)
        #expect(insert.json["kind"] == "compute#operation" && insert.json["status"] == "PENDING")
        #expect(insert.json["clientOperationId"] == "r-1" && insert.json["id"]?.stringValue != nil)
        let link = try #require(insert.json["selfLink"]?.stringValue)
        #expect(link.hasPrefix("https://www.googleapis.com/compute/v1/projects/p/global/operations/"))
        #expect(try await f.call("GET", link).json["status"] == "RUNNING")
        #expect(try await f.call("GET", link).json["status"] == "DONE")
        let second = try await f.call("POST", "projects/p/regions/us-west1/subnetworks", [
            "name": "s", "network": "projects/p/global/networks/kafka-vpc", "ipCidrRange": "10.0.0.0/24",
        ])
        let regional = try #require(second.json["selfLink"]?.stringValue)
        #expect(regional.contains("/regions/us-west1/operations/"))
        #expect(try await f.call("POST", regional + "/wait").json["status"] == "DONE")
        let network = try await f.call("GET", "projects/p/global/networks/kafka-vpc").json
        #expect(network["id"]?.stringValue?.allSatisfy(\.isNumber) == true)
        #expect(network["selfLink"] == "https://www.googleapis.com/compute/v1/projects/p/global/networks/kafka-vpc")
    }

    @Test("the same requestId again is the same operation and no second effect; another insert of the name is 409")
    func requestIDs() async throws {
        let f = try ComputeFixture()
        defer { f.stop() }
        let body: JSON = ["name": "kafka-vpc"]
        let first = try await f.call("POST", "projects/p/global/networks?requestId=same", body)
        let again = try await f.call("POST", "projects/p/global/networks?requestId=same", body)
        #expect(first.json["name"] == again.json["name"] && again.status == 200)
        let other = try await f.call("POST", "projects/p/global/networks?requestId=other", body)
        #expect(other.status == 409)
        #expect(other.json["error"]?["errors"]?.arrayValue?.first?["reason"] == "alreadyExists")
        #expect(f.emulator.resourcePaths == ["projects/p/global/networks/kafka-vpc"])
    }

    @Test("Google's error body: 404 notFound, 412 on a stale fingerprint, 400 resourceInUseByAnotherResource")
    func errors() async throws {
        let f = try ComputeFixture()
        defer { f.stop() }
        let missing = try await f.call("GET", "projects/p/global/networks/nope")
        #expect(missing.status == 404)
        #expect(missing.json["error"]?["code"] == 404 && missing.json["error"]?["errors"]?.arrayValue?.first?["reason"] == "notFound")
        try await f.seedNetwork()
        let subnet = "projects/p/regions/us-west1/subnetworks/brokers-subnet"
        let current = try await f.call("GET", subnet).json["fingerprint"]
        let stale = try await f.call("PATCH", subnet, ["description": "x", "fingerprint": "c3RhbGU="])
        #expect(stale.status == 412 && stale.json["error"]?["errors"]?.arrayValue?.first?["reason"] == "conditionNotMet")
        try await f.done("PATCH", subnet, ["description": "x", "fingerprint": current ?? .null])
        #expect(try await f.call("GET", subnet).json["fingerprint"] != current, "a patch changes the fingerprint")
        let inUse = try await f.call("DELETE", "projects/p/global/networks/kafka-vpc")
        #expect(inUse.status == 400 && inUse.json["error"]?["errors"]?.arrayValue?.first?["reason"] == "resourceInUseByAnotherResource")
    }

    @Test("lists page with maxResults and nextPageToken")
    func paging() async throws {
        let f = try ComputeFixture()
        defer { f.stop() }
        try await f.done("POST", "projects/p/global/networks", ["name": "n"])
        for name in ["a", "b", "c"] {
            try await f.done("POST", "projects/p/global/firewalls", [
                "name": .string(name), "network": "projects/p/global/networks/n", "allowed": [["IPProtocol": "all"]],
            ])
        }
        let first = try await f.call("GET", "projects/p/global/firewalls?maxResults=2").json
        #expect(first["items"]?.arrayValue?.count == 2 && first["nextPageToken"]?.stringValue != nil)
        let second = try await f.call("GET", "projects/p/global/firewalls?maxResults=2&pageToken=\(first["nextPageToken"]!.stringValue!)").json
        #expect(second["items"]?.arrayValue?.map { $0["name"] } == ["c"] && second["nextPageToken"] == nil)
    }

    @Test("PSC and port-mapping rules: NAT subnets, automatic acceptance with lists, unique client ports, endpoint subnet")
    func rules() async throws {
        let f = try ComputeFixture()
        defer { f.stop() }
        try await f.seedNetwork()
        try await f.seedLoadBalancer()
        let attachment: JSON = [
            "name": "kafka-psc", "targetService": "projects/p/regions/us-west1/forwardingRules/kafka-fr", "connectionPreference": "ACCEPT_AUTOMATIC",
            "natSubnets": ["projects/p/regions/us-west1/subnetworks/psc-subnet"], "consumerAcceptLists": [["projectIdOrNum": "c", "connectionLimit": 1]],
        ]
        let automatic = try await f.call("POST", "\(ComputeFixture.region)/serviceAttachments", attachment)
        #expect(automatic.status == 400 && automatic.json["error"]?["message"] == "Incorrect combination of connection preference with accept and/or reject list")
        var manual = attachment
        manual["connectionPreference"] = "ACCEPT_MANUAL"
        try await f.done("POST", "\(ComputeFixture.region)/serviceAttachments", manual)
        manual["name"] = "second"
        let shared = try await f.call("POST", "\(ComputeFixture.region)/serviceAttachments", manual)
        #expect(shared.status == 400 && shared.json["error"]?["message"]?.stringValue?.contains("already used by service attachment") == true)
        var notPSC = manual
        notPSC["natSubnets"] = ["projects/p/regions/us-west1/subnetworks/brokers-subnet"]
        #expect(try await f.call("POST", "\(ComputeFixture.region)/serviceAttachments", notPSC).status == 400)

        let neg = "\(ComputeFixture.region)/networkEndpointGroups/kafka-neg"
        let taken = try await f.call("POST", "\(neg)/attachNetworkEndpoints", [
            "networkEndpoints": [["instance": "projects/p/zones/us-west1-b/instances/broker-node2", "port": 39093, "clientDestinationPort": 9093]]
        ])
        #expect(taken.status == 400 && taken.json["error"]?["message"]?.stringValue?.contains("clientDestinationPort 9093 is already used") == true)
        let listed = try await f.call("POST", "\(neg)/listNetworkEndpoints").json
        #expect(listed["items"]?.arrayValue?.map { $0["networkEndpoint"]?["ipAddress"] } == ["10.64.0.10", "10.64.0.11"])
        #expect(try await f.call("GET", neg).json["size"] == 2)
        let rule = try await f.call("GET", "\(ComputeFixture.region)/forwardingRules/kafka-fr").json
        #expect(rule["IPAddress"] == "10.64.0.2", "the first free address of the subnet, after the gateway")
    }

    @Test("faults: a throttled request is 403 rateLimitExceeded with no effect; a failed operation carries all three error fields")
    func faults() async throws {
        let f = try ComputeFixture()
        defer { f.stop() }
        f.emulator.setFaults(FaultPlan(rules: [
            FaultRule(method: "POST", pathContains: "networks", action: .throttle, count: 1),
            FaultRule(method: "POST", pathContains: "firewalls", action: .failOperation, count: 1),
        ]))
        let throttled = try await f.call("POST", "projects/p/global/networks", ["name": "n"])
        #expect(throttled.status == 403 && throttled.json["error"]?["errors"]?.arrayValue?.first?["reason"] == "rateLimitExceeded")
        #expect(f.emulator.resourcePaths.isEmpty)
        try await f.done("POST", "projects/p/global/networks", ["name": "n"])
        let failed = try await f.done("POST", "projects/p/global/firewalls", [
            "name": "f", "network": "projects/p/global/networks/n", "allowed": [["IPProtocol": "all"]],
        ])
        #expect(failed["status"] == "DONE" && failed["httpErrorStatusCode"] == 403 && failed["httpErrorMessage"] == "FORBIDDEN")
        #expect(failed["error"]?["errors"]?.arrayValue?.first?["code"] == "RESOURCE_OPERATION_RATE_EXCEEDED")
        #expect(f.emulator.resource("projects/p/global/firewalls/f") == nil, "a failed operation has no effect")
    }

    @Test("the token endpoint and the metadata server (Metadata-Flavor: Google both ways)")
    func tokens() async throws {
        let f = try ComputeFixture()
        defer { f.stop() }
        let token = try await f.call("POST", f.emulator.baseURL + "/token")
        #expect(token.status == 200 && token.json["access_token"]?.stringValue != nil)
        let plain = try await f.http.send(.init(method: "GET", url: f.emulator.baseURL + "/computeMetadata/v1/instance/service-accounts/default/token"))
        #expect(plain.status == 403)
        let flavoured = try await f.http.send(.init(
            method: "GET", url: f.emulator.baseURL + "/computeMetadata/v1/instance/service-accounts/default/token",
            headers: [("Metadata-Flavor", "Google")]))
        #expect(flavoured.status == 200 && flavoured.header("Metadata-Flavor") == "Google")
    }
}
