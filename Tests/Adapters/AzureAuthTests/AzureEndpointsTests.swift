import AzureAuth
import CloudHTTP
import Foundation
import ProviderAPI
import Synchronization
import Testing

/// Counts requests and answers 200 with a valid token body.
final class RecordingTransport: HTTPTransport {
    private let count = Mutex(0)
    var requests: Int { count.withLock { $0 } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        count.withLock { $0 += 1 }
        return HTTPResponse(status: 200, body: Array(#"{"access_token":"t","expires_in":3600}"#.utf8))
    }
}

@Suite("AzureEndpoints and clear-text refusal")
struct AzureEndpointsTests {
    @Test func defaults() throws {
        let endpoints = try AzureEndpoints.fromEnvironment([:])
        #expect(endpoints == AzureEndpoints(
            resourceManager: "https://management.azure.com", authorityHost: "https://login.microsoftonline.com",
            imds: "http://169.254.169.254", tokenScope: "https://management.azure.com/.default"
        ))
    }

    @Test func environmentOverridesAndTrailingSlashes() throws {
        let endpoints = try AzureEndpoints.fromEnvironment([
            "AZURE_RESOURCE_MANAGER_ENDPOINT": "http://127.0.0.1:8443/", "AZURE_AUTHORITY_HOST": "https://login.example.test/",
            "AZURE_IMDS_ENDPOINT": "http://127.0.0.1:9000", "AZURE_TENANT_ID": "",
        ])
        #expect(endpoints.resourceManager == "http://127.0.0.1:8443")
        #expect(endpoints.authorityHost == "https://login.example.test")
        #expect(endpoints.imds == "http://127.0.0.1:9000")
    }

    @Test("plain http to a non-loopback host is refused", arguments: [
        ["AZURE_RESOURCE_MANAGER_ENDPOINT": "http://management.azure.com"],
        ["AZURE_AUTHORITY_HOST": "http://login.microsoftonline.com"],
        ["AZURE_AUTHORITY_HOST": "http://10.0.0.7:8080"],
        ["AZURE_AUTHORITY_HOST": "http://127.evil.example"],
        ["AZURE_RESOURCE_MANAGER_ENDPOINT": "http://[::2]:80"],
        ["AZURE_RESOURCE_MANAGER_ENDPOINT": "ftp://127.0.0.1"],
        ["AZURE_AUTHORITY_HOST": "login.microsoftonline.com"],
    ])
    func refused(env: [String: String]) {
        #expect(throws: AzureEndpointsError.self) { try AzureEndpoints.fromEnvironment(env) }
    }

    @Test("loopback may use plain http", arguments: [
        "http://127.0.0.1:1", "http://127.8.9.10", "http://localhost:8080", "http://LOCALHOST", "http://[::1]:8443",
    ])
    func loopbackAllowed(url: String) throws {
        _ = try AzureEndpoints.fromEnvironment(["AZURE_RESOURCE_MANAGER_ENDPOINT": url, "AZURE_AUTHORITY_HOST": url])
    }

    @Test func loopbackDetection() {
        #expect(AzureEndpoints.isLoopback(host: "127.0.0.1"))
        #expect(AzureEndpoints.isLoopback(host: "[::1]"))
        #expect(!AzureEndpoints.isLoopback(host: "127.0.0.1.nip.io"))
        #expect(!AzureEndpoints.isLoopback(host: "128.0.0.1"))
        #expect(!AzureEndpoints.isLoopback(host: "localhost.example"))
        #expect(!AzureEndpoints.isLoopback(host: "127.0.0.256"))
    }

    @Test func credentialsRefuseAClearTextAuthorityWithoutSendingAnything() async throws {
        let transport = RecordingTransport()
        let credential = ClientSecretCredential(
            tenantID: "t", clientID: "c", clientSecret: "SECRET", authorityHost: "http://login.example.test", transport: transport
        )
        let error = await caught { try await credential.token(for: "https://management.azure.com/.default") }
        let credentialError = try #require(error as? AzureCredentialError)
        #expect(credentialError.kind == .failed)
        #expect(credentialError.reason.contains("plain http to a non-loopback host"))
        #expect(transport.requests == 0)

        let federated = WorkloadIdentityCredential(
            tenantID: "t", clientID: "c", tokenFile: "/nonexistent", authorityHost: "http://login.example.test", transport: transport
        )
        _ = await caught { try await federated.token(for: "s") }
        #expect(transport.requests == 0)
    }

    @Test func tenantIDsCannotRewriteThePath() async throws {
        let transport = RecordingTransport()
        let credential = ClientSecretCredential(tenantID: "../evil?x=", clientID: "c", clientSecret: "s", transport: transport)
        let error = await caught { try await credential.token(for: "s") }
        #expect((error as? AzureCredentialError)?.kind == .failed)
        #expect(transport.requests == 0)
    }
}
