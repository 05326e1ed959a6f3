public import CloudHTTP
public import Foundation
public import ProviderAPI
import Synchronization

/// GCP's credentials in the order of `google.auth.default()`, with Terraform's fixed token first.
///
/// Contract:
/// - A credential that is ``GcpCredentialError/Kind/unavailable`` is skipped; the first that yields a token wins
///   and is asked directly from then on (its later errors are rethrown as they are).
/// - One that is configured but ``GcpCredentialError/Kind/failed`` ends the search: a broken key file is never
///   silently replaced by the VM's identity.
/// - When nothing yields a token, one ``GcpCredentialChainError`` lists every credential of the chain: those
///   tried with their reasons (never a secret), then those not tried after a failure.
/// - Cancellation is rethrown at once. No caching: wrap the chain in a ``TokenCache``.
public final class GcpCredentialChain: AccessTokenProvider {
    public let credentials: [any GcpCredential]
    private let winner = Mutex<(any GcpCredential)?>(nil)

    public init(_ credentials: [any GcpCredential]) {
        self.credentials = credentials
    }

    /// The names used for the credentials files that are not set up.
    public static let applicationCredentialsName = "GOOGLE_APPLICATION_CREDENTIALS"
    public static let gcloudADCName = "gcloud application default credentials"

    /// The chain from the environment (never `ProcessInfo`: pass it in):
    /// 1. `GOOGLE_OAUTH_ACCESS_TOKEN`, a fixed token (``GcpAccessTokenCredential``);
    /// 2. the file named by `GOOGLE_APPLICATION_CREDENTIALS` (set but unreadable is a failure, as in google-auth);
    /// 3. gcloud's file, `$CLOUDSDK_CONFIG/application_default_credentials.json` (default
    ///    `$HOME/.config/gcloud/`), when it exists;
    /// 4. the metadata server at `endpoints.metadataHost`.
    /// Files are read here, once; a source that is not set up is kept as a ``GcpUnconfiguredCredential`` so the
    /// final error can say what is missing.
    ///
    /// - Parameters:
    ///   - serviceAccountMode: how service-account keys are used; nil means a self-signed JWT for
    ///     `endpoints.jwtAudience` (what the gapic clients do for Compute).
    ///   - transport: for token requests; e.g. a `RetryingTransport` over `CurlTransport` with
    ///     `RetryPolicy().retryingGcpTokenRequests()`.
    ///   - metadataTransport: a plain (non-retrying) transport with a 2 s connect timeout.
    public static func fromEnvironment(
        _ env: [String: String],
        endpoints: GcpEndpoints,
        transport: any HTTPTransport,
        metadataTransport: any HTTPTransport,
        logSink: any HTTPLogSink = NullLogSink(),
        serviceAccountMode: ServiceAccountCredential.Mode? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) -> GcpCredentialChain {
        let mode = serviceAccountMode ?? .selfSignedJWT(audience: endpoints.jwtAudience)
        func file(_ path: String, source: String) -> any GcpCredential {
            do {
                return try GcpCredentialFile.load(
                    path: path, source: source, serviceAccountMode: mode, transport: transport, now: now)
            } catch {
                return GcpUnconfiguredCredential(error)
            }
        }
        var credentials: [any GcpCredential] = []
        do {
            credentials.append(try GcpAccessTokenCredential.fromEnvironment(env, now: now))
        } catch {
            credentials.append(GcpUnconfiguredCredential(error))
        }
        if let path = env.nonEmpty(applicationCredentialsName) {
            credentials.append(file(path, source: applicationCredentialsName))
        } else {
            credentials.append(
                GcpUnconfiguredCredential(.unavailable(applicationCredentialsName, "environment variable not set")))
        }
        switch gcloudADCPath(env) {
        case .some(let path) where FileManager.default.fileExists(atPath: path):
            credentials.append(file(path, source: gcloudADCName))
        case .some(let path):
            credentials.append(
                GcpUnconfiguredCredential(
                    .unavailable(gcloudADCName, "no file \(path) (gcloud auth application-default login writes it)")))
        case .none:
            credentials.append(
                GcpUnconfiguredCredential(.unavailable(gcloudADCName, "neither CLOUDSDK_CONFIG nor HOME is set")))
        }
        credentials.append(
            MetadataServerCredential(
                host: endpoints.metadataHost, transport: metadataTransport, logSink: logSink, now: now))
        return GcpCredentialChain(credentials)
    }

    /// `$CLOUDSDK_CONFIG/application_default_credentials.json`, else `$HOME/.config/gcloud/…`; nil without either.
    public static func gcloudADCPath(_ env: [String: String]) -> String? {
        let directory = env.nonEmpty("CLOUDSDK_CONFIG") ?? env.nonEmpty("HOME").map { "\($0)/.config/gcloud" }
        return directory.map { "\($0)/application_default_credentials.json" }
    }

    /// The names of the credentials, in order.
    public var names: [String] { credentials.map(\.name) }

    public func token(for scope: String) async throws -> AccessToken {
        if let chosen = winner.withLock({ $0 }) {
            return try await chosen.token(for: scope)
        }
        var attempts: [GcpCredentialError] = []
        for (index, credential) in credentials.enumerated() {
            let failure: GcpCredentialError
            do {
                let token = try await credential.token(for: scope)
                winner.withLock { $0 = credential }
                return token
            } catch let error as GcpCredentialError {
                failure = error
            } catch let error as HTTPTransportError where error == .cancelled {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch {
                failure = .failed(credential.name, "unexpected \(type(of: error))")
            }
            attempts.append(failure)
            if failure.kind == .failed {
                throw GcpCredentialChainError(attempts: attempts, notTried: credentials[(index + 1)...].map(\.name))
            }
            if Task.isCancelled { throw CancellationError() }
        }
        throw GcpCredentialChainError(attempts: attempts)
    }
}
