public import CloudHTTP
public import Foundation
public import ProviderAPI

/// The VM's service account through the GCE metadata server:
/// `GET http://{host}/computeMetadata/v1/instance/service-accounts/default/token?scopes=a,b` with the header
/// `Metadata-Flavor: Google`, answered by `{access_token, expires_in, token_type}`.
///
/// Contract:
/// - Give it a transport with a short connect timeout (`CurlTransport.Configuration(connectTimeout: 2)`) that
///   does not retry: the policy (``CloudHTTP/RetryPolicy/gcpMetadata``) is applied here and never retries a
///   connection failure, so that off GCP it reports quickly.
/// - ``GcpCredentialError/Kind/unavailable`` when there is no metadata server: the host does not resolve or
///   does not answer, or the answer lacks the `Metadata-Flavor: Google` header (something else answered), or
///   404 (the instance has no service account). Any other failure is ``GcpCredentialError/Kind/failed``.
public struct MetadataServerCredential: GcpCredential {
    public var name: String { "MetadataServerCredential" }
    public static let tokenPath = "/computeMetadata/v1/instance/service-accounts/default/token"
    public let host: String
    private let exchange: TokenExchange

    public init(
        host: String = GcpEndpoints.defaultMetadataHost,
        transport: any HTTPTransport,
        retryPolicy: RetryPolicy = .gcpMetadata,
        logSink: any HTTPLogSink = NullLogSink(),
        timeout: Double = 10,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.host = host
        let retrying = RetryingTransport(
            wrapping: transport, policy: retryPolicy, logSink: logSink, now: now, sleep: sleep)
        self.exchange = TokenExchange(
            credential: "MetadataServerCredential", transport: retrying, timeout: timeout, now: now)
    }

    /// The request for `scope`, exactly as sent.
    public func request(for scope: String) -> HTTPRequest {
        let scopes = scope.scopeList
        let query = scopes.isEmpty ? "" : "?" + FormBody.encode([("scopes", scopes.joined(separator: ","))])
        return HTTPRequest(
            method: "GET", url: "http://\(host)\(Self.tokenPath)\(query)",
            headers: [("Metadata-Flavor", "Google"), ("Accept", "application/json")], timeout: exchange.timeout
        )
    }

    public func token(for scope: String) async throws -> AccessToken {
        let request = request(for: scope)
        let response: HTTPResponse
        do {
            response = try await exchange.transport.send(request)
        } catch let error as HTTPTransportError {
            switch error {
            case .cancelled: throw error
            case .connectFailed, .timedOut:
                throw GcpCredentialError.unavailable(name, "no metadata server at \(host) (not on GCP?): \(error)")
            case .responseTooLarge, .other:
                throw GcpCredentialError.failed(name, "the metadata server request to \(host) failed: \(error)")
            }
        }
        guard response.header("Metadata-Flavor") == "Google" else {
            throw GcpCredentialError.unavailable(
                name,
                "\(host) answered HTTP \(response.status) without the header Metadata-Flavor: Google, "
                    + "so it is not a GCE metadata server"
            )
        }
        let answer = JSONAnswer(response.body)
        guard (200..<300).contains(response.status) else {
            let detail = answer.errorSummary(redacting: []).map { ": \($0)" } ?? ""
            if response.status == 404 {
                throw GcpCredentialError.unavailable(
                    name, "the instance has no service account (metadata server answered HTTP 404\(detail))")
            }
            throw GcpCredentialError.failed(
                name, "the metadata server at \(host) answered HTTP \(response.status)\(detail)")
        }
        guard let token = answer.string("access_token"), let expiresIn = answer.number("expires_in"), expiresIn > 0
        else {
            throw GcpCredentialError.failed(
                name, "the metadata server at \(host) answered without access_token and a positive expires_in")
        }
        return AccessToken(token: token, expiresAt: exchange.now().addingTimeInterval(expiresIn))
    }
}
