import AzureAuth
import CloudHTTP
import Foundation
import ProviderAPI
import Synchronization
import TestSupport
import Testing

/// A provider issuing numbered tokens valid for `lifetime` seconds from the manual clock; it can
/// be held (so concurrent callers pile up) and made to fail.
final class CountingProvider: AccessTokenProvider {
    private struct State {
        var calls = 0
        var failing = false
        var gate: [CheckedContinuation<Void, Never>]? = nil
    }

    private let state = Mutex(State())
    let clock: ManualClock
    let lifetime: TimeInterval

    init(clock: ManualClock, lifetime: TimeInterval) {
        self.clock = clock
        self.lifetime = lifetime
    }

    var calls: Int { state.withLock { $0.calls } }
    var waiting: Int { state.withLock { $0.gate?.count ?? 0 } }

    func hold() { state.withLock { $0.gate = [] } }

    func release() {
        let waiters = state.withLock { state in
            defer { state.gate = nil }
            return state.gate ?? []
        }
        waiters.forEach { $0.resume() }
    }

    func fail(_ failing: Bool) { state.withLock { $0.failing = failing } }

    func token(for scope: String) async throws -> AccessToken {
        let (number, failing) = state.withLock { state in
            state.calls += 1
            return (state.calls, state.failing)
        }
        await withCheckedContinuation { continuation in
            let held = state.withLock { state in
                if state.gate != nil { state.gate?.append(continuation) }
                return state.gate != nil
            }
            if !held { continuation.resume() }
        }
        if failing { throw AzureCredentialError.failed("Counting", "refused") }
        return AccessToken(token: "\(scope)#\(number)", expiresAt: clock.now().addingTimeInterval(lifetime))
    }
}

@Suite("TokenCache", .timeLimit(.minutes(1)))
struct TokenCacheTests {
    @Test func hourLongTokensAreRefreshedFiveMinutesBeforeExpiry() async throws {
        let clock = ManualClock()
        let provider = CountingProvider(clock: clock, lifetime: 3600)
        let cache = TokenCache(wrapping: provider, now: clock.closure)
        #expect(try await cache.token(for: "arm").token == "arm#1")
        clock.advance(by: 3600 - 301)
        #expect(try await cache.token(for: "arm").token == "arm#1")
        clock.advance(by: 2)  // 299 s left: inside the 5-minute margin
        #expect(try await cache.token(for: "arm").token == "arm#2")
        #expect(try await cache.token(for: "other").token == "other#3")  // scopes are cached apart
        #expect(try await cache.token(for: "arm").token == "arm#2")
        #expect(provider.calls == 3)
    }

    @Test func shortTokensAreRefreshedAtHalfTheirLifetime() async throws {
        let clock = ManualClock()
        let provider = CountingProvider(clock: clock, lifetime: 240)
        let cache = TokenCache(wrapping: provider, now: clock.closure)
        _ = try await cache.token(for: "s")
        clock.advance(by: 119)
        #expect(try await cache.token(for: "s").token == "s#1")
        clock.advance(by: 2)
        #expect(try await cache.token(for: "s").token == "s#2")
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = ManualClock()
        let provider = CountingProvider(clock: clock, lifetime: 3600)
        provider.hold()
        let cache = TokenCache(wrapping: provider, now: clock.closure)
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask { try await cache.token(for: "arm").token }
            }
            while provider.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(100))  // let the other callers join the flight
            provider.release()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(tokens == Array(repeating: "arm#1", count: 20))
        #expect(provider.calls == 1)
    }

    @Test func aFailedRefreshFallsBackToAStillValidToken() async throws {
        let clock = ManualClock()
        let provider = CountingProvider(clock: clock, lifetime: 3600)
        let cache = TokenCache(wrapping: provider, now: clock.closure)
        _ = try await cache.token(for: "arm")
        provider.fail(true)
        clock.advance(by: 3600 - 200)  // refresh due, 200 s left
        #expect(try await cache.token(for: "arm").token == "arm#1")
        clock.advance(by: 150)  // 50 s left: too little to hand out
        await #expect(throws: AzureCredentialError.failed("Counting", "refused")) { try await cache.token(for: "arm") }
        provider.fail(false)
        #expect(try await cache.token(for: "arm").token == "arm#4")
    }

    @Test func aCancelledCallerStopsWaitingWhileOthersGetTheToken() async throws {
        let clock = ManualClock()
        let provider = CountingProvider(clock: clock, lifetime: 3600)
        provider.hold()
        let cache = TokenCache(wrapping: provider, now: clock.closure)
        let patient = Task { try await cache.token(for: "arm") }
        let impatient = Task { try await cache.token(for: "arm") }
        while provider.waiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        impatient.cancel()
        await #expect(throws: CancellationError.self) { try await impatient.value }
        provider.release()
        #expect(try await patient.value.token == "arm#1")
        #expect(provider.calls == 1)
    }
}
