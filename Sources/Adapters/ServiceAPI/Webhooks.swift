public import Foundation
import Crypto

/// An incoming webhook, as Flux's notification-controller receives them: at an unguessable path
/// (`/hook/<id>`, the id derived from the receiver's name and secret), verified by the sender's own scheme.
///
/// - `github`: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`; `ping` events are accepted and
///   trigger nothing.
/// - `gitlab`: `X-Gitlab-Token: <secret>` (compared in constant time).
/// - `generic`: `X-Signature: sha256=<hex HMAC-SHA256 of the body>` (Flux's `generic-hmac`).
public struct WebhookReceiver: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case github, gitlab, generic }

    public var name: String
    public var kind: Kind
    public var secret: String

    public init(name: String, kind: Kind, secret: String) {
        self.name = name
        self.kind = kind
        self.secret = secret
    }

    /// The path segment: the hex SHA-256 of the name and the secret (as Flux derives a receiver's path from its
    /// token), so knowing the name alone does not find it.
    public var id: String { Self.hex(SHA256.hash(data: Data("reconcile-webhook\u{0}\(name)\u{0}\(secret)".utf8))) }

    public var path: String { "/hook/\(id)" }

    /// What a delivery asks for.
    public enum Verdict: Sendable, Hashable {
        /// Verified: read the source and reconcile.
        case trigger
        /// Verified, but an event that asks for nothing (GitHub's `ping`).
        case ignore(String)
        /// Not verified: 401, nothing happens.
        case reject(String)
    }

    /// Verifies one delivery. `headers` are looked up case-insensitively.
    public func verify(headers: [String: String], body: [UInt8]) -> Verdict {
        func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
        switch kind {
        case .gitlab:
            guard let token = header("X-Gitlab-Token") else { return .reject("missing X-Gitlab-Token") }
            return Self.constantTimeEqual(Array(token.utf8), Array(secret.utf8)) ? .trigger : .reject("X-Gitlab-Token does not match")
        case .github, .generic:
            let name = kind == .github ? "X-Hub-Signature-256" : "X-Signature"
            guard let given = header(name) else { return .reject("missing \(name)") }
            guard given.hasPrefix("sha256=") else { return .reject("\(name) is not sha256=<hex>") }
            let expected = "sha256=" + Self.hmac(body, secret: secret)
            guard Self.constantTimeEqual(Array(given.lowercased().utf8), Array(expected.utf8)) else { return .reject("\(name) does not match the body") }
            if kind == .github, header("X-GitHub-Event") == "ping" { return .ignore("GitHub ping") }
            return .trigger
        }
    }

    /// Hex HMAC-SHA256 of `body` with `secret` (what a sender puts in its signature header).
    public static func hmac(_ body: [UInt8], secret: String) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Compares without an early exit, so the time taken does not tell how much of a guess was right.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    /// Parses `--webhook KIND:NAME:SECRET_FILE` (the secret is the file's content, trimmed).
    public static func parse(_ text: String, readFile: (String) throws -> String) throws -> WebhookReceiver {
        let parts = text.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count == 3, let kind = Kind(rawValue: parts[0]), !parts[1].isEmpty else {
            throw ServiceAPIError("--webhook \(text): expected KIND:NAME:SECRET_FILE with KIND github, gitlab or generic")
        }
        let secret = try readFile(parts[2]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard secret.count >= 16 else { throw ServiceAPIError("--webhook \(text): the secret in \(parts[2]) is shorter than 16 characters") }
        return WebhookReceiver(name: parts[1], kind: kind, secret: secret)
    }
}

/// A token bucket per key: `burst` deliveries at once, refilled at `perSecond`. Pure apart from its state; the
/// instant is passed in.
public struct RateLimiter: Sendable {
    public let burst: Double
    public let perSecond: Double
    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    public init(burst: Int = 5, perMinute: Int = 12) {
        self.burst = Double(max(1, burst))
        self.perSecond = Double(max(1, perMinute)) / 60
    }

    /// Takes a token for `key` at `now`: nil when allowed, else the seconds until the next token.
    public mutating func take(_ key: String, at now: Date) -> Double? {
        var bucket = buckets[key] ?? (burst, now)
        bucket.tokens = min(burst, bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * perSecond)
        bucket.at = now
        defer { buckets[key] = bucket }
        guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / perSecond }
        bucket.tokens -= 1
        return nil
    }
}

public struct ServiceAPIError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
