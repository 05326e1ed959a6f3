public import Foundation
public import ProviderAPI
import Synchronization

/// Caches the tokens of any ``AccessTokenProvider`` per scope (a thin cache of GcpAuth's own; AzureAuth's
/// `TokenCache` does the same for Azure).
///
/// Contract:
/// - A cached token is handed out while more than its refresh margin remains: ``refreshMargin`` (5 minutes), or
///   half its lifetime for tokens issued for less than twice that (the metadata server hands out tokens with
///   only minutes left). A self-signed JWT is thus re-minted 5 minutes before its `exp`.
/// - Single flight: concurrent callers for one scope share one fetch.
/// - When a fetch fails while the cached token still has more than ``minimumRemaining`` left, that token is
///   returned instead of the error.
/// - A cancelled caller stops waiting at once (`CancellationError`); the shared fetch goes on (it is bounded by
///   its request timeouts) and fills the cache for the others.
/// - Time comes from the injected `now`.
/// - Reflection (`dump`, `Mirror`) shows the provider only, never the cached tokens.
public actor GcpTokenCache: AccessTokenProvider, CustomReflectable {
    public nonisolated let provider: any AccessTokenProvider
    public nonisolated let refreshMargin: TimeInterval
    public nonisolated let minimumRemaining: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: [String: (token: AccessToken, fetchedAt: Date)] = [:]
    private var fetches: [String: Task<AccessToken, any Error>] = [:]

    public init(
        wrapping provider: any AccessTokenProvider,
        refreshMargin: TimeInterval = 300,
        minimumRemaining: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.provider = provider
        self.refreshMargin = refreshMargin
        self.minimumRemaining = minimumRemaining
        self.now = now
    }

    public func token(for scope: String) async throws -> AccessToken {
        if let entry = cached[scope] {
            let lifetime = entry.token.expiresAt.timeIntervalSince(entry.fetchedAt)
            if entry.token.expiresAt.timeIntervalSince(now()) > min(refreshMargin, max(0, lifetime) / 2) {
                return entry.token
            }
        }
        if Task.isCancelled { throw CancellationError() }
        let fetch = fetches[scope] ?? startFetch(scope)
        return try await Self.value(of: fetch)
    }

    public nonisolated var customMirror: Mirror {
        Mirror(self, children: ["provider": provider], displayStyle: .class)
    }

    /// Drops every cached token (the next call fetches).
    public func invalidate() {
        cached.removeAll()
    }

    private func startFetch(_ scope: String) -> Task<AccessToken, any Error> {
        let provider = provider
        let fetch = Task<AccessToken, any Error> {
            let result: Result<AccessToken, any Error>
            do {
                result = .success(try await provider.token(for: scope))
            } catch {
                result = .failure(error)
            }
            return try self.land(scope, result)
        }
        fetches[scope] = fetch
        return fetch
    }

    private func land(_ scope: String, _ result: Result<AccessToken, any Error>) throws -> AccessToken {
        fetches[scope] = nil
        switch result {
        case .success(let token):
            cached[scope] = (token, now())
            return token
        case .failure(let error):
            if let entry = cached[scope], entry.token.expiresAt.timeIntervalSince(now()) > minimumRemaining {
                return entry.token
            }
            throw error
        }
    }

    /// The outcome of `task`, or `CancellationError` as soon as the calling task is cancelled.
    private static func value(of task: Task<AccessToken, any Error>) async throws -> AccessToken {
        let waiter = Waiter()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiter.wait(continuation)
                if Task.isCancelled {
                    waiter.resume(with: .failure(CancellationError()))
                } else {
                    Task { waiter.resume(with: await task.result) }
                }
            }
        } onCancel: {
            waiter.resume(with: .failure(CancellationError()))
        }
    }

    /// One continuation resumed at most once, by whichever comes first.
    private final class Waiter: Sendable {
        private let slot = Mutex<CheckedContinuation<AccessToken, any Error>?>(nil)

        func wait(_ continuation: CheckedContinuation<AccessToken, any Error>) {
            slot.withLock { $0 = continuation }
        }

        func resume(with result: Result<AccessToken, any Error>) {
            slot.withLock { $0.take() }?.resume(with: result)
        }
    }
}
