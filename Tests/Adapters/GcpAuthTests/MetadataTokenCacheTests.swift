import CloudHTTP
import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing

/// The cache over a real credential: the metadata server's tokens, numbered by the scripted server, on a manual clock.
/// (The cache's own rules, single flight and cancellation are tested with a counting provider in AzureAuthTests.)
@Suite("TokenCache over the metadata server", .timeLimit(.minutes(1)))
struct MetadataTokenCacheTests {
    private func tokens(_ count: Int, expiresIn: Int, delayMs: Int? = nil) -> [Reply] {
        (1...count).map {
            with(Reply.metadata(#"{"access_token":"vm-\#($0)","expires_in":\#(expiresIn)}"#)) { $0.delayMs = delayMs }
        }
    }

    private func cache(_ server: ScriptedServer, _ clock: ManualClock) -> TokenCache {
        let credential = MetadataServerCredential(
            host: server.hostAndPort, transport: CurlTransport(), now: clock.closure, sleep: { _ in })
        return TokenCache(wrapping: credential, now: clock.closure)
    }

    @Test func shortTokensAreRefreshedAtHalfTheirLifetime() async throws {
        try await withServer([metadataPath: tokens(2, expiresIn: 240)]) { server async throws in
            let clock = ManualClock()
            let cache = cache(server, clock)
            _ = try await cache.token(for: "s")
            clock.advance(by: 119)
            #expect(try await cache.token(for: "s").token == "vm-1")
            clock.advance(by: 2)
            #expect(try await cache.token(for: "s").token == "vm-2")
        }
    }

    @Test func aFailedRefreshFallsBackToAStillValidToken() async throws {
        try await withServer([
            metadataPath: tokens(1, expiresIn: 3600) + [.metadata(#"{"error":"internal"}"#, status: 500)]
        ]) { server async throws in
            let clock = ManualClock()
            let cache = cache(server, clock)
            _ = try await cache.token(for: "s")
            clock.advance(by: 3600 - 200)  // refresh due and failing, 200 s left
            #expect(try await cache.token(for: "s").token == "vm-1")
            clock.advance(by: 150)  // 50 s left: too little to hand out
            let error = try #require(await caught { try await cache.token(for: "s") } as? GcpCredentialError)
            #expect(error.kind == .failed && error.reason.hasSuffix("answered HTTP 500: internal"))
        }
    }
}
