import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing

private let tokenPath = "/token"

/// What `gcloud auth application-default login` writes.
func authorizedUserFile(
    tokenURI: String?, refreshToken: String = "1//0refresh-TOKEN", clientSecret: String = "d-FL95Q19q7MQmFpd7hHD0Ty"
) -> [String: Any] {
    var file: [String: Any] = [
        "type": "authorized_user",
        "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
        "client_secret": clientSecret, "refresh_token": refreshToken, "quota_project_id": "proj-1",
    ]
    if let tokenURI { file["token_uri"] = tokenURI }
    return file
}

@Suite("gcloud user credentials (authorized_user)", .timeLimit(.minutes(1)))
struct AuthorizedUserTests {
    let now = ManualClock.fixed()

    @Test func refreshTokenGrantShape() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withServer([
            tokenPath: [
                .json(
                    #"{"access_token":"ya29.user","expires_in":"3599","scope":"openid https://www.googleapis.com/auth/cloud-platform","token_type":"Bearer"}"#
                )
            ]
        ]) { server in
            let credential = try loadCredential(
                try writeJSON(authorizedUserFile(tokenURI: server.baseURL + tokenPath), to: directory))
            let token = try await credential.token(for: GcpEndpoints.defaultTokenScope)
            #expect(token == AccessToken(token: "ya29.user", expiresAt: now().addingTimeInterval(3599)))
            let request = try #require(try await server.recorded().first)
            #expect(request.method == "POST" && request.path == tokenPath)
            #expect(
                request.form == [
                    "grant_type": "refresh_token",
                    "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
                    "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty", "refresh_token": "1//0refresh-TOKEN",
                ])
            #expect(request.body.contains("refresh_token=1%2F%2F0refresh-TOKEN"))
        }
    }

    @Test func theDefaultTokenURI() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credential = try loadCredential(try writeJSON(authorizedUserFile(tokenURI: nil), to: directory))
        #expect((credential as? AuthorizedUserCredential)?.tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test func anExpiredGrantIsReportedWithoutTheSecrets() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A token endpoint that echoes what it was sent must not get it into the message.
        let failure =
            #"{"error":"invalid_grant","error_description":"Token has been expired or revoked (1//0refresh-TOKEN, d-FL95Q19q7MQmFpd7hHD0Ty)."}"#
        try await withServer([tokenPath: [.json(failure, status: 400)]]) { server in
            let path = try writeJSON(authorizedUserFile(tokenURI: server.baseURL + tokenPath), to: directory)
            let error = try #require(
                await caught { try await loadCredential(path).token(for: "s") } as? GcpCredentialError)
            #expect(error.credential == "AuthorizedUserCredential (\(path))")
            #expect(
                error.reason
                    == "token endpoint (token_uri) \(server.baseURL)/token answered HTTP 400: invalid_grant: Token has been expired or revoked (<redacted>, <redacted>)."
            )
        }
    }

    @Test func malformedAnswerIsAFailure() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await withServer([tokenPath: [.json(#"{"id_token":"x"}"#)]]) { server in
            let path = try writeJSON(authorizedUserFile(tokenURI: server.baseURL + tokenPath), to: directory)
            let error = try #require(
                await caught { try await loadCredential(path).token(for: "s") } as? GcpCredentialError)
            #expect(error.kind == .failed && error.reason.hasSuffix("answered without access_token"))
        }
    }

    @Test func aMissingRefreshTokenIsNamed() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var file = authorizedUserFile(tokenURI: nil)
        file["refresh_token"] = ""
        let path = try writeJSON(file, to: directory)
        #expect(
            throws: GcpCredentialError.failed(
                "AuthorizedUserCredential (\(path))",
                "field refresh_token missing or empty in \(path) (authorized_user)")
        ) {
            try loadCredential(path)
        }
    }

    /// Refused before sending: the reason is the refusal, not a failure to reach the (unresolvable) host.
    @Test func aClearTextTokenURIIsRefusedBeforeSending() async throws {
        let credential = AuthorizedUserCredential(
            clientID: "c", clientSecret: "SECRET", refreshToken: "REFRESH",
            tokenURI: "http://oauth2.example.invalid/token", transport: CurlTransport())
        let error = try #require(await caught { try await credential.token(for: "s") } as? GcpCredentialError)
        #expect(
            error
                == .failed(
                    "AuthorizedUserCredential",
                    "token endpoint (token_uri) http://oauth2.example.invalid/token uses plain http to a non-loopback host; tokens must not travel unencrypted, use https"
                ))
    }
}
