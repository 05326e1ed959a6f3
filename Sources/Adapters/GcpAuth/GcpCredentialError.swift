/// Why one GCP credential produced no token.
///
/// ``Kind/unavailable`` means "not configured here" (no environment variable, no credentials file, no
/// metadata server): a ``GcpCredentialChain`` moves on. ``Kind/failed`` means the credential is configured
/// but the attempt failed (unreadable or incomplete file, the token endpoint refused): the chain stops there,
/// as `google.auth.default()` does, so a broken configuration is never silently replaced by another identity.
/// Reasons name the file, the field or the endpoint and what it answered; never a private key, refresh token,
/// client secret, assertion, subject token or access token.
public struct GcpCredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case unavailable
        case failed
    }

    /// The credential's name, e.g. `ServiceAccountCredential (/etc/gcp/key.json)`.
    public var credential: String
    public var kind: Kind
    public var reason: String

    public init(credential: String, kind: Kind, reason: String) {
        self.credential = credential
        self.kind = kind
        self.reason = reason
    }

    public static func unavailable(_ credential: String, _ reason: String) -> GcpCredentialError {
        GcpCredentialError(credential: credential, kind: .unavailable, reason: reason)
    }

    public static func failed(_ credential: String, _ reason: String) -> GcpCredentialError {
        GcpCredentialError(credential: credential, kind: .failed, reason: reason)
    }

    public var description: String { "\(credential) \(kind.rawValue): \(reason)" }
}

/// Every credential of a ``GcpCredentialChain`` and why none produced a token, in chain order: those tried,
/// each with its reason, then those not tried because the chain stopped at a configured one that failed.
public struct GcpCredentialChainError: Error, Sendable, Hashable, CustomStringConvertible {
    public var attempts: [GcpCredentialError]
    public var notTried: [String]

    public init(attempts: [GcpCredentialError], notTried: [String] = []) {
        self.attempts = attempts
        self.notTried = notTried
    }

    /// A header line, then one `  - NAME KIND: REASON` line per credential of the chain.
    public var description: String {
        let failed = attempts.last.flatMap { $0.kind == .failed ? $0.credential : nil }
        let header =
            failed == nil
            ? "no GCP credential is available; configure one of them:"
            : "GCP authentication failed:"
        let tried = attempts.map { "\n  - \($0)" }
        let untried = notTried.map {
            "\n  - \($0) not tried: the chain stops at the first configured credential (\(failed ?? "?")), "
                + "as google.auth.default() does"
        }
        return header + tried.joined() + untried.joined()
    }
}
