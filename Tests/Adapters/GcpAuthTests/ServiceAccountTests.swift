import CloudHTTP
import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing
import _CryptoExtras

private let tokenPath = "/token"
private let okBody = #"{"access_token":"ya29.sa-token","expires_in":3599,"token_type":"Bearer"}"#

@Suite("Service-account keys: self-signed JWT and the JWT-bearer grant", .timeLimit(.minutes(1)))
struct ServiceAccountTests {
    let now = ManualClock.fixed(Date(timeIntervalSince1970: 1_700_000_000))

    /// The default for Compute (AIP-4111, what gapic clients do): the JWT is the bearer, and no request is made
    /// (token_uri and the metadata server are closed ports, so any request would fail the test).
    @Test func selfSignedJWTHeaderClaimsAndSignature() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try writeJSON(
            serviceAccountFile(tokenURI: "http://\(try closedLoopbackPort())/token"), to: directory)
        let env = ["GOOGLE_APPLICATION_CREDENTIALS": path, "GCE_METADATA_HOST": try closedLoopbackPort()]
        let chain = GcpCredentialChain.fromEnvironment(
            env, endpoints: try GcpEndpoints.fromEnvironment(env), transport: CurlTransport(),
            metadataTransport: CurlTransport(), now: now)

        let token = try await chain.token(for: GcpEndpoints.defaultTokenScope)
        let jwt = try DecodedJWT(token.token)
        #expect(jwt.header as? [String: String] == ["alg": "RS256", "typ": "JWT", "kid": "kid-0123"])
        #expect(jwt.claims["iss"] as? String == testEmail)
        #expect(jwt.claims["sub"] as? String == testEmail)
        #expect(jwt.claims["aud"] as? String == "https://compute.googleapis.com/")
        #expect(jwt.claims["iat"] as? Int == 1_700_000_000)
        #expect(jwt.claims["exp"] as? Int == 1_700_003_600)
        #expect(jwt.claims["scope"] == nil)
        #expect(Set(jwt.claims.keys) == ["iss", "sub", "aud", "iat", "exp"])
        #expect(token.expiresAt == Date(timeIntervalSince1970: 1_700_003_600))
        #expect(jwt.verifies(with: testKey.publicKey))
        #expect(!jwt.verifies(with: try _RSA.Signing.PrivateKey(keySize: .bits2048).publicKey))
    }

    @Test func theAudienceFollowsTheComputeEndpoint() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = try writeJSON(serviceAccountFile(), to: directory)
        let env = [
            "GOOGLE_APPLICATION_CREDENTIALS": path,
            "GOOGLE_COMPUTE_CUSTOM_ENDPOINT": "http://127.0.0.1:5000/compute/v1/",
        ]
        let chain = GcpCredentialChain.fromEnvironment(
            env, endpoints: try GcpEndpoints.fromEnvironment(env), transport: CurlTransport(),
            metadataTransport: CurlTransport())
        let jwt = try DecodedJWT(try await chain.token(for: GcpEndpoints.defaultTokenScope).token)
        #expect(jwt.claims["aud"] as? String == "http://127.0.0.1:5000/")
    }

    @Test func aSelfSignedJWTWithTheScopeClaim() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credential = try loadCredential(
            try writeJSON(serviceAccountFile(), to: directory), mode: .selfSignedJWTWithScope,
            transport: CurlTransport())
        let jwt = try DecodedJWT(
            try await credential.token(
                for: "https://www.googleapis.com/auth/compute https://www.googleapis.com/auth/cloud-platform"
            ).token)
        #expect(
            jwt.claims["scope"] as? String
                == "https://www.googleapis.com/auth/compute https://www.googleapis.com/auth/cloud-platform")
        #expect(jwt.claims["aud"] == nil)
        #expect(jwt.claims["sub"] as? String == testEmail)
    }

    /// An independent implementation: the key comes from `openssl genpkey` (PKCS#8, as in Google's key files) and
    /// `openssl dgst -sha256 -verify` checks the signature over the JWT's signing input.
    @Test func opensslVerifiesTheSignature() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyPath = directory.appendingPathComponent("key.pem").path
        let publicPath = directory.appendingPathComponent("public.pem").path
        let generated = try openssl([
            "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath,
        ])
        try #require(generated.status == 0, "\(generated.output)")
        let extracted = try openssl(["pkey", "-in", keyPath, "-pubout", "-out", publicPath])
        try #require(extracted.status == 0, "\(extracted.output)")
        let pem = try String(contentsOfFile: keyPath, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))

        var file = serviceAccountFile()
        file["private_key"] = pem
        let credential = try loadCredential(
            try writeJSON(file, to: directory), mode: .selfSignedJWT(audience: "https://compute.googleapis.com/"),
            transport: CurlTransport())
        let jwt = try DecodedJWT(try await credential.token(for: "scope").token)
        let input = directory.appendingPathComponent("input")
        let signature = directory.appendingPathComponent("signature")
        try Data(jwt.signingInput.utf8).write(to: input)
        try jwt.signature.write(to: signature)
        let verified = try openssl(["dgst", "-sha256", "-verify", publicPath, "-signature", signature.path, input.path])
        #expect(verified.status == 0 && verified.output.contains("Verified OK"), "\(verified.output)")

        try Data((jwt.signingInput + "x").utf8).write(to: input)
        let tampered = try openssl(["dgst", "-sha256", "-verify", publicPath, "-signature", signature.path, input.path])
        #expect(tampered.status != 0)
    }

    @Test func jwtBearerGrantRequestShape() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withServer([tokenPath: [.json(okBody)]]) { server in
            let path = try writeJSON(serviceAccountFile(tokenURI: server.baseURL + tokenPath), to: directory)
            let credential = try loadCredential(path, mode: .tokenEndpoint, transport: CurlTransport())
            let token = try await credential.token(for: "https://www.googleapis.com/auth/compute")
            #expect(token == AccessToken(token: "ya29.sa-token", expiresAt: now().addingTimeInterval(3599)))

            let request = try #require(try await server.recorded().first)
            #expect(request.method == "POST" && request.path == tokenPath)
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(request.header("Authorization") == nil)
            #expect(Set(request.form.keys) == ["grant_type", "assertion"])
            #expect(request.form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer")
            let assertion = try DecodedJWT(try #require(request.form["assertion"]))
            #expect(assertion.header["kid"] as? String == "kid-0123")
            #expect(assertion.claims["iss"] as? String == testEmail)
            // The constant audience, not token_uri (google-auth's _make_authorization_grant_assertion).
            #expect(assertion.claims["aud"] as? String == "https://oauth2.googleapis.com/token")
            #expect(assertion.claims["scope"] as? String == "https://www.googleapis.com/auth/compute")
            #expect(assertion.claims["sub"] == nil)
            #expect(assertion.claims["exp"] as? Int == 1_700_003_600)
            #expect(assertion.verifies(with: testKey.publicKey))
        }
    }

    @Test func grantErrorsAreReadableAndFreeOfTheAssertion() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let failure = #"{"error":"invalid_grant","error_description":"Invalid JWT Signature."}"#
        try await withServer([tokenPath: [.json(failure, status: 400)]]) { server in
            let path = try writeJSON(serviceAccountFile(tokenURI: server.baseURL + tokenPath), to: directory)
            let credential = try loadCredential(path, mode: .tokenEndpoint, transport: CurlTransport())
            let error = try #require(await caught { try await credential.token(for: "scope") } as? GcpCredentialError)
            #expect(
                error
                    == .failed(
                        "ServiceAccountCredential (\(path))",
                        "token endpoint (token_uri) \(server.baseURL)\(tokenPath) answered HTTP 400: invalid_grant: Invalid JWT Signature."
                    ))
            let assertion = try #require(try await server.recorded().first?.form["assertion"])
            #expect(!"\(error)".contains(assertion))
        }
    }

    @Test(
        "malformed token answers",
        arguments: [
            (Reply.json(#"{"token_type":"Bearer"}"#), "answered without access_token"),
            (Reply.json(#"{"access_token":"t"}"#), "answered without a positive expires_in"),
            (Reply(status: 200, body: "<html>proxy</html>"), "answered with a body that is not a JSON object"),
            (Reply(status: 502, body: "<html>Bad Gateway</html>"), "answered HTTP 502"),
        ])
    func malformedAnswers(reply: Reply, expected: String) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withServer([tokenPath: [reply]]) { server in
            let path = try writeJSON(serviceAccountFile(tokenURI: server.baseURL + tokenPath), to: directory)
            let error = try #require(
                await caught {
                    try await loadCredential(path, mode: .tokenEndpoint, transport: CurlTransport()).token(for: "s")
                }
                    as? GcpCredentialError)
            #expect(error.kind == .failed)
            #expect(error.reason.hasSuffix(expected), "\(error)")
        }
    }

    @Test func filesWithAMissingFieldOrABadKeySayWhich() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var file = serviceAccountFile()
        file["client_email"] = nil
        let missing = try writeJSON(file, to: directory, name: "missing.json")
        #expect(
            throws: GcpCredentialError.failed(
                "ServiceAccountCredential (\(missing))",
                "field client_email missing or empty in \(missing) (service_account)")
        ) { try loadCredential(missing, mode: .tokenEndpoint, transport: CurlTransport()) }

        file = serviceAccountFile()
        file["private_key"] =
            "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAAS-not-a-key\n-----END PRIVATE KEY-----\n"
        let bad = try writeJSON(file, to: directory, name: "bad.json")
        let error = try #require(throws: GcpCredentialError.self) {
            try loadCredential(bad, mode: .tokenEndpoint, transport: CurlTransport())
        }
        #expect(error.reason.hasPrefix("private_key is not a PEM RSA private key"))
        #expect(!error.description.contains("MIIBVQIBADANBgkqhkiG9w0BAQEFAAS"))

        file = serviceAccountFile()
        file["private_key_id"] = nil
        let noKeyID = try writeJSON(file, to: directory, name: "nokid.json")
        let credential = try loadCredential(noKeyID, mode: .tokenEndpoint, transport: CurlTransport())
        #expect((credential as? ServiceAccountCredential)?.privateKeyID == nil)
    }

    /// The token POST is retried (503 with Retry-After, then 200) once the policy marks token requests idempotent.
    @Test func theGrantIsRetriedWhenMarkedIdempotent() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let busy = Reply.json(#"{"error":"temporarily_unavailable"}"#, status: 503, headers: [["Retry-After", "0"]])
        try await withServer([tokenPath: [busy, .json(okBody)]]) { server in
            let sink = CollectingLogSink()
            let transport = RetryingTransport(
                wrapping: CurlTransport(), policy: RetryPolicy().retryingGcpTokenRequests(), logSink: sink,
                sleep: { _ in })
            let path = try writeJSON(serviceAccountFile(tokenURI: server.baseURL + tokenPath), to: directory)
            let token = try await loadCredential(path, mode: .tokenEndpoint, transport: transport).token(for: "s")
            #expect(token.token == "ya29.sa-token")
            #expect(sink.records.map(\.status) == [503, 200])
            let assertion = try #require(try await server.recorded().first?.form["assertion"])
            #expect(!sink.lines.joined().contains(assertion))
        }
    }

    /// Cached, a self-signed JWT is handed out until 5 minutes before its exp, then minted anew.
    @Test func selfSignedJWTsAreReMintedBeforeTheyExpire() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock()
        let credential = try GcpCredentialFile.load(
            path: try writeJSON(serviceAccountFile(), to: directory), source: "test",
            serviceAccountMode: .selfSignedJWT(audience: "https://compute.googleapis.com/"), transport: CurlTransport(),
            now: clock.closure)
        let cache = TokenCache(wrapping: credential, now: clock.closure)
        let first = try await cache.token(for: "s")
        clock.advance(by: 3600 - 301)
        #expect(try await cache.token(for: "s") == first)
        clock.advance(by: 2)
        let second = try await cache.token(for: "s")
        #expect(second != first)
        #expect(try DecodedJWT(second.token).claims["iat"] as? Int == 1_700_000_000 + 3600 - 299)
    }
}
