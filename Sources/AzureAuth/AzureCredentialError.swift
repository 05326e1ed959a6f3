/// Why one credential produced no token.
///
/// ``Kind/unavailable`` means "not configured here" (missing environment variables, no IMDS, no
/// `az`, not logged in): a chain moves on to the next credential. ``Kind/failed`` means the
/// credential is configured but the attempt failed (wrong secret, token endpoint error): a chain
/// stops there, so a broken configuration is never silently replaced by another identity.
/// Messages never contain tokens, secrets or assertions.
public struct AzureCredentialError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case unavailable
        case failed
    }

    /// The credential's name, e.g. `ClientSecretCredential`.
    public var credential: String
    public var kind: Kind
    public var reason: String

    public init(credential: String, kind: Kind, reason: String) {
        self.credential = credential
        self.kind = kind
        self.reason = reason
    }

    public static func unavailable(_ credential: String, _ reason: String) -> AzureCredentialError {
        AzureCredentialError(credential: credential, kind: .unavailable, reason: reason)
    }

    public static func failed(_ credential: String, _ reason: String) -> AzureCredentialError {
        AzureCredentialError(credential: credential, kind: .failed, reason: reason)
    }

    public var description: String { "\(credential) \(kind.rawValue): \(reason)" }
}

/// Every credential of an ``AzureCredentialChain`` that was tried, and why none produced a token.
public struct AzureCredentialChainError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One entry per credential tried, in chain order.
    public var attempts: [AzureCredentialError]

    public init(attempts: [AzureCredentialError]) {
        self.attempts = attempts
    }

    public var description: String {
        let stoppedEarly = attempts.last?.kind == .failed
        var text = stoppedEarly
            ? "Azure authentication failed:"
            : "no Azure credential is available; configure one of them:"
        for attempt in attempts {
            text += "\n  - \(attempt)"
        }
        return text
    }
}
