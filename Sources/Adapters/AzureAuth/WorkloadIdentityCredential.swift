public import Foundation
public import ProviderAPI

/// Workload identity federation (e.g. AKS, GitHub Actions): the same client-credentials request
/// as ``ClientSecretCredential`` with `client_assertion=<contents of the federated token file>`
/// and `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
///
/// Contract: the file is re-read on every token request, because the platform rotates it; an
/// unreadable or empty file is ``AzureCredentialError/Kind/failed``. The assertion never appears
/// in errors. No caching (see ``TokenCache``).
public struct WorkloadIdentityCredential: AzureCredential {
    public var name: String { "WorkloadIdentityCredential" }
    public let tenantID: String
    public let clientID: String
    /// Path of the federated token file (`AZURE_FEDERATED_TOKEN_FILE`).
    public let tokenFile: String
    private let client: EntraTokenClient

    public static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// - Parameter transport: see ``ClientSecretCredential/init(tenantID:clientID:clientSecret:authorityHost:transport:timeout:now:)``.
    public init(
        tenantID: String,
        clientID: String,
        tokenFile: String,
        authorityHost: String = AzureEndpoints.defaultAuthorityHost,
        transport: any HTTPTransport,
        timeout: Double = 30,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.tokenFile = tokenFile
        self.client = EntraTokenClient(
            credentialName: "WorkloadIdentityCredential",
            authorityHost: AzureEndpoints(authorityHost: authorityHost).authorityHost,
            tenantID: tenantID, clientID: clientID, transport: transport, now: now, timeout: timeout
        )
    }

    /// Built from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_FEDERATED_TOKEN_FILE`; throws
    /// ``AzureCredentialError/Kind/unavailable`` naming the missing variables when any is unset.
    public static func fromEnvironment(
        _ env: [String: String],
        endpoints: AzureEndpoints,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AzureCredentialError) -> WorkloadIdentityCredential {
        let values = try EnvironmentValues.require(
            ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE"], in: env, for: "WorkloadIdentityCredential"
        )
        return WorkloadIdentityCredential(
            tenantID: values[0], clientID: values[1], tokenFile: values[2],
            authorityHost: endpoints.authorityHost, transport: transport, now: now
        )
    }

    public func token(for scope: String) async throws -> AccessToken {
        let assertion = try readAssertion()
        return try await client.token(
            scope: scope,
            fields: [("client_assertion", assertion), ("client_assertion_type", Self.assertionType)],
            secrets: [assertion]
        )
    }

    private func readAssertion() throws(AzureCredentialError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: tokenFile))
        } catch {
            throw .failed(name, "cannot read the federated token file \(tokenFile): \((error as NSError).localizedDescription)")
        }
        let assertion = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !assertion.isEmpty else {
            throw .failed(name, "the federated token file \(tokenFile) is empty")
        }
        return assertion
    }
}
