import CloudHTTP
import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing

/// The cache over a real credential: the metadata server's tokens, numbered by the scripted server, on a manual clock.
@Suite("TokenCache over the metadata server", .timeLimit(.minutes(1)))
struct TokenCacheTests {
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

    @Test func hourLongTokensAreRefreshedFiveMinutesBeforeExpiry() async throws {
        try await withServer([metadataPath: tokens(3, expiresIn: 3600)]) { server async throws in
            let clock = ManualClock()
            let cache = cache(server, clock)
            #expect(try await cache.token(for: "compute").token == "vm-1")
            clock.advance(by: 3600 - 301)
            #expect(try await cache.token(for: "compute").token == "vm-1")
            clock.advance(by: 2)  // 299 s left: inside the 5-minute margin
            #expect(try await cache.token(for: "compute").token == "vm-2")
            #expect(try await cache.token(for: "other").token == "vm-3")  // scopes are cached apart
            #expect(try await cache.token(for: "compute").token == "vm-2")
            #expect(try await server.recorded().map { $0.query["scopes"] } == ["compute", "compute", "other"])
        }
    }

    /// The metadata server hands out its cached token with however much is left: kept for half of that.
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

    @Test func concurrentCallersShareOneRefresh() async throws {
        try await withServer([
            metadataPath: tokens(1, expiresIn: 3600) + tokens(3, expiresIn: 3600, delayMs: 1000).dropFirst()
        ]) { server async throws in
            let clock = ManualClock()
            let cache = cache(server, clock)
            _ = try await cache.token(for: "compute")
            clock.advance(by: 3500)  // due for refresh; the refresh is held for a second by the server
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await cache.token(for: "compute").token }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(tokens == Array(repeating: "vm-2", count: 20))
            #expect(try await server.recorded().count == 2)
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

    @Test func aCancelledCallerStopsWaitingWhileOthersGetTheToken() async throws {
        try await withServer([metadataPath: tokens(1, expiresIn: 3600, delayMs: 1500)]) { server async throws in
            let cache = cache(server, ManualClock())
            let patient = Task { try await cache.token(for: "s") }
            let impatient = Task { try await cache.token(for: "s") }
            try await Task.sleep(for: .milliseconds(200))
            let cancelled = ContinuousClock.now
            impatient.cancel()
            await #expect(throws: CancellationError.self) { try await impatient.value }
            #expect(
                ContinuousClock.now - cancelled < .milliseconds(1000),
                "the cancelled caller did not wait for the held answer")
            #expect(try await patient.value.token == "vm-1")
            #expect(try await server.recorded().count == 1)
        }
    }
}
