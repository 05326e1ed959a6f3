import CloudHTTP
import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing

@Suite("GcpCredentialChain: google.auth.default()'s order", .timeLimit(.minutes(1)))
struct GcpCredentialChainTests {
    private func chain(_ env: [String: String]) throws -> GcpCredentialChain {
        GcpCredentialChain.fromEnvironment(
            env, endpoints: try GcpEndpoints.fromEnvironment(env), transport: CurlTransport(),
            metadataTransport: CurlTransport(configuration: .init(connectTimeout: 2)), now: ManualClock.fixed())
    }

    /// Every source configured, each answering its own token from its own path; removing them one by one shows
    /// the order: GOOGLE_OAUTH_ACCESS_TOKEN, GOOGLE_APPLICATION_CREDENTIALS, gcloud's file, the metadata server.
    @Test func precedence() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let routes: [String: [Reply]] = [
            "/gac/token": [.json(#"{"access_token":"from-gac","expires_in":3600}"#)],
            "/adc/token": [.json(#"{"access_token":"from-adc","expires_in":3600}"#)],
            metadataPath: [.metadata(#"{"access_token":"from-metadata","expires_in":3600}"#)],
        ]
        try await withServer(routes) { server in
            let gcloud = directory.appendingPathComponent("gcloud")
            try FileManager.default.createDirectory(at: gcloud, withIntermediateDirectories: true)
            try writeJSON(
                authorizedUserFile(tokenURI: server.baseURL + "/adc/token"), to: gcloud,
                name: "application_default_credentials.json")
            let gac = try writeJSON(
                authorizedUserFile(tokenURI: server.baseURL + "/gac/token"), to: directory, name: "gac.json")
            var env = [
                "GOOGLE_OAUTH_ACCESS_TOKEN": "from-env", "GOOGLE_APPLICATION_CREDENTIALS": gac,
                "CLOUDSDK_CONFIG": gcloud.path,
                "GCE_METADATA_HOST": server.hostAndPort, "HOME": "/nonexistent",
            ]
            var winners: [String] = []
            for variable in ["GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", ""] {
                winners.append(try await chain(env).token(for: GcpEndpoints.defaultTokenScope).token)
                env[variable] = nil
            }
            #expect(winners == ["from-env", "from-gac", "from-adc", "from-metadata"])
            #expect(try await server.recorded().map(\.path) == ["/gac/token", "/adc/token", metadataPath])
        }
    }

    @Test func theADCFileIsFoundUnderHOME() async throws {
        let home = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        try await withServer(["/token": [.json(#"{"access_token":"from-home","expires_in":3600}"#)]]) { server in
            let gcloud = home.appendingPathComponent(".config/gcloud")
            try FileManager.default.createDirectory(at: gcloud, withIntermediateDirectories: true)
            try writeJSON(
                authorizedUserFile(tokenURI: server.baseURL + "/token"), to: gcloud,
                name: "application_default_credentials.json")
            let built = try chain(["HOME": home.path, "GCE_METADATA_HOST": try closedLoopbackPort()])
            #expect(built.names[2] == "AuthorizedUserCredential (\(gcloud.path)/application_default_credentials.json)")
            #expect(try await built.token(for: "s").token == "from-home")
        }
    }

    /// Nothing configured and no metadata server: one error naming every source and what it lacks.
    @Test func anEmptyEnvironmentListsWhatWasTried() async throws {
        let metadata = try closedLoopbackPort()
        let built = try chain(["GCE_METADATA_HOST": metadata, "HOME": "/nonexistent"])
        #expect(
            built.names == [
                "GOOGLE_OAUTH_ACCESS_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS", "gcloud application default credentials",
                "MetadataServerCredential",
            ])
        let error = try #require(await caught { try await built.token(for: "s") } as? GcpCredentialChainError)
        #expect(error.attempts.map(\.credential) == built.names)
        #expect(error.attempts.allSatisfy { $0.kind == .unavailable })
        let text = error.description
        #expect(
            text.hasPrefix(
                """
                no GCP credential is available; configure one of them:
                  - GOOGLE_OAUTH_ACCESS_TOKEN unavailable: environment variable not set
                  - GOOGLE_APPLICATION_CREDENTIALS unavailable: environment variable not set
                  - gcloud application default credentials unavailable: no file /nonexistent/.config/gcloud/application_default_credentials.json (gcloud auth application-default login writes it)
                  - MetadataServerCredential unavailable: no metadata server at \(metadata) (not on GCP?): cannot connect
                """), "\(text)")
    }

    /// GOOGLE_APPLICATION_CREDENTIALS set to a file that is not there is a failure that stops the chain (as in
    /// google-auth), even with a metadata server at hand.
    @Test func aBrokenApplicationCredentialsFileStopsTheChain() async throws {
        try await withServer([metadataPath: [.metadata(#"{"access_token":"from-metadata","expires_in":3600}"#)]]) {
            server in
            let built = try chain([
                "GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json", "GCE_METADATA_HOST": server.hostAndPort,
            ])
            let error = try #require(await caught { try await built.token(for: "s") } as? GcpCredentialChainError)
            #expect(error.notTried == ["gcloud application default credentials", "MetadataServerCredential"])
            let failure = try #require(error.attempts.last)
            #expect(failure.credential == "GOOGLE_APPLICATION_CREDENTIALS" && failure.kind == .failed)
            #expect(failure.reason.hasPrefix("cannot read the credentials file /nonexistent/key.json"))
            #expect(error.description.hasPrefix("GCP authentication failed:"))
            #expect(try await server.recorded().isEmpty)
        }
    }

    /// The first credential that answers is remembered: a metadata server that is not there is tried once only.
    @Test func skipsUnavailableAndRemembersTheWinner() async throws {
        let sink = CollectingLogSink()
        let chain = GcpCredentialChain([
            MetadataServerCredential(
                host: try closedLoopbackPort(), transport: CurlTransport(configuration: .init(connectTimeout: 2)),
                logSink: sink),
            GcpAccessTokenCredential(token: "fixed"),
            GcpUnconfiguredCredential(.failed("never", "asked")),
        ])
        #expect(try await chain.token(for: "s").token == "fixed")
        #expect(try await chain.token(for: "s").token == "fixed")
        #expect(sink.records.count == 1)
    }

    @Test func theAggregatedErrorText() async throws {
        let chain = GcpCredentialChain([
            GcpUnconfiguredCredential(.unavailable("GOOGLE_OAUTH_ACCESS_TOKEN", "environment variable not set")),
            GcpUnconfiguredCredential(
                .failed("ServiceAccountCredential (/k.json)", "token endpoint answered HTTP 400")),
            GcpAccessTokenCredential(token: "never handed out"),
        ])
        let error = try #require(await caught { try await chain.token(for: "s") } as? GcpCredentialChainError)
        #expect(
            error.description == """
                GCP authentication failed:
                  - GOOGLE_OAUTH_ACCESS_TOKEN unavailable: environment variable not set
                  - ServiceAccountCredential (/k.json) failed: token endpoint answered HTTP 400
                  - GOOGLE_OAUTH_ACCESS_TOKEN not tried: the chain stops at the first configured credential (ServiceAccountCredential (/k.json)), as google.auth.default() does
                """)
    }
}
