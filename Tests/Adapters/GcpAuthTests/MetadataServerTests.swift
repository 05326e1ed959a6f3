import CloudHTTP
import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing

let metadataPath = "/computeMetadata/v1/instance/service-accounts/default/token"

@Suite("The GCE metadata server", .timeLimit(.minutes(1)))
struct MetadataServerTests {
    private func credential(_ host: String, sink: CollectingLogSink = CollectingLogSink()) -> MetadataServerCredential {
        MetadataServerCredential(
            host: host, transport: CurlTransport(configuration: .init(connectTimeout: 2)), logSink: sink,
            now: ManualClock.fixed(), sleep: { _ in })
    }

    @Test func requestShapeAndAnswer() async throws {
        // The stand-in answers 403 without Metadata-Flavor: Google, as GCE does, so success proves the header is sent.
        try await withServer([
            metadataPath: [.metadata(#"{"access_token":"ya29.vm","expires_in":3533,"token_type":"Bearer"}"#)]
        ]) { server in
            let token = try await credential(server.hostAndPort).token(
                for: "https://www.googleapis.com/auth/compute https://www.googleapis.com/auth/cloud-platform")
            #expect(token == AccessToken(token: "ya29.vm", expiresAt: ManualClock.fixed()().addingTimeInterval(3533)))
            let request = try #require(try await server.recorded().first)
            #expect(request.method == "GET" && request.path == metadataPath)
            #expect(
                request.query == [
                    "scopes": "https://www.googleapis.com/auth/compute,https://www.googleapis.com/auth/cloud-platform"
                ])
            #expect(request.header("Metadata-Flavor") == "Google")
            #expect(request.header("Authorization") == nil)
            let bare = try await CurlTransport().send(HTTPRequest(method: "GET", url: server.baseURL + metadataPath))
            #expect(bare.status == 403)
        }
    }

    @Test func noMetadataServerIsUnavailableAfterOneAttempt() async throws {
        let sink = CollectingLogSink()
        let host = try closedLoopbackPort()
        let error = try #require(
            await caught { try await credential(host, sink: sink).token(for: "s") } as? GcpCredentialError)
        #expect(error.kind == .unavailable)
        #expect(error.reason.hasPrefix("no metadata server at \(host) (not on GCP?): cannot connect"), "\(error)")
        #expect(sink.records.count == 1)
    }

    @Test func somethingElseAnsweringIsUnavailable() async throws {
        try await withServer([metadataPath: [.json(#"{"access_token":"captive","expires_in":3600}"#)]]) { server in
            let error = try #require(
                await caught { try await credential(server.hostAndPort).token(for: "s") } as? GcpCredentialError)
            #expect(
                error
                    == .unavailable(
                        "MetadataServerCredential",
                        "\(server.hostAndPort) answered HTTP 200 without the header Metadata-Flavor: Google, so it is not a GCE metadata server"
                    ))
        }
    }

    @Test func noServiceAccountIsUnavailable() async throws {
        try await withServer([metadataPath: [.metadata("Not Found", status: 404)]]) { server in
            let error = try #require(
                await caught { try await credential(server.hostAndPort).token(for: "s") } as? GcpCredentialError)
            #expect(error.kind == .unavailable && error.reason.contains("no service account"))
        }
    }

    @Test func serverErrorsAreRetriedThenAFailure() async throws {
        try await withServer([metadataPath: [.metadata("busy", status: 503), .metadata("busy", status: 500)]]) {
            server in
            let error = try #require(
                await caught { try await credential(server.hostAndPort).token(for: "s") } as? GcpCredentialError)
            #expect(
                error
                    == .failed(
                        "MetadataServerCredential", "the metadata server at \(server.hostAndPort) answered HTTP 500"))
            #expect(try await server.recorded().count == RetryPolicy.gcpMetadata.maxAttempts)
        }
        try await withServer([
            metadataPath: [.metadata("busy", status: 503), .metadata(#"{"access_token":"ya29.vm","expires_in":60}"#)]
        ]) { server in
            let token = try await credential(server.hostAndPort).token(for: "s")
            #expect(token.token == "ya29.vm")
        }
    }

    @Test func malformedAnswerIsAFailure() async throws {
        try await withServer([metadataPath: [.metadata(#"{"token_type":"Bearer"}"#)]]) { server in
            let error = try #require(
                await caught { try await credential(server.hostAndPort).token(for: "s") } as? GcpCredentialError)
            #expect(
                error.kind == .failed
                    && error.reason.hasSuffix("answered without access_token and a positive expires_in"))
        }
    }
}
