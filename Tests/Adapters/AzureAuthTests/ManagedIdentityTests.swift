import AzureAuth
import CloudHTTP
import CurlTransport
import Foundation
import ProviderAPI
import TestSupport
import Testing

private let imdsPath = "/metadata/identity/oauth2/token"

@Suite("Managed identity (IMDS)", .timeLimit(.minutes(1)))
struct ManagedIdentityTests {
    /// IMDS's real answer shape: every number is a string.
    static let stringyBody = #"""
        {"access_token":"mi-token","client_id":"c","expires_in":"86399","expires_on":"1700086400","ext_expires_in":"86399",
         "not_before":"1700000000","resource":"https://management.azure.com","token_type":"Bearer"}
        """#

    private func credential(_ server: ScriptedServer, clientID: String? = nil) -> ManagedIdentityCredential {
        ManagedIdentityCredential(
            endpoint: server.baseURL, clientID: clientID, transport: CurlTransport(configuration: .init(connectTimeout: 2)),
            now: ManualClock.fixed(), sleep: { _ in }
        )
    }

    @Test func requestShapeAndStringExpiry() async throws {
        let reply = Reply.json(Self.stringyBody, headers: [["x-ms-request-id", "imds-1"]])
        try await withServer([imdsPath: [with(reply) { $0.requireHeader = ["Metadata", "true"] }]]) { server in
            let token = try await credential(server, clientID: "user-assigned-1").token(for: "https://management.azure.com/.default")
            #expect(token == AccessToken(token: "mi-token", expiresAt: Date(timeIntervalSince1970: 1_700_086_400)))

            let request = try #require(try await server.recorded().first)
            #expect(request.method == "GET")
            #expect(request.path == imdsPath)
            #expect(request.query == [
                "api-version": "2018-02-01", "resource": "https://management.azure.com", "client_id": "user-assigned-1",
            ])
            #expect(request.header("Metadata") == "true")
            #expect(request.header("Authorization") == nil)
        }
    }

    @Test func theMetadataHeaderIsRequiredByTheServer() async throws {
        // The stand-in enforces the header as IMDS does, so the credential's success above proves it sends it.
        try await withServer([imdsPath: [with(Reply.json(Self.stringyBody)) { $0.requireHeader = ["Metadata", "true"] }]]) { server in
            let bare = try await CurlTransport().send(HTTPRequest(method: "GET", url: "\(server.baseURL)\(imdsPath)?resource=x"))
            #expect(bare.status == 400)
            let token = try await credential(server).token(for: "https://management.azure.com/.default")
            #expect(token.token == "mi-token")
            let requests = try await server.recorded()
            #expect(requests.last?.query["client_id"] == nil)
        }
    }

    @Test func numericExpiresInWithoutExpiresOn() async throws {
        try await withServer([imdsPath: [.json(#"{"access_token":"t","expires_in":3600}"#)]]) { server in
            let token = try await credential(server).token(for: "https://management.azure.com/.default")
            #expect(token.expiresAt == ManualClock.fixed()().addingTimeInterval(3600))
        }
    }

    @Test("IMDS warming up or throttled is retried", arguments: [404, 410, 429, 500, 503])
    func retried(status: Int) async throws {
        let routes: [String: [Reply]] = [imdsPath: [.json(#"{"error":"busy"}"#, status: status), .json(Self.stringyBody)]]
        try await withServer(routes) { server in
            let token = try await credential(server).token(for: "https://management.azure.com/.default")
            #expect(token.token == "mi-token")
            let requests = try await server.recorded()
            #expect(requests.count == 2)
        }
    }

    @Test func noIdentityIsUnavailable() async throws {
        let body = #"{"error":"invalid_request","error_description":"Identity not found"}"#
        try await withServer([imdsPath: [.json(body, status: 400)]]) { server in
            let error = await caught { try await credential(server).token(for: "https://management.azure.com/.default") }
            let credentialError = try #require(error as? AzureCredentialError)
            #expect(credentialError.kind == .unavailable)
            #expect(credentialError.reason.contains("Identity not found"))
        }
    }

    @Test func persistentServerErrorIsAFailure() async throws {
        try await withServer([imdsPath: [.json(#"{"error":"boom"}"#, status: 500)]]) { server in
            let error = await caught { try await credential(server).token(for: "https://management.azure.com/.default") }
            #expect((error as? AzureCredentialError)?.kind == .failed)
            let requests = try await server.recorded()
            #expect(requests.count == RetryPolicy.imds.maxAttempts)
        }
    }

    @Test func offAzureIsUnavailableAfterOneAttempt() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let sink = CollectingLogSink()
        let credential = ManagedIdentityCredential(
            endpoint: closed.url, transport: CurlTransport(configuration: .init(connectTimeout: 2)), logSink: sink, sleep: { _ in }
        )
        let error = await caught { try await credential.token(for: "https://management.azure.com/.default") }
        let credentialError = try #require(error as? AzureCredentialError)
        #expect(credentialError.kind == .unavailable)
        #expect(credentialError.reason.contains("not reachable"))
        #expect(sink.records.count == 1)
    }
}

/// `value` after `change`.
func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}
