public import CloudHTTP
public import Foundation
public import ProviderAPI

/// Managed identity through the Azure instance metadata service (IMDS):
/// `GET {imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=<scope without /.default>`
/// (plus `&client_id=…` for a user-assigned identity) with the header `Metadata: true`.
///
/// Contract:
/// - Retries 404, 410, 429 and 5xx per ``CloudHTTP/RetryPolicy/imds`` (the policy is applied here,
///   so pass a transport that does not retry).
/// - Give it a transport with a short connect timeout (2 s: `CurlTransport.Configuration(connectTimeout: 2)`)
///   so that off Azure it fails fast: a connection failure or timeout, or IMDS answering 400
///   "no identity", is ``AzureCredentialError/Kind/unavailable``; any other failure is
///   ``AzureCredentialError/Kind/failed``.
/// - `expires_on` (absolute) wins over `expires_in`; both may arrive as strings.
public struct ManagedIdentityCredential: AzureCredential {
    public var name: String { "ManagedIdentityCredential" }
    public static let apiVersion = "2018-02-01"
    public let endpoint: String
    /// A user-assigned identity's client id; nil for the system-assigned identity.
    public let clientID: String?
    private let transport: RetryingTransport
    private let timeout: Double
    private let now: @Sendable () -> Date

    public init(
        endpoint: String = AzureEndpoints.defaultIMDS,
        clientID: String? = nil,
        transport: any HTTPTransport,
        retryPolicy: RetryPolicy = .imds,
        logSink: any HTTPLogSink = NullLogSink(),
        timeout: Double = 10,
        now: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.endpoint = AzureEndpoints(imds: endpoint).imds
        self.clientID = clientID.flatMap { $0.isEmpty ? nil : $0 }
        self.transport = RetryingTransport(wrapping: transport, policy: retryPolicy, logSink: logSink, now: now, sleep: sleep)
        self.timeout = timeout
        self.now = now
    }

    /// Uses `endpoints.imds` and, when set, `AZURE_CLIENT_ID` as the user-assigned identity.
    public static func fromEnvironment(
        _ env: [String: String],
        endpoints: AzureEndpoints,
        transport: any HTTPTransport,
        logSink: any HTTPLogSink = NullLogSink()
    ) -> ManagedIdentityCredential {
        ManagedIdentityCredential(endpoint: endpoints.imds, clientID: env["AZURE_CLIENT_ID"], transport: transport, logSink: logSink)
    }

    /// The request for `scope`, exactly as sent.
    public func request(for scope: String) -> HTTPRequest {
        var query = [("api-version", Self.apiVersion), ("resource", scope.scopeResource)]
        if let clientID { query.append(("client_id", clientID)) }
        return HTTPRequest(
            method: "GET",
            url: "\(endpoint)/metadata/identity/oauth2/token?\(FormEncoding.encode(query))",
            headers: [("Metadata", "true"), ("Accept", "application/json")],
            timeout: timeout
        )
    }

    public func token(for scope: String) async throws -> AccessToken {
        let response: HTTPResponse
        do {
            response = try await transport.send(request(for: scope))
        } catch let error as HTTPTransportError {
            switch error {
            case .cancelled: throw error
            case .connectFailed, .timedOut:
                throw AzureCredentialError.unavailable(name, "IMDS at \(endpoint) is not reachable (not on an Azure VM?): \(error)")
            case .responseTooLarge, .other:
                throw AzureCredentialError.failed(name, "IMDS request failed: \(error)")
            }
        }
        let parsed = TokenResponse.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let detail = parsed?.errorMessage(redacting: []).map { ": \($0)" } ?? ""
            if response.status == 400 {
                // IMDS answers 400 when the VM has no (such) identity assigned.
                throw AzureCredentialError.unavailable(name, "no managed identity available (IMDS answered HTTP 400\(detail))")
            }
            throw AzureCredentialError.failed(name, "IMDS answered HTTP \(response.status)\(detail)")
        }
        guard let token = parsed?.accessToken(now: now()) else {
            throw AzureCredentialError.failed(name, "IMDS answered without access_token and expires_on/expires_in")
        }
        return token
    }
}
