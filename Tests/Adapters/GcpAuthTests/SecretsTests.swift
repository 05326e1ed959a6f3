import CloudHTTP
import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing
import _CryptoExtras

/// Secrets never show: not in errors (even when the service echoes them back), not in descriptions, dumps or
/// reflection of the credentials and the chain, not in the request log.
@Suite("Secrets stay out of errors, descriptions and logs", .timeLimit(.minutes(1)))
struct SecretsTests {
    static let refreshToken = "1//0SECRET-refresh"
    static let clientSecret = "SECRET-client-secret"
    static let subjectToken = "eyJ.SECRET-subject.sig"
    static let stsToken = "ya29.SECRET-sts"
    static let fixedToken = "ya29.SECRET-fixed"

    /// Everything a person or a log could see of `values`.
    private func visible(_ values: Any...) -> String {
        values.map { value in
            var dumped = ""
            dump(value, to: &dumped)
            return "\(value) \(String(reflecting: value)) \(dumped)"
        }.joined(separator: "\n")
    }

    /// The private key's PEM body lines (without the BEGIN/END lines).
    private var keyMaterial: [String] {
        testKey.pkcs8PEMRepresentation.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init)
    }

    /// Each file type against token endpoints that echo what they were sent; the last leg of each flow echoes.
    @Test func everyFileTypeAgainstAnEchoingService() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let subject = directory.appendingPathComponent("subject")
        try Self.subjectToken.write(to: subject, atomically: true, encoding: .utf8)
        let routes: [String: [Reply]] = [
            "/token": [.echo],
            "/v1/token": [.echo],
            "/sts-then-impersonation/token": [.json(#"{"access_token":"\#(Self.stsToken)","expires_in":3600}"#)],
            "/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:generateAccessToken": [.echo],
        ]
        try await withServer(routes) { server in
            func externalAccount(tokenURL: String, impersonation: String?) -> [String: Any] {
                var file: [String: Any] = [
                    "type": "external_account",
                    "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/q",
                    "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                    "token_url": server.baseURL + tokenURL,
                    "credential_source": ["file": subject.path],
                ]
                file["service_account_impersonation_url"] = impersonation.map { server.baseURL + $0 }
                return file
            }
            let files: [[String: Any]] = [
                serviceAccountFile(tokenURI: server.baseURL + "/token"),
                authorizedUserFile(
                    tokenURI: server.baseURL + "/token", refreshToken: Self.refreshToken,
                    clientSecret: Self.clientSecret),
                externalAccount(tokenURL: "/v1/token", impersonation: nil),
                externalAccount(
                    tokenURL: "/sts-then-impersonation/token",
                    impersonation: "/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:generateAccessToken"),
            ]
            for (index, file) in files.enumerated() {
                let path = try writeJSON(file, to: directory, name: "\(index).json")
                let sink = CollectingLogSink()
                let transport = RetryingTransport(
                    wrapping: CurlTransport(), policy: RetryPolicy().retryingGcpTokenRequests(), logSink: sink)
                let env = ["GOOGLE_APPLICATION_CREDENTIALS": path, "GCE_METADATA_HOST": try closedLoopbackPort()]
                let chain = GcpCredentialChain.fromEnvironment(
                    env, endpoints: try GcpEndpoints.fromEnvironment(env), transport: transport,
                    metadataTransport: CurlTransport(),
                    logSink: sink, serviceAccountMode: .tokenEndpoint)
                let error = try #require(await caught { try await chain.token(for: "s") } as? GcpCredentialChainError)
                let reason = try #require(error.attempts.last?.reason)
                #expect(
                    reason.contains("answered HTTP 400: invalid_grant: received ") && reason.contains("<redacted>"),
                    "\(reason)")
                let text = visible(error, chain, chain.credentials) + "\n" + sink.lines.joined(separator: "\n")
                let assertions = try await server.recorded().compactMap { $0.form["assertion"] }
                for secret in [Self.refreshToken, Self.clientSecret, Self.subjectToken, Self.stsToken] + assertions
                    + keyMaterial
                {
                    #expect(!text.contains(secret), "\(path) shows a secret: \(text)")
                }
            }
        }
    }

    @Test func theFixedTokenAndSelfSignedJWTsStayHidden() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fixed = try GcpAccessTokenCredential.fromEnvironment(["GOOGLE_OAUTH_ACCESS_TOKEN": Self.fixedToken])
        #expect(try await fixed.token(for: "s").token == Self.fixedToken)
        #expect(!visible(fixed).contains(Self.fixedToken))

        let signer = try GcpCredentialFile.load(
            path: try writeJSON(serviceAccountFile(), to: directory), source: "test",
            serviceAccountMode: .selfSignedJWT(audience: "https://compute.googleapis.com/"), transport: CurlTransport())
        let jwt = try await signer.token(for: "s").token
        let cache = TokenCache(wrapping: signer)
        _ = try await cache.token(for: "s")
        let text = visible(signer, cache)
        for secret in [jwt] + keyMaterial {
            #expect(!text.contains(secret), "shows a secret: \(text)")
        }
    }
}
