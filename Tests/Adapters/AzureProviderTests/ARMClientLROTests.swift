import AzureProvider
import ProviderAPI
import ReconcileModel
import Testing

@Suite("ARM client: requests, long-running operations, paging")
struct ARMClientLROTests {
    let lb = Seed.lbID
    let body: Value = ["location": "eastus", "tags": Seed.tags, "properties": [:]]
    func resource(_ state: String) -> Value { ["id": .string(Seed.lbID), "name": "kafka-lb", "properties": ["provisioningState": .string(state)]] }

    @Test("Every request carries the bearer token, a client request id and the pinned api-version")
    func requestShape() async throws {
        let h = ARMHarness()
        h.transport.script("GET", lb, .json(200, resource("Succeeded")))
        h.transport.script("GET", Seed.vmID(1), .json(200, ["name": "vm"]))
        h.transport.script("GET", Seed.groupID, .json(200, ["name": "rg"]))
        _ = try await h.client.get(lb)
        _ = try await h.client.get(Seed.vmID(1))
        _ = try await h.client.get(Seed.groupID)
        let requests = h.transport.requests
        #expect(requests.map(\.query) == ["api-version=2025-07-01", "api-version=2026-03-01", "api-version=2025-04-01"])
        #expect(requests.allSatisfy { $0.header("Authorization") == "Bearer \(StaticTokenProvider.token)" })
        let ids = requests.compactMap { $0.header("x-ms-client-request-id") }
        #expect(ids.count == 3 && Set(ids).count == 3)
        #expect(requests[0].url == "https://arm.test\(lb)?api-version=2025-07-01")
        #expect(h.tokens.requestedScopes.allSatisfy { $0 == "https://management.azure.com/.default" })
    }

