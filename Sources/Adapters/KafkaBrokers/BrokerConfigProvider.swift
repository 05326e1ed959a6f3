public import Foundation
public import ProviderAPI
public import ReconcileModel
import ServerProperties

/// `kafka.brokerConfig`: the managed keys of each broker's `server.properties`, read and written over a
/// `RemoteHost` (OpenSSH in production, a local stand-in in the sandbox).
///
/// Observe reads every broker's file concurrently (bounded) and never writes. A broker that cannot be read
/// (unreachable, host key mismatch, malformed file) is reported for that broker only; the others are still
/// observed. Apply re-reads the file and edits it line by line: only managed keys change, comments and
/// unmanaged keys keep their bytes and order, and an edit that changes no value writes nothing. The previous
/// file is kept as `<path>.bak-<UTC timestamp>`.
///
/// Restarts are rolls: the executor hands all of a cluster's restarts to `roll`, which delegates to that
/// cluster's roller (health-gated, one broker at a time). A single `.restartBroker` through `apply` is refused.
public final class BrokerConfigProvider: ResourceProvider, BrokerRoller {
    public static let type = ResourceTypes.Kafka.brokerConfig
    public let resourceTypes: Set<String> = [BrokerConfigProvider.type]

    private let remote: any RemoteHost
    private let endpoints: [ResourceAddress: BrokerEndpoint]
    private let now: @Sendable () -> Date
    private let maxConcurrentHosts: Int
    private let rollers: [String: any BrokerRoller]

    /// - Parameter rollers: the roller of each cluster, by cluster name.
    public init(
        remote: any RemoteHost, endpoints: [BrokerEndpoint], now: @escaping @Sendable () -> Date = Date.init,
        maxConcurrentHosts: Int = 16, rollers: [String: any BrokerRoller] = [:]
    ) {
        self.remote = remote
        self.rollers = rollers
        self.endpoints = Dictionary(endpoints.map { ($0.address, $0) }, uniquingKeysWith: { _, last in last })
        self.now = now
        self.maxConcurrentHosts = max(1, maxConcurrentHosts)
    }

