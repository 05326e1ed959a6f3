public import Foundation
public import ProviderAPI

/// Caches the tokens of any ``AccessTokenProvider`` per scope: Azure's credential chain and GCP's alike.
///
/// Contract:
/// - A cached token is returned while more than its refresh margin remains: 5 minutes, or half
///   its lifetime for tokens issued for less than 10 minutes.
/// - Within the margin a new token is fetched; if that fetch fails while the cached token still
///   has more than ``minimumRemaining`` left, the cached token is returned instead of the error.
/// - Single flight: concurrent callers for one scope share one fetch. A caller that is cancelled
///   stops waiting at once (`CancellationError`); the fetch itself is cancelled only when no caller
///   is left waiting for it.
/// - Time comes from the injected `now`.
/// - Reflection (`dump`, `Mirror`) shows the provider only, never the cached tokens.
public actor TokenCache: AccessTokenProvider, CustomReflectable {
    private struct Entry {
        var token: AccessToken
        var fetchedAt: Date
    }

    private struct Flight {
        var id: UInt64
        var task: Task<Void, Never>
        var waiters: [UInt64: CheckedContinuation<AccessToken, any Error>] = [:]
    }

    public nonisolated let provider: any AccessTokenProvider
    /// The refresh margin for long-lived tokens.
    public nonisolated let refreshMargin: TimeInterval
    /// A cached token with less than this left is never handed out after a failed refresh.
    public nonisolated let minimumRemaining: TimeInterval
    private let now: @Sendable () -> Date
    private var entries: [String: Entry] = [:]
    private var flights: [String: Flight] = [:]
    private var nextID: UInt64 = 0

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
        if let entry = entries[scope], !needsRefresh(entry) {
            return entry.token
        }
        if Task.isCancelled { throw CancellationError() }
        nextID &+= 1
        let waiterID = nextID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AccessToken, any Error>) in
                join(scope: scope, waiter: waiterID, continuation: continuation)
            }
        } onCancel: {
            Task { await self.abandon(scope: scope, waiter: waiterID) }
        }
    }

    public nonisolated var customMirror: Mirror {
        Mirror(self, children: ["provider": provider], displayStyle: .class)
    }

    /// Drops every cached token (the next call fetches).
    public func invalidate() {
        entries.removeAll()
    }

    private func needsRefresh(_ entry: Entry) -> Bool {
        let lifetime = entry.token.expiresAt.timeIntervalSince(entry.fetchedAt)
        let margin = min(refreshMargin, max(0, lifetime) / 2)
        return entry.token.expiresAt.timeIntervalSince(now()) <= margin
    }

    private func join(scope: String, waiter: UInt64, continuation: CheckedContinuation<AccessToken, any Error>) {
        if Task.isCancelled {
            continuation.resume(throwing: CancellationError())
            return
        }
        if flights[scope] == nil {
            nextID &+= 1
            let flightID = nextID
            let provider = provider
            let task = Task {
                let result: Result<AccessToken, any Error>
                do {
                    result = .success(try await provider.token(for: scope))
                } catch {
                    result = .failure(error)
                }
                self.land(scope: scope, flight: flightID, result: result)
            }
            flights[scope] = Flight(id: flightID, task: task)
        }
        flights[scope]?.waiters[waiter] = continuation
    }

    private func land(scope: String, flight: UInt64, result: Result<AccessToken, any Error>) {
        guard let current = flights[scope], current.id == flight else { return }
        flights[scope] = nil
        var outcome = result
        switch result {
        case .success(let token):
            entries[scope] = Entry(token: token, fetchedAt: now())
        case .failure:
            if let cached = entries[scope], cached.token.expiresAt.timeIntervalSince(now()) > minimumRemaining {
                outcome = .success(cached.token)
            }
        }
        for continuation in current.waiters.values {
            continuation.resume(with: outcome)
        }
    }

    private func abandon(scope: String, waiter: UInt64) {
        guard let continuation = flights[scope]?.waiters.removeValue(forKey: waiter) else { return }
        continuation.resume(throwing: CancellationError())
        if let flight = flights[scope], flight.waiters.isEmpty {
            flight.task.cancel()
            flights[scope] = nil
        }
    }
}