    @Test("PUT via Azure-AsyncOperation: polls until Succeeded, honouring each Retry-After, then reads the resource")
    func asyncOperation() async throws {
        let h = ARMHarness()
        let op = "https://arm.test/subscriptions/\(Seed.subscription)/providers/Microsoft.Network/locations/eastus/operations/op-1?api-version=2025-07-01"
        h.transport.script("PUT", lb, .json(201, resource("Updating"), headers: [("Azure-AsyncOperation", op), ("Retry-After", "2")]))
        h.transport.script("GET", op, .json(200, ["status": "InProgress"], headers: [("Retry-After", "1")]), .json(200, ["status": "Succeeded"]))
        h.transport.script("GET", lb, .json(200, resource("Succeeded")))
        let result = try await h.client.put(lb, body: body)
        #expect(result["properties"]?["provisioningState"] == "Succeeded")
        #expect(h.sleeps.all == [.seconds(2), .seconds(1)])
        #expect(h.transport.requests[1].url == op, "the operation URL is followed verbatim")
        #expect(h.transport.requests[0].json == body && h.transport.requests[0].header("Content-Type") == "application/json")
        #expect(h.transport.log.map { $0.hasPrefix("GET /subscriptions/\(Seed.subscription)/providers") ? "GET op" : $0 }
            == ["PUT \(lb)", "GET op", "GET op", "GET \(lb)"])
    }

    @Test("A Failed operation's error body becomes the error, terminal, with the PUT's request id")
    func failedOperation() async throws {
        let h = ARMHarness()
        let op = "https://arm.test/operations/op-2"
        h.transport.script("PUT", lb, .json(201, resource("Updating"), headers: [("Azure-AsyncOperation", op), ("x-ms-request-id", "put-77")]))
        h.transport.script("GET", op, .json(200, ["status": "Failed", "error": [
            "code": "InvalidResourceReference", "message": "Resource /x/subnets/nope referenced by resource kafka-lb was not found.",
            "details": [["code": "NotFound", "message": "subnet nope"]],
        ]]))
        let error = try await #require(throws: ARMError.self) { try await h.client.put(lb, body: body) }
        #expect(error.kind == .terminal && error.code == "InvalidResourceReference")
        #expect(error.message.hasPrefix("ARM operation Failed on PUT .../loadBalancers/kafka-lb: InvalidResourceReference: Resource /x/subnets/nope"))
        #expect(error.message.contains("(details: NotFound: subnet nope)") && error.message.contains("request id rid-201"))
        #expect(error.message.contains("Hint: a referenced resource"))
        #expect(h.sleeps.all == [.seconds(7)], "no Retry-After: the configured default")
    }

    @Test("DELETE via Location: 202 while running, then 200; the default interval without Retry-After")
    func locationDelete() async throws {
        let h = ARMHarness()
        let location = "https://arm.test/subscriptions/\(Seed.subscription)/providers/Microsoft.Network/locations/eastus/operationResults/del-1"
        h.transport.script("DELETE", lb, .empty(202, headers: [("Location", location), ("Retry-After", "3")]))
        h.transport.script("GET", location, .empty(202), .empty(202, headers: [("Retry-After", "5")]), .empty(200))
        try await h.client.delete(lb)
        #expect(h.sleeps.all == [.seconds(3), .seconds(7), .seconds(5)])
        #expect(h.transport.requests.count == 4)
    }

    @Test("No operation headers: the resource's provisioningState is polled until terminal; missing means Succeeded")
    func provisioningStatePolling() async throws {
        let h = ARMHarness()
        h.transport.script("PUT", lb, .json(201, resource("Creating"), headers: [("Retry-After", "4")]))
        h.transport.script("GET", lb, .json(200, resource("Updating")), .json(200, ["id": .string(lb), "properties": [:]]))
        let result = try await h.client.put(lb, body: body)
        #expect(result["properties"] == [:])
        #expect(h.sleeps.all == [.seconds(4), .seconds(7)])

        let failing = ARMHarness()
        failing.transport.script("PUT", lb, .json(200, resource("Updating")))
        failing.transport.script("GET", lb, .json(200, resource("Failed")))
        let error = try await #require(throws: ARMError.self) { try await failing.client.put(lb, body: body) }
        #expect(error.kind == .terminal && error.message.contains("ARM operation Failed on PUT .../loadBalancers/kafka-lb"))
    }

    @Test("DELETE: 204 and 404 are success at once; a bare 202 polls the resource until it is gone")
    func deleteIdempotent() async throws {
        let h = ARMHarness()
        h.transport.script("DELETE", lb, .empty(204), .notFound, .empty(202))
        try await h.client.delete(lb)
        try await h.client.delete(lb)
        h.transport.script("GET", lb, .json(200, resource("Deleting")), .notFound)
        try await h.client.delete(lb)
        #expect(h.transport.log.count == 5 && h.sleeps.all.count == 2)
    }

    @Test("An operation that never ends fails retryably after the LRO timeout")
    func timeout() async throws {
        let h = ARMHarness { $0.lroTimeout = .seconds(60) }
        let op = "https://arm.test/operations/slow"
        h.transport.script("PUT", lb, .json(201, resource("Updating"), headers: [("Azure-AsyncOperation", op), ("Retry-After", "25")]))
        h.transport.script("GET", op, .json(200, ["status": "InProgress"], headers: [("Retry-After", "25")]))
        let error = try await #require(throws: ARMError.self) { try await h.client.put(lb, body: body) }
        #expect(error.kind == .retryable && error.message.contains("still InProgress after 60"))
        #expect(h.sleeps.all == [.seconds(25), .seconds(25), .seconds(10)], "the last wait is clamped to the time left")
    }

    @Test("Operation URLs on another host are not followed with our token")
    func foreignOrigin() async throws {
        let h = ARMHarness()
        h.transport.script("PUT", lb, .json(201, resource("Updating"), headers: [("Azure-AsyncOperation", "https://evil.example/op")]))
        let error = try await #require(throws: ARMError.self) { try await h.client.put(lb, body: body) }
        #expect(error.message.contains("another host") && h.transport.requests.count == 1)
    }

    @Test("Lists follow nextLink verbatim until there is none")
    func paging() async throws {
        let h = ARMHarness()
        let path = Seed.plsID + "/privateEndpointConnections"
        let next = "https://arm.test\(path)?api-version=2025-07-01&$skiptoken=abc"
        h.transport.script("GET", path, .json(200, ["value": [["name": "a"], ["name": "b"]], "nextLink": .string(next)]),
                           .json(200, ["value": [["name": "c"]]]))
        let items = try await h.client.list(path)
        #expect(items.map { $0["name"] } == ["a", "b", "c"])
        #expect(h.transport.requests.map(\.url) == ["https://arm.test\(path)?api-version=2025-07-01", next])
    }

    @Test("GET of an absent resource is nil")
    func absent() async throws {
        let h = ARMHarness()
        h.transport.script("GET", lb, .notFound)
        #expect(try await h.client.get(lb) == nil)
    }
}