    public func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource] {
        var wanted: [ResourceAddress: Value?] = [:]
        for entry in inventory where entry.address.type == Self.type { wanted[entry.address] = .some(nil) }
        for spec in desired where spec.address.type == Self.type { wanted[spec.address] = .some(spec.properties) }
        let work = wanted.keys.sorted()
        let shapes = wanted
        return await work.concurrentMap(limit: maxConcurrentHosts) { address in await self.observeOne(address, shape: shapes[address]!) }
            .compactMap { $0 }.sorted { $0.address < $1.address }
    }

    private func observeOne(_ address: ResourceAddress, shape: Value?) async -> ObservedResource? {
        guard let endpoint = endpoints[address] else {
            return shape == nil ? await observeRemoved(address) : .failed(address, "no SSH endpoint is known for this broker")
        }
        do {
            guard let bytes = try await remote.readFile(endpoint.configPath, on: endpoint.target) else {
                // No file yet: every managed key is absent, so the plan writes a new file.
                return ObservedResource(address: address, cloudID: endpoint.id, properties: Self.project([:], onto: shape))
            }
            let file = try PropertiesFile(bytes: bytes)
            return ObservedResource(address: address, cloudID: endpoint.id, properties: Self.project(file.values, onto: shape))
        } catch let error as PropertiesError {
            return .failed(address, "\(endpoint.configPath) on \(endpoint.target.host) is not a valid properties file: line \(error.line): \(error.message)")
        } catch {
            return .failed(address, "cannot read \(endpoint.configPath): \(error)")
        }
    }

    /// A broker that left the manifests (its file is no longer reachable through them): what the cluster says
    /// it still hosts, as dependents, so the plan can refuse to let it go while it holds replicas.
    private func observeRemoved(_ address: ResourceAddress) async -> ObservedResource {
        guard let id = Int(address.name), let roller = rollers[address.cluster] else {
            return .failed(address, "cannot tell whether broker \(address.name) still hosts partition replicas: "
                + "cluster \(address.cluster) has no Kafka connection configured")
        }
        do {
            let replicas = try await roller.replicasHosted(by: id)
            return ObservedResource(address: address, properties: .null, dependents: replicas)
        } catch {
            return .failed(address, "cannot tell whether broker \(address.name) still hosts partition replicas: \(error)")
        }
    }

    /// The file's values for the managed keys (`.null` when absent); all values when nothing is managed.
    static func project(_ values: [String: String], onto shape: Value?) -> Value {
        guard let keys = shape?.objectValue?.keys else { return .object(values.mapValues(Value.string)) }
        return .object(Dictionary(uniqueKeysWithValues: keys.map { key in (key, values[key].map(Value.string) ?? .null) }))
    }

    public func apply(_ change: Change) async throws -> ObservedResource? {
        switch change.action {
        case .writeBrokerConfig, .create, .update:
            return try await write(change)
        case .forget:
            return nil
        case .restartBroker:
            throw ProviderError(.terminal, address: change.address, "broker restarts run as a roll of the whole cluster, not one by one")
        case .delete, .replace, .expand:
            throw ProviderError(.terminal, address: change.address, "broker configs are never deleted, replaced or expanded")
        }
    }

    /// Broker restarts are rolls: this provider is its own roller (delegating to each cluster's).
    public var roller: (any BrokerRoller)? { self }

    public func predictedOrder(_ restarts: [Change]) async -> (order: [ResourceAddress], why: String?) {
        guard let cluster = restarts.first?.address.cluster, let roller = rollers[cluster] else { return (restarts.map(\.address), nil) }
        return await roller.predictedOrder(restarts)
    }

    public func notRunning(_ files: [ResourceAddress: Value]) async -> Set<ResourceAddress> {
        var out: Set<ResourceAddress> = []
        for (cluster, brokers) in Dictionary(grouping: files.keys, by: \.cluster) {
            guard let roller = rollers[cluster] else { continue }
            out.formUnion(await roller.notRunning(files.filter { brokers.contains($0.key) }))
        }
        return out
    }

    public func roll(_ restarts: [Change], events: @escaping @Sendable (RollEvent) async throws -> Void) async -> RollResult {
        let clusters = Set(restarts.map(\.address.cluster))
        guard clusters.count == 1, let cluster = clusters.first, let roller = rollers[cluster] else {
            return RollResult(completed: [], halt: (nil, "no roller is configured for cluster \(clusters.sorted().joined(separator: ", "))"))
        }
        return await roller.roll(restarts, events: events)
    }

    private func write(_ change: Change) async throws -> ObservedResource? {
        guard let endpoint = endpoints[change.address] else {
            throw ProviderError(.terminal, address: change.address, "no SSH endpoint is known for this broker")
        }
        guard let wanted = change.after?.objectValue else {
            throw ProviderError(.terminal, address: change.address, "the change carries no desired settings")
        }
        do {
            let current = try await remote.readFile(endpoint.configPath, on: endpoint.target) ?? []
            let file = try PropertiesFile(bytes: current)
            let (edited, changed) = file.editing(Self.edits(wanted))
            if !changed.isEmpty || current.isEmpty {
                _ = try await remote.writeFile(endpoint.configPath, contents: edited.bytes, on: endpoint.target, backupSuffix: backupSuffix())
            }
            return ObservedResource(address: change.address, cloudID: endpoint.id, properties: Self.project(edited.values, onto: change.after))
        } catch let error as RemoteError {
            throw ProviderError(error.isRetryable ? .retryable : .terminal, address: change.address, "cannot write \(endpoint.configPath): \(error)")
        } catch let error as PropertiesError {
            throw ProviderError(.terminal, address: change.address, "\(endpoint.configPath) is not a valid properties file: line \(error.line): \(error.message)")
        }
    }

    /// The managed keys as edits (`.null` removes a key), in the runbook's key order, then by name: keys new to
    /// a file are appended in that order.
    static func edits(_ wanted: [String: Value]) -> [(key: String, value: String?)] {
        let order = BrokerKeyOrder.rank
        return wanted.keys
            .sorted { (order[$0] ?? Int.max, $0) < (order[$1] ?? Int.max, $1) }
            .map { (key: $0, value: wanted[$0]?.stringValue) }
    }

    /// `.bak-YYYYMMDDTHHMMSSZ` in UTC, so backups sort by time and never collide within a second.
    func backupSuffix() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now())
        func two(_ n: Int?) -> String { let v = n ?? 0; return v < 10 ? "0\(v)" : String(v) }
        return ".bak-\(c.year ?? 0)\(two(c.month))\(two(c.day))T\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }
}

/// The runbook's key order, so keys appended to a file read like the seed.
enum BrokerKeyOrder {
    static let rank: [String: Int] = Dictionary(uniqueKeysWithValues: [
        "process.roles", "node.id", "controller.quorum.voters", "listeners", "inter.broker.listener.name",
        "advertised.listeners", "controller.listener.names", "listener.security.protocol.map", "log.dirs",
    ].enumerated().map { ($1, $0) })
}
