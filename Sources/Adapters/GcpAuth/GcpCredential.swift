import Foundation
public import ProviderAPI

/// One way of obtaining GCP access tokens, as used by ``GcpCredentialChain``.
///
/// Contract: `token(for:)` takes one scope or several separated by spaces (e.g.
/// `https://www.googleapis.com/auth/cloud-platform`); it throws ``GcpCredentialError`` or, when the task is
/// cancelled, `HTTPTransportError.cancelled` / `CancellationError`. Credentials do not cache: wrap the one
/// handed to API clients in a ``TokenCache``.
public protocol GcpCredential: AccessTokenProvider {
    /// A stable name for messages, e.g. `MetadataServerCredential`.
    var name: String { get }
}

/// Stands in for a credential that could not be set up (a variable not set, a file that cannot be read), so
/// that a chain can say why when it is asked for a token.
public struct GcpUnconfiguredCredential: GcpCredential {
    public let error: GcpCredentialError
    public var name: String { error.credential }

    public init(_ error: GcpCredentialError) {
        self.error = error
    }

    public func token(for scope: String) async throws -> AccessToken {
        throw error
    }
}

/// A secret string that never shows itself in `print`, `dump`, string interpolation or reflection.
struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    let value: String

    init(_ value: String) {
        self.value = value
    }

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

extension [String: String] {
    /// The variable's value with surrounding white space removed; nil when unset or blank.
    func nonEmpty(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }
}

extension String {
    /// The scopes of a space- (or comma-) separated scope string, in order, without empties.
    var scopeList: [String] {
        split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" || $0 == "\t" }).map(String.init)
    }
}
