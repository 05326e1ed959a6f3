public import ProviderAPI

/// One way of obtaining Azure tokens, as used by ``AzureCredentialChain``.
///
/// Contract: `token(for:)` throws ``AzureCredentialError`` (``AzureCredentialError/Kind/unavailable``
/// when not configured or not reachable, ``AzureCredentialError/Kind/failed`` otherwise) or
/// `HTTPTransportError.cancelled` / `CancellationError` when the task is cancelled. Credentials do
/// not cache; wrap the provider actually used in a ``TokenCache``.
public protocol AzureCredential: AccessTokenProvider {
    /// A stable name for messages, e.g. `ManagedIdentityCredential`.
    var name: String { get }
}

/// Stands in for a credential that could not be configured, so a chain can report why.
public struct UnavailableCredential: AzureCredential {
    public let name: String
    public let reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public func token(for scope: String) async throws -> AccessToken {
        throw AzureCredentialError.unavailable(name, reason)
    }
}

/// A secret string that never shows itself in `print`, `dump`, string interpolation or reflection.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself; only read it to put it on the wire.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension String {
    /// The resource (audience) for a v2 scope: `https://management.azure.com/.default` becomes
    /// `https://management.azure.com`, as IMDS and `az --resource` expect.
    var scopeResource: String {
        hasSuffix("/.default") ? String(dropLast("/.default".count)) : self
    }
}
