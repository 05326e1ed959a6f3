public import Foundation
public import ProviderAPI

/// gcloud's user credentials (`"type": "authorized_user"`, what `gcloud auth application-default login`
/// writes): `POST token_uri` with `grant_type=refresh_token&client_id=…&client_secret=…&refresh_token=…`.
///
/// Contract: no `scope` is sent (as google-auth does when a client library passes only its default scopes):
/// the refreshed token carries the scopes granted at login, which for gcloud include `cloud-platform`. The
/// client secret and the refresh token are sent only in the form body, only to an https (or loopback)
/// `token_uri`, and never appear in errors or in this value's descriptions. No caching (see ``TokenCache``).
public struct AuthorizedUserCredential: GcpCredential {
    public let name: String
    public let clientID: String
    public let tokenURI: String
    private let clientSecret: Secret
    private let refreshToken: Secret
    private let exchange: TokenExchange

    public init(
        clientID: String,
        clientSecret: String,
        refreshToken: String,
        tokenURI: String = GcpEndpoints.defaultTokenURI,
        transport: any HTTPTransport,
        name: String = "AuthorizedUserCredential",
        timeout: Double = 30,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.name = name
        self.clientID = clientID
        self.tokenURI = tokenURI
        self.clientSecret = Secret(clientSecret)
        self.refreshToken = Secret(refreshToken)
        self.exchange = TokenExchange(credential: name, transport: transport, timeout: timeout, now: now)
    }

    public func token(for scope: String) async throws -> AccessToken {
        let form = [
            ("grant_type", "refresh_token"), ("client_id", clientID), ("client_secret", clientSecret.value),
            ("refresh_token", refreshToken.value),
        ]
        return try await exchange.postForm(
            form, to: tokenURI, role: "token endpoint (token_uri)", secrets: [clientSecret.value, refreshToken.value]
        )
    }
}
