import AzureAuth
import CurlTransport
import Foundation
import ProviderAPI
import Synchronization
import Testing
import TestSupport

/// A credential with a fixed outcome that counts its calls.
final class FixedCredential: AzureCredential {
    let name: String
    private let outcome: Result<AccessToken, AzureCredentialError>
    private let count = Mutex(0)

    init(_ name: String, _ outcome: Result<AccessToken, AzureCredentialError>) {
        self.name = name
        self.outcome = outcome
    }

    var calls: Int { count.withLock { $0 } }

    func token(for scope: String) async throws -> AccessToken {
        count.withLock { $0 += 1 }
        return try outcome.get()
    }
}

@Suite("AzureCredentialChain", .timeLimit(.minutes(1)))
struct AzureCredentialChainTests {
    let token = AccessToken(token: "t", expiresAt: Date(timeIntervalSince1970: 2_000_000_000))

    @Test func skipsUnavailableAndRemembersTheWinner() async throws {
        let first = FixedCredential("A", .failure(.unavailable("A", "not configured")))
        let second = FixedCredential("B", .success(token))
        let third = FixedCredential("C", .success(AccessToken(token: "never", expiresAt: .distantFuture)))
        let chain = AzureCredentialChain([first, second, third])
        #expect(try await chain.token(for: "s") == token)
        #expect(try await chain.token(for: "s") == token)
        #expect([first.calls, second.calls, third.calls] == [Int]([1, 2, 0]))
    }

    @Test func aConfiguredCredentialThatFailsStopsTheChain() async throws {
        let first = FixedCredential("A", .failure(.unavailable("A", "not configured")))
        let second = FixedCredential("B", .failure(.failed("B", "invalid_client")))
        let third = FixedCredential("C", .success(token))
        let error = await caught { try await AzureCredentialChain([first, second, third]).token(for: "s") }
        #expect(error as? AzureCredentialChainError == AzureCredentialChainError(
            attempts: [.unavailable("A", "not configured"), .failed("B", "invalid_client")], notTried: ["C"]))
        #expect(third.calls == 0)
    }

    /// The aggregated error names every credential of the chain with its reason, those after a failed one too
    /// (the Azure CLI's was once missing when managed identity failed first).
    @Test func everyCredentialAppearsInTheAggregatedError() async throws {
        let chain = AzureCredentialChain([
            FixedCredential("ClientSecretCredential", .failure(.unavailable("ClientSecretCredential", "AZURE_CLIENT_SECRET not set"))),
            FixedCredential("ManagedIdentityCredential", .failure(.failed("ManagedIdentityCredential", "IMDS answered HTTP 403"))),
            FixedCredential("AzureCliCredential", .success(token)),
        ])
        let error = await caught { try await chain.token(for: "s") }
        let text = try #require(error as? AzureCredentialChainError).description
        #expect(text == """
            Azure authentication failed:
              - ClientSecretCredential unavailable: AZURE_CLIENT_SECRET not set
              - ManagedIdentityCredential failed: IMDS answered HTTP 403
              - AzureCliCredential not tried: the chain stops at a configured credential that fails (ManagedIdentityCredential), so that a broken configuration is never silently replaced by another identity
            """, "\(text)")
    }

    @Test func theDefaultOrderAndTheAggregatedErrorFromAnEmptyEnvironment() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let emptyPath = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: emptyPath) }
        let env = ["PATH": emptyPath.path, "AZURE_IMDS_ENDPOINT": closed.url, "AZURE_CLIENT_SECRET": "SECRET"]
        let chain = AzureCredentialChain.fromEnvironment(
            env, endpoints: try AzureEndpoints.fromEnvironment(env), transport: CurlTransport(),
            imdsTransport: CurlTransport(configuration: .init(connectTimeout: 2))
        )
        #expect(chain.names == ["ClientSecretCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential", "AzureCliCredential"])
        let error = await caught { try await chain.token(for: "https://management.azure.com/.default") }
        let chainError = try #require(error as? AzureCredentialChainError)
        #expect(chainError.attempts.map(\.credential) == chain.names)
        #expect(chainError.attempts.allSatisfy { $0.kind == .unavailable })
        let text = chainError.description
        #expect(text.hasPrefix("no Azure credential is available"))
        #expect(text.contains("ClientSecretCredential unavailable: environment variables AZURE_TENANT_ID, AZURE_CLIENT_ID not set"))
        #expect(text.contains("WorkloadIdentityCredential unavailable: environment variables AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE not set"))
        #expect(text.contains("ManagedIdentityCredential unavailable: IMDS at http://127.0.0.1:"))
        #expect(text.contains("AzureCliCredential unavailable: the Azure CLI (az) is not on PATH"))
        #expect(!text.contains("SECRET"))
    }

    @Test func theFirstConfiguredCredentialIsUsedOverLaterOnes() async throws {
        let tokenPath = "/tenant-9/oauth2/v2.0/token"
        let body = #"{"token_type":"Bearer","expires_in":3600,"access_token":"from-secret"}"#
        try await withServer([tokenPath: [.json(body)], "/metadata/identity/oauth2/token": [.json(body)]]) { server in
            let env = [
                "AZURE_TENANT_ID": "tenant-9", "AZURE_CLIENT_ID": "app", "AZURE_CLIENT_SECRET": "pw",
                "AZURE_AUTHORITY_HOST": server.baseURL, "AZURE_IMDS_ENDPOINT": server.baseURL, "PATH": "/nonexistent",
            ]
            let chain = AzureCredentialChain.fromEnvironment(
                env, endpoints: try AzureEndpoints.fromEnvironment(env), transport: CurlTransport(), imdsTransport: CurlTransport()
            )
            let token = try await chain.token(for: "https://management.azure.com/.default")
            #expect(token.token == "from-secret")
            let requests = try await server.recorded()
            #expect(requests.map(\.path) == [tokenPath])
        }
    }
}
