public import CloudHTTP
public import Foundation
public import ProviderAPI
import Synchronization

/// Tries credentials in order, like azure-identity's `DefaultAzureCredential`.
///
/// Contract:
/// - A credential that is ``AzureCredentialError/Kind/unavailable`` is skipped; the first one
///   that yields a token wins and is used directly from then on (its later errors are rethrown
///   as they are).
/// - A credential that is configured but ``AzureCredentialError/Kind/failed`` ends the search
///   (as in azure-identity): a wrong secret must not silently fall through to another identity.
/// - When nothing yields a token, one ``AzureCredentialChainError`` lists every credential of the
///   chain: each one tried with its reason (never a secret), and those left untried after a failure.
/// - Cancellation is rethrown at once. No caching: wrap the chain in a ``TokenCache``.
public final class AzureCredentialChain: AccessTokenProvider {
    public let credentials: [any AzureCredential]
    private let chosen = Mutex<Int?>(nil)

    public init(_ credentials: [any AzureCredential]) {
        self.credentials = credentials
    }

    /// The default order: ``ClientSecretCredential``, ``WorkloadIdentityCredential``,
    /// ``ManagedIdentityCredential``, ``AzureCliCredential``; one whose environment variables are
    /// missing is kept as an ``UnavailableCredential`` so the final error can say what is missing.
    ///
    /// - Parameters:
    ///   - transport: for the Entra ID token POSTs; e.g. a `RetryingTransport` over `CurlTransport`
    ///     with `RetryPolicy().retryingAzureTokenRequests()`.
    ///   - imdsTransport: for IMDS; a plain (non-retrying) transport with a 2 s connect timeout.
    public static func fromEnvironment(
        _ env: [String: String],
        endpoints: AzureEndpoints,
        transport: any HTTPTransport,
        imdsTransport: any HTTPTransport,
        logSink: any HTTPLogSink = NullLogSink(),
        cliTimeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> AzureCredentialChain {
        var credentials: [any AzureCredential] = []
        do {
            credentials.append(try ClientSecretCredential.fromEnvironment(env, endpoints: endpoints, transport: transport, now: now))
        } catch {
            credentials.append(UnavailableCredential(name: error.credential, reason: error.reason))
        }
        do {
            credentials.append(try WorkloadIdentityCredential.fromEnvironment(env, endpoints: endpoints, transport: transport, now: now))
        } catch {
            credentials.append(UnavailableCredential(name: error.credential, reason: error.reason))
        }
        credentials.append(ManagedIdentityCredential.fromEnvironment(env, endpoints: endpoints, transport: imdsTransport, logSink: logSink))
        credentials.append(AzureCliCredential(environment: env, timeout: cliTimeout))
        return AzureCredentialChain(credentials)
    }

    /// The names of the credentials, in order.
    public var names: [String] { credentials.map(\.name) }

    public func token(for scope: String) async throws -> AccessToken {
        if let index = chosen.withLock({ $0 }) {
            return try await credentials[index].token(for: scope)
        }
        var attempts: [AzureCredentialError] = []
        var stoppedAt: Int?
        for (index, credential) in credentials.enumerated() {
            do {
                let token = try await credential.token(for: scope)
                chosen.withLock { $0 = index }
                return token
            } catch let error as AzureCredentialError {
                attempts.append(error)
                if error.kind == .failed {
                    stoppedAt = index
                    break
                }
            } catch let error as HTTPTransportError where error == .cancelled {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                attempts.append(.failed(credential.name, "unexpected \(type(of: error))"))
                stoppedAt = index
                break
            }
            if Task.isCancelled { throw CancellationError() }
        }
        let notTried = stoppedAt.map { credentials[($0 + 1)...].map(\.name) } ?? []
        throw AzureCredentialChainError(attempts: attempts, notTried: notTried)
    }
}
