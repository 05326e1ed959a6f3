extension ArmEmulator {
    /// How an emulator instance listens and behaves. Every field has a default suitable for the sandbox.
    public struct Configuration: Sendable {
        /// Address to bind (default loopback).
        public var host: String = "127.0.0.1"
        /// Port to bind; 0 picks an ephemeral port (read it from ``ArmEmulator/port`` after ``ArmEmulator/start()``).
        public var port: Int = 0
        /// Accepted `api-version`s per provider namespace (keys compared case-insensitively).
        /// Defaults: the versions the project pins plus every version the pinned Python SDKs send.
        public var acceptedApiVersions: [String: Set<String>] = Configuration.defaultApiVersions
        /// How many observations an LRO reports `InProgress` before it completes (see ``FaultRule/Action/slowOperation``).
        public var operationPolls: Int = 2
        /// The `Retry-After` seconds on LRO responses, 429s and another-operation conflicts.
        public var retryAfterSeconds: Int = 1
        /// Items per page of list responses; more items yield a `nextLink`.
        public var pageSize: Int = 100
        /// Items per page of the generic resource lists (`…/resources`): ARM returns up to 1000 there (and refuses a
        /// `$top` above it, `InvalidTopInQueryString`), so a few hundred tagged resources come in one page.
        public var genericListPageSize: Int = 1000
        /// Bearer tokens accepted without being issued by the emulator's token endpoints.
        public var acceptedTokens: Set<String> = ["arm-emulator-token"]
        /// Lifetime of issued tokens (`expires_in`).
        public var tokenLifetimeSeconds: Int = 3600
        /// Private IP (as ARM allocated it) → local loopback IP, for the load balancers' data path.
        public var addressMap: [String: String] = [:]
        /// Local IP a frontend listens on when its private IP has no ``addressMap`` entry.
        public var frontendBindHost: String = "127.0.0.1"
        /// Whether load-balancing rules are forwarded over loopback TCP (see ``ArmEmulator/forwardingRules``).
        public var forwarding: Bool = false
        /// Appends every request as one JSON line (``LoggedRequest``) to this file when set.
        public var requestLogPath: String?
        /// Latency added to every request, in milliseconds (a fault plan's latency adds to it).
        public var latencyMs: Int = 0

        public init() {}

        /// Pinned versions (Network 2025-07-01, Compute 2026-03-01, Resources 2025-04-01), the newer ones the
        /// project may use, and those azure-mgmt-network 33.1.0 / -compute 39.0.0 / -resource 26.0.0 send.
        public static let defaultApiVersions: [String: Set<String>] = [
            "Microsoft.Network": ["2025-07-01", "2026-03-01", "2018-10-01"],
            "Microsoft.Compute": ["2026-03-01", "2026-04-01", "2026-03-02", "2026-03-03", "2021-07-01"],
            "Microsoft.Resources": ["2025-04-01"],
        ]

        /// The accepted versions for `namespace` (case-insensitive), sorted.
        func apiVersions(for namespace: String) -> [String] {
            acceptedApiVersions.first { $0.key.lowercased() == namespace.lowercased() }.map { $0.value.sorted() } ?? []
        }

        /// Adds one accepted version.
        public mutating func accept(apiVersion: String, for namespace: String) {
            let key = acceptedApiVersions.keys.first { $0.lowercased() == namespace.lowercased() } ?? namespace
            acceptedApiVersions[key, default: []].insert(apiVersion)
        }
    }
}
