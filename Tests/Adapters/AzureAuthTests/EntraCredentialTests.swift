import AzureAuth
import CloudHTTP
import CurlTransport
import Foundation
import ProviderAPI
import TestSupport
import Testing

private let tokenPath = "/tenant-1/oauth2/v2.0/token"
private let okBody = #"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"tok-1"}"#

@Suite("Client secret and workload identity credentials", .timeLimit(.minutes(1)))
struct EntraCredentialTests {
    let clock = ManualClock.fixed()

    @Test func clientSecretRequestShape() async throws {
        try await withServer([tokenPath: [.json(okBody)]]) { server in
            let credential = ClientSecretCredential(
                tenantID: "tenant-1", clientID: "app-1", clientSecret: "s3cr=t&+ /", authorityHost: server.baseURL + "/",
                transport: CurlTransport(), now: clock
            )
            let token = try await credential.token(for: "https://management.azure.com/.default")
            #expect(token == AccessToken(token: "tok-1", expiresAt: clock().addingTimeInterval(3599)))

            let requests = try await server.recorded()
            #expect(requests.count == 1)
            let request = try #require(requests.first)
            #expect(request.method == "POST")
            #expect(request.path == tokenPath)
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(request.header("Authorization") == nil)
            #expect(request.form == [
                "grant_type": "client_credentials", "client_id": "app-1", "client_secret": "s3cr=t&+ /",
                "scope": "https://management.azure.com/.default",
            ])
            #expect(request.body.hasPrefix("grant_type=client_credentials&client_id=app-1&client_secret=s3cr%3Dt%26%2B%20%2F&scope="))
        }
    }

    @Test func tokenEndpointErrorsAreReadableAndSecretFree() async throws {
        let secret = "VerySecret~123"
        let failure = #"""
            {"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID (got VerySecret~123)."}
            """#
        try await withServer([tokenPath: [.json(failure, status: 401)]]) { server in
            let credential = ClientSecretCredential(
                tenantID: "tenant-1", clientID: "app-1", clientSecret: secret, authorityHost: server.baseURL, transport: CurlTransport()
            )
            let error = await caught { try await credential.token(for: "https://management.azure.com/.default") }
            let credentialError = try #require(error as? AzureCredentialError)
            #expect(credentialError.kind == .failed)
            let text = "\(credentialError) \(String(reflecting: credentialError)) \(credential) \(String(reflecting: credential))"
            #expect(text.contains("HTTP 401"))
            #expect(text.contains("invalid_client: AADSTS7000215: Invalid client secret provided"))
            #expect(!text.contains(secret))
        }
    }

    @Test func successWithoutExpiryIsAFailure() async throws {
        try await withServer([tokenPath: [.json(#"{"access_token":"tok"}"#)]]) { server in
            let credential = ClientSecretCredential(
                tenantID: "tenant-1", clientID: "a", clientSecret: "s", authorityHost: server.baseURL, transport: CurlTransport()
            )
            let error = await caught { try await credential.token(for: "scope") }
            #expect((error as? AzureCredentialError)?.kind == .failed)
        }
    }

    @Test func theTokenPOSTIsRetriedWhenMarkedIdempotent() async throws {
        let routes: [String: [Reply]] = [tokenPath: [.json(#"{"error":"temporarily_unavailable"}"#, status: 503, headers: [["Retry-After", "0"]]), .json(okBody)]]
        try await withServer(routes) { server in
            let sink = CollectingLogSink()
            let transport = RetryingTransport(
                wrapping: CurlTransport(), policy: RetryPolicy().retryingAzureTokenRequests(), logSink: sink, sleep: { _ in }
            )
            let credential = ClientSecretCredential(
                tenantID: "tenant-1", clientID: "a", clientSecret: "SECRET", authorityHost: server.baseURL, transport: transport
            )
            let token = try await credential.token(for: "scope")
            #expect(token.token == "tok-1")
            #expect(sink.records.map(\.status) == [503, 200])
            #expect(!sink.lines.joined().contains("SECRET"))
            let requests = try await server.recorded()
            #expect(requests.count == 2)
        }
    }

    @Test func environmentConfiguration() throws {
        let transport = CurlTransport()
        let env = ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "hunter2"]
        let credential = try ClientSecretCredential.fromEnvironment(env, endpoints: AzureEndpoints(), transport: transport)
        #expect(credential.tenantID == "t" && credential.clientID == "c")
        #expect(!"\(credential) \(String(reflecting: credential))".contains("hunter2"))

        #expect(throws: AzureCredentialError.unavailable("ClientSecretCredential", "environment variables AZURE_CLIENT_ID, AZURE_CLIENT_SECRET not set")) {
            try ClientSecretCredential.fromEnvironment(["AZURE_TENANT_ID": "t", "AZURE_CLIENT_SECRET": " "], endpoints: AzureEndpoints(), transport: transport)
        }
        #expect(throws: AzureCredentialError.unavailable("WorkloadIdentityCredential", "environment variable AZURE_FEDERATED_TOKEN_FILE not set")) {
            try WorkloadIdentityCredential.fromEnvironment(env, endpoints: AzureEndpoints(), transport: transport)
        }
    }

    @Test func workloadIdentitySendsTheFileAndRereadsItOnEveryRequest() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("azure-identity-token")
        try "eyJhbGciOi.first.sig\n".write(to: file, atomically: true, encoding: .utf8)

        try await withServer([tokenPath: [.json(okBody)]]) { server in
            let env = [
                "AZURE_TENANT_ID": "tenant-1", "AZURE_CLIENT_ID": "app-2", "AZURE_FEDERATED_TOKEN_FILE": file.path,
                "AZURE_AUTHORITY_HOST": server.baseURL,
            ]
            let credential = try WorkloadIdentityCredential.fromEnvironment(
                env, endpoints: try AzureEndpoints.fromEnvironment(env), transport: CurlTransport()
            )
            _ = try await credential.token(for: "https://management.azure.com/.default")
            try "eyJhbGciOi.rotated.sig".write(to: file, atomically: true, encoding: .utf8)
            _ = try await credential.token(for: "https://management.azure.com/.default")

            let requests = try await server.recorded()
            #expect(requests.map(\.form["client_assertion"]) == ["eyJhbGciOi.first.sig", "eyJhbGciOi.rotated.sig"])
            let form = try #require(requests.first?.form)
            #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            #expect(form["grant_type"] == "client_credentials")
            #expect(form["client_id"] == "app-2")
            #expect(form["scope"] == "https://management.azure.com/.default")
            #expect(form["client_secret"] == nil)
            #expect(requests.allSatisfy { $0.method == "POST" && $0.path == tokenPath })

            try FileManager.default.removeItem(at: file)
            let error = await caught { try await credential.token(for: "scope") }
            let credentialError = try #require(error as? AzureCredentialError)
            #expect(credentialError.kind == .failed)
            #expect(credentialError.reason.contains("cannot read the federated token file"))
            #expect(try await server.recorded().count == 2)
        }
    }

    @Test func workloadAssertionIsMaskedInErrors() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("token")
        try "ASSERTION-JWT".write(to: file, atomically: true, encoding: .utf8)
        let failure = #"{"error":"invalid_client","error_description":"AADSTS70021: No matching federated identity record found for presented assertion ASSERTION-JWT."}"#
        try await withServer([tokenPath: [.json(failure, status: 400)]]) { server in
            let credential = WorkloadIdentityCredential(
                tenantID: "tenant-1", clientID: "c", tokenFile: file.path, authorityHost: server.baseURL, transport: CurlTransport()
            )
            let error = await caught { try await credential.token(for: "scope") }
            let text = String(describing: try #require(error))
            #expect(text.contains("AADSTS70021"))
            #expect(!text.contains("ASSERTION-JWT"))
        }
    }

    @Test func unreachableAuthorityIsAFailureNamingTheURLOnly() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let credential = ClientSecretCredential(
            tenantID: "tenant-1", clientID: "c", clientSecret: "SECRET", authorityHost: closed.url, transport: CurlTransport()
        )
        let error = await caught { try await credential.token(for: "scope") }
        let credentialError = try #require(error as? AzureCredentialError)
        #expect(credentialError.kind == .failed)
        #expect(credentialError.reason.contains("cannot connect"))
        #expect(!credentialError.description.contains("SECRET"))
    }
}
