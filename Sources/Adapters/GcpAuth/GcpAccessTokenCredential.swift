public import Foundation
public import ProviderAPI

/// A fixed access token from `GOOGLE_OAUTH_ACCESS_TOKEN` (Terraform's variable), used as it is for every
/// scope. Its real expiry is unknown, so each answer claims `lifetime` seconds from now.
public struct GcpAccessTokenCredential: GcpCredential {
    public static let variable = "GOOGLE_OAUTH_ACCESS_TOKEN"
    public var name: String { Self.variable }
    private let accessToken: Secret
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date

    public init(token: String, lifetime: TimeInterval = 3600, now: @escaping @Sendable () -> Date = { Date() }) {
        self.accessToken = Secret(token)
        self.lifetime = lifetime
        self.now = now
    }

    /// ``Kind/unavailable`` when the variable is unset or empty.
    public static func fromEnvironment(
        _ env: [String: String], now: @escaping @Sendable () -> Date = { Date() }
    ) throws(GcpCredentialError) -> GcpAccessTokenCredential {
        guard let token = env.nonEmpty(variable) else {
            throw .unavailable(variable, "environment variable not set")
        }
        return GcpAccessTokenCredential(token: token, now: now)
    }

    public func token(for scope: String) async throws -> AccessToken {
        AccessToken(token: accessToken.value, expiresAt: now().addingTimeInterval(lifetime))
    }
}
