import AzureProvider
import ProviderAPI
import ReconcileModel
import Testing

@Suite("ARM client: error bodies a person can act on, retry classes, another-operation retries")
struct ARMClientErrorTests {
    let lb = Seed.lbID
    let body: Value = ["location": "eastus"]

    @Test("An error envelope reads: ARM status code on VERB short-path: message (request id)")
    func envelope() async throws {
        let h = ARMHarness()
        h.transport.script("PUT", lb, .armError(400, code: "InvalidResourceReference", message: "Resource /x referenced by kafka-lb was not found.",
                                                requestID: "abc-123", headers: [("x-ms-correlation-request-id", "corr-9")]))
        let error = try await #require(throws: ARMError.self) { try await h.client.put(lb, body: body) }
        #expect(error.message.hasPrefix(
            "ARM 400 InvalidResourceReference on PUT .../loadBalancers/kafka-lb: Resource /x referenced by kafka-lb was not found. "
                + "(request id abc-123, correlation id corr-9). Hint: "))
        #expect(error.kind == .terminal && error.status == 400 && error.requestID == "abc-123")
    }

    @Test("Common codes come with a hint", arguments: [
        ("AuthorizationFailed", 403, "'Network Contributor'"),
        ("ResourceGroupNotFound", 404, "resource group does not exist"),
        ("RetryableErrorDueToAnotherOperation", 429, "another operation holds the resource"),
        ("MissingSubscriptionRegistration", 409, "az provider register --namespace Microsoft.Network"),
    ])
    func hints(code: String, status: Int, hint: String) async throws {
        let h = ARMHarness { $0.maxAnotherOperationRetries = 0 }
        h.transport.script("PUT", lb, .armError(status, code: code, message: "m"))
        let error = try await #require(throws: ARMError.self) { try await h.client.put(lb, body: body) }
        #expect(error.message.contains("Hint: ") && error.message.contains(hint), "\(error.message)")
    }

    @Test("Retry classes: 408, 409, 429 and 5xx are retryable; other 4xx terminal", arguments: [
        (400, ProviderError.Kind.terminal), (403, .terminal), (412, .terminal), (408, .retryable), (409, .retryable),
        (429, .retryable), (500, .retryable), (503, .retryable),
    ])
    func classes(status: Int, kind: ProviderError.Kind) async throws {
        let h = ARMHarness()
        h.transport.script("GET", lb, .armError(status, code: "SomeCode", message: "m"))
        let error = try await #require(throws: ARMError.self) { try await h.client.get(lb) }
        #expect(error.kind == kind)
        #expect(error.providerError(Seed.loadBalancer.address).address == Seed.loadBalancer.address)
    }

    @Test("A body that is not an ARM envelope still names the status, verb and path")
    func bareBody() async throws {
        let h = ARMHarness()
        h.transport.script("GET", lb, HTTPResponse(status: 502, body: Array("<html>Bad Gateway</html>".utf8)))
        let error = try await #require(throws: ARMError.self) { try await h.client.get(lb) }
        #expect(error.message == "ARM 502 on GET .../loadBalancers/kafka-lb: <html>Bad Gateway</html>" && error.kind == .retryable)
    }

    @Test("429 RetryableErrorDueToAnotherOperation on a PUT waits Retry-After and sends the PUT again")
    func anotherOperationRetried() async throws {
        let h = ARMHarness()
        let busy = HTTPResponse.armError(429, code: "RetryableErrorDueToAnotherOperation", message: "Operation on kafka-lb is in progress.",
                                         headers: [("Retry-After", "6")])
        h.transport.script("PUT", lb, busy, .armError(409, code: "AnotherOperationInProgress", message: "busy"), .json(200, ["id": .string(lb)]))
        _ = try await h.client.put(lb, body: body)
        #expect(h.transport.requests("PUT").count == 3)
        #expect(h.sleeps.all == [.seconds(6), .seconds(7)])
    }

    @Test("Compute's 409 OperationNotAllowed is another operation only when it says so (the code also means quota)")
    func computeAnotherOperation() async throws {
        let h = ARMHarness()
        let busy = HTTPResponse.armError(409, code: "OperationNotAllowed",
                                         message: "Operation is not allowed since the resource vm1 has another operation in progress.",
                                         headers: [("Retry-After", "3")])
        h.transport.script("PUT", lb, busy, .json(200, ["id": .string(lb)]))
        _ = try await h.client.put(lb, body: body)
        #expect(h.transport.requests("PUT").count == 2)

        let quota = ARMHarness()
        quota.transport.script("PUT", lb, .armError(409, code: "OperationNotAllowed", message: "Operation could not be completed as it results in exceeding approved Total Regional Cores quota."))
        let error = try await #require(throws: ARMError.self) { try await quota.client.put(lb, body: body) }
        #expect(quota.transport.requests("PUT").count == 1)
        #expect(error.message.contains("quota for this size or zone"), "\(error.message)")
    }

    @Test("The another-operation retry is bounded and then fails retryably")
    func anotherOperationBounded() async throws {
        let h = ARMHarness { $0.maxAnotherOperationRetries = 2 }
        h.transport.script("DELETE", lb, .armError(429, code: "RetryableErrorDueToAnotherOperation", message: "busy", headers: [("Retry-After", "1")]))
        let error = try await #require(throws: ARMError.self) { try await h.client.delete(lb) }
        #expect(error.kind == .retryable && h.transport.requests.count == 3)
    }

    @Test("Other 429s are not retried here: the retrying transport below owns generic retry")
    func plainThrottleNotRetried() async throws {
        let h = ARMHarness()
        h.transport.script("PUT", lb, .armError(429, code: "TooManyRequests", message: "slow down", headers: [("Retry-After", "1")]))
        let error = try await #require(throws: ARMError.self) { try await h.client.put(lb, body: body) }
        #expect(error.kind == .retryable && h.transport.requests.count == 1)
    }

    @Test("No token: a clear error, and nothing is sent")
    func noToken() async throws {
        let transport = ScriptedARMTransport()
        let client = ARMClient(transport: transport, credentials: FailingTokenProvider(), configuration: .init(baseURL: ARMHarness.baseURL))
        let error = try await #require(throws: ARMError.self) { try await client.get(Seed.lbID) }
        #expect(error.message.contains("cannot get an Azure access token") && error.message.contains("AZURE_CLIENT_ID"))
        #expect(transport.requests.isEmpty)
    }

    @Test("JSON: fractions, exponents, escapes and surrogate pairs decode; malformed text is rejected")
    func json() throws {
        let value = try JSONText.decode(Array(#"{"a":1.0,"b":2.5,"c":1e3,"d":"\u00e9\ud83d\ude00\n","e":[true,null,-7]}"#.utf8))
        #expect(value == ["a": 1, "b": "2.5", "c": 1000, "d": "é😀\n", "e": [true, nil, -7]])
        #expect(throws: JSONText.SyntaxError.self) { try JSONText.decode(Array("{\"a\":}".utf8)) }
        #expect(try JSONText.decode([]) == .null)
        #expect(try JSONText.decode(JSONText.encode(value)) == value)
    }
}
