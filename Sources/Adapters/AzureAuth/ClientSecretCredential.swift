public import Foundation
public import ProviderAPI

/// A service principal authenticating with a client secret (OAuth 2.0 client credentials):
/// `POST {authority}/{tenant}/oauth2/v2.0/token` with
/// `grant_type=client_credentials&client_id=…&client_secret=…&scope=…`.
///
/// Contract: the secret is sent only in the form body, only to an https (or loopback) authority,
/// and never appears in errors or in this value's descriptions. No caching (see ``TokenCache``).
public struct ClientSecretCredential: AzureCredential {
    public var name: String { "ClientSecretCredential" }
    public let tenantID: String
    public let clientID: String
    private let clientSecret: Secret
    private let client: EntraTokenClient

    /// - Parameters:
    ///   - transport: sends the token POST; wrap it in a `RetryingTransport` whose policy was
    ///     passed through ``CloudHTTP/RetryPolicy/retryingAzureTokenRequests()`` to retry it.
    ///   - timeout: whole-request limit in seconds.
    public init(
        tenantID: String,
        clientID: String,
        clientSecret: String,
        authorityHost: String = AzureEndpoints.defaultAuthorityHost,
        transport: any HTTPTransport,
        timeout: Double = 30,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = Secret(clientSecret)
        self.client = EntraTokenClient(
            credentialName: "ClientSecretCredential",
            authorityHost: AzureEndpoints(authorityHost: authorityHost).authorityHost,
            tenantID: tenantID, clientID: clientID, transport: transport, now: now, timeout: timeout
        )
    }

    /// Built from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`; throws
    /// ``AzureCredentialError/Kind/unavailable`` naming the missing variables when any is unset.
    public static func fromEnvironment(
        _ env: [String: String],
        endpoints: AzureEndpoints,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AzureCredentialError) -> ClientSecretCredential {
        let values = try EnvironmentValues.require(
            ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"], in: env, for: "ClientSecretCredential"
        )
        return ClientSecretCredential(
            tenantID: values[0], clientID: values[1], clientSecret: values[2],
            authorityHost: endpoints.authorityHost, transport: transport, now: now
        )
    }

    public func token(for scope: String) async throws -> AccessToken {
        try await client.token(scope: scope, fields: [("client_secret", clientSecret.value)], secrets: [clientSecret.value])
    }
}

/// Reads required environment variables, treating empty values as unset.
enum EnvironmentValues {
    static func require(_ names: [String], in env: [String: String], for credential: String) throws(AzureCredentialError) -> [String] {
        let values = names.map { env[$0].flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } }
        let missing = zip(names, values).filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty else {
            throw AzureCredentialError.unavailable(credential, "environment variable\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) not set")
        }
        return values.map { $0! }
    }
}
