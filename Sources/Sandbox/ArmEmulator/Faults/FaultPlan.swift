/// Faults to inject, settable in-process (``ArmEmulator/setFaults(_:)``) or as JSON over
/// `POST /_emulator/faults`, e.g.
/// `{"latencyMs": 50, "rules": [{"method": "PUT", "pathContains": "loadBalancers", "action": "throttle", "count": 2}]}`.
///
/// Each request takes the first rule that matches it and still has a count left; the rule's count then drops by one.
/// `/_emulator/` requests are never faulted.
public struct FaultPlan: Sendable, Codable, Equatable {
    /// Added to every request before it is processed.
    public var latencyMs: Int
    public var rules: [FaultRule]

    public init(latencyMs: Int = 0, rules: [FaultRule] = []) {
        self.latencyMs = latencyMs
        self.rules = rules
    }

    enum CodingKeys: String, CodingKey { case latencyMs, rules }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        latencyMs = try container.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0
        rules = try container.decodeIfPresent([FaultRule].self, forKey: .rules) ?? []
    }
}

/// One fault: which requests (method, path substring), what happens, how many times.
public struct FaultRule: Sendable, Codable, Equatable {
    public enum Action: String, Sendable, Codable, Equatable {
        /// 429 `TooManyRequests` with `Retry-After: retryAfterSeconds`; nothing is processed.
        case throttle
        /// 500 `InternalServerError`; nothing is processed.
        case serverError
        /// The connection is reset before the request is processed: no effect, no response.
        case dropBeforeProcessing
        /// The request is processed (a PUT takes effect), then the connection is reset without a response.
        case dropAfterProcessing
        /// The LRO this request starts stays `InProgress` for `polls` observations.
        case slowOperation
        /// The LRO this request starts ends `Failed` (status body `error`, resource `provisioningState: Failed`).
        case failOperation
    }

    /// HTTP method to match (case-insensitive); nil matches any.
    public var method: String?
    /// Substring of the path to match (case-insensitive); nil matches any.
    public var pathContains: String?
    public var action: Action
    /// How many matching requests the rule applies to.
    public var count: Int
    /// For `throttle`.
    public var retryAfterSeconds: Int
    /// For `slowOperation`.
    public var polls: Int

    public init(
        method: String? = nil, pathContains: String? = nil, action: Action, count: Int = 1, retryAfterSeconds: Int = 0,
        polls: Int = 5
    ) {
        self.method = method
        self.pathContains = pathContains
        self.action = action
        self.count = count
        self.retryAfterSeconds = retryAfterSeconds
        self.polls = polls
    }

    enum CodingKeys: String, CodingKey { case method, pathContains, action, count, retryAfterSeconds, polls }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        method = try container.decodeIfPresent(String.self, forKey: .method)
        pathContains = try container.decodeIfPresent(String.self, forKey: .pathContains)
        action = try container.decode(Action.self, forKey: .action)
        count = try container.decodeIfPresent(Int.self, forKey: .count) ?? 1
        retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 0
        polls = try container.decodeIfPresent(Int.self, forKey: .polls) ?? 5
    }

    func matches(method: String, path: String) -> Bool {
        guard count > 0 else { return false }
        if let wanted = self.method, wanted.uppercased() != method.uppercased() { return false }
        if let fragment = pathContains, !path.lowercased().contains(fragment.lowercased()) { return false }
        return true
    }
}

extension FaultPlan {
    /// Takes the first applicable rule for a request, decrementing its count.
    package mutating func take(method: String, path: String) -> FaultRule? {
        guard let index = rules.firstIndex(where: { $0.matches(method: method, path: path) }) else { return nil }
        rules[index].count -= 1
        return rules[index]
    }
}
