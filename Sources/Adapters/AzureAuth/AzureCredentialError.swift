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

/// Every credential of an ``AzureCredentialChain`` and why none produced a token: each one tried with its
/// reason, then the ones not tried because the chain stopped at a configured credential that failed.
public struct AzureCredentialChainError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One entry per credential tried, in chain order.
    public var attempts: [AzureCredentialError]
    /// The names of the credentials after the failed one, in chain order (empty when every one was tried).
    public var notTried: [String]

    public init(attempts: [AzureCredentialError], notTried: [String] = []) {
        self.attempts = attempts
        self.notTried = notTried
    }

    /// A header line, then one `  - NAME KIND: REASON` line per credential of the chain.
    public var description: String {
        let stoppedAt = attempts.last.flatMap { $0.kind == .failed ? $0.credential : nil }
        var text = stoppedAt != nil
            ? "Azure authentication failed:"
            : "no Azure credential is available; configure one of them:"
        for attempt in attempts {
            text += "\n  - \(attempt)"
        }
        for name in notTried {
            text += "\n  - \(name) not tried: the chain stops at a configured credential that fails (\(stoppedAt ?? "?")), "
                + "so that a broken configuration is never silently replaced by another identity"
        }
        return text
    }
}
