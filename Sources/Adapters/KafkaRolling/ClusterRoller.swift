public import KafkaClient
import KafkaProtocol
import Planning
public import ProviderAPI
public import ReconcileModel
import RollingRestart

/// Rolls one cluster: drives `RollingRestartMachine` with health read from Kafka over INTERNAL, runs the
/// restart command on each broker's VM over SSH, and reports each broker as it goes so the executor journals
/// it. Brokers already running the config they were given (a previous roll was interrupted after restarting
/// them) are not restarted again: their live `listeners`, `advertised.listeners` and the other written keys
/// are compared with the config through DescribeConfigs on the broker itself.
public struct ClusterRoller: BrokerRoller {
    let cluster: RollingCluster
    let remote: any RemoteHost
    let dialer: any Dialer
    let sleep: @Sendable (Duration) async -> Void

    public init(
        cluster: RollingCluster, remote: any RemoteHost, dialer: any Dialer = SystemDialer(),
        sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }
    ) {
        self.cluster = cluster
        self.remote = remote
        self.dialer = dialer
        self.sleep = sleep
    }

    public func roll(_ restarts: [Change], events: @escaping @Sendable (RollEvent) async throws -> Void) async -> RollResult {
        var byBroker: [Int: Change] = [:]
        for change in restarts { if let id = Int(change.address.name) { byBroker[id] = change } }
        let reader = HealthReader(cluster: cluster, dialer: dialer)
        var completed: [String] = []
        var current: Set<Int> = []
        for (id, change) in byBroker.sorted(by: { $0.key < $1.key }) where await isCurrent(id, change, events: events) {
            do { try await events(.alreadyCurrent(change)) } catch { return RollResult(completed: completed, halt: (nil, "cannot record progress: \(error)")) }
            completed.append(change.id)
            current.insert(id)
        }
        var expectedExternal: [String: [Int: String]] = [:]
        for exposure in cluster.exposures { expectedExternal[exposure.listenerName] = exposure.expected }
        var machine = RollingRestartMachine(
            brokers: byBroker.keys.sorted(), controllers: Set(cluster.brokers.filter(\.isController).map(\.id)),
            alreadyRestarted: current, policy: cluster.policy, expectedBrokers: Set(cluster.brokers.map(\.id)),
            expectedExternal: expectedExternal, timeouts: cluster.timeouts)
        let clock = ContinuousClock()
        let start = clock.now
        var health: ClusterHealth?
        var reported = Set(machine.completed)
        var lastWaiting: [String] = []
        while true {
            let action = machine.next(now: start.duration(to: clock.now), health: health)
            health = nil
            for id in machine.completed where !reported.contains(id) {
                reported.insert(id)
                guard let change = byBroker[id] else { continue }
                try? await events(.restarted(change))
                completed.append(change.id)
            }
            switch action {
            case .readHealth:
                health = await reader.read(avoiding: machine.current)
            case .restart(let broker, let reason):
                guard let change = byBroker[broker], let target = cluster.broker(broker) else {
                    machine.restartFailed(broker: broker, error: "unknown broker \(broker)", now: start.duration(to: clock.now))
                    continue
                }
                do {
                    try await events(.restarting(change, reason: reason))
                } catch let interruption as RollInterruption {
                    return RollResult(completed: completed, halt: (nil, interruption.reason))
                } catch {
                    return RollResult(completed: completed, halt: (nil, "cannot record that broker \(broker) is restarting: \(error)"))
                }
                do {
                    _ = try await remote.run(cluster.restartCommand, on: target.ssh, timeout: cluster.restartTimeout)
                    machine.restartCompleted(broker: broker, now: start.duration(to: clock.now))
                } catch {
                    machine.restartFailed(broker: broker, error: "restart command failed: \(error)", now: start.duration(to: clock.now))
                }
            case .wait(let until, let broker, let waitingFor):
                if waitingFor != lastWaiting {
                    lastWaiting = waitingFor
                    try? await events(.waiting(broker.flatMap { byBroker[$0] }, waitingFor: waitingFor))
                }
                let remaining = start.duration(to: clock.now)
                if until > remaining { await sleep(until - remaining) }
            case .finished:
                return RollResult(completed: completed)
            case .halt(let broker, let reason):
                return RollResult(completed: completed, halt: (broker.flatMap { byBroker[$0]?.id }, reason))
            }
        }
    }

    /// Unhealthy nodes first, then controllers that are not the active controller, the active controller last
    /// among the controllers, then broker-only nodes (the machine's order, from one health read now).
    public func predictedOrder(_ restarts: [Change]) async -> (order: [ResourceAddress], why: String?) {
        let health = await HealthReader(cluster: cluster, dialer: dialer).read()
        let leader = health.quorum?.leader
        func rank(_ change: Change) -> (Int, Int) {
            let id = Int(change.address.name) ?? Int.max
            let controller = cluster.broker(id)?.isController ?? false
            if !health.isUp(id) { return (0, id) }
            if controller && id != leader { return (1, id) }
            if controller { return (2, id) }
            return (3, id)
        }
        let order = restarts.sorted { rank($0) < rank($1) }.map(\.address)
        let why = leader.map { "restarts of \(cluster.name): the active controller (node \($0)) goes last among the controllers; the order is re-read before every step" }
        return (order, why)
    }

    /// The replicas node `nodeID` hosts, from Metadata read over INTERNAL from the first of the manifests'
    /// brokers that answers (the node itself may be gone), internal topics included: `topic-partition`, with
    /// `(leader)` where it leads. Throws when no broker answers.
    public func replicasHosted(by nodeID: Int) async throws -> [String] {
        var errors: [String] = []
        for broker in cluster.brokers where broker.id != nodeID {
            let client = KafkaClient(host: broker.internalHost, port: broker.internalPort, dialer: dialer,
                                     options: .init(connectTimeout: .seconds(2), requestTimeout: .seconds(5)))
            defer { Task { await client.close() } }
            do {
                let metadata = try await client.metadata()
                var out: [(String, Int, Bool)] = []
                for topic in metadata.topics {
                    for p in topic.partitions where p.replicas.contains(Int32(nodeID)) || p.leaderID == Int32(nodeID) {
                        out.append((topic.name ?? "?", Int(p.index), p.leaderID == Int32(nodeID)))
                    }
                }
                return out.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { "\($0.0)-\($0.1)" + ($0.2 ? " (leader)" : "") }
            } catch {
                errors.append("node \(broker.id) (\(broker.internalHost):\(broker.internalPort)): \(error)")
            }
        }
        throw ProviderError(.retryable, "cannot read partition placement from any broker: " + errors.joined(separator: "; "))
    }

    /// Whether broker `id` already runs what `change` gives it. A broker whose restart another run started and
    /// did not see finish (`restart_pending`) and that does not answer may be coming back from that very restart:
    /// its restart command outlives a leader that was killed or paused mid-roll. It is given the restart
    /// command's allowance (`restartTimeout`) to answer before it is judged, so it is not restarted a second time.
    func isCurrent(_ id: Int, _ change: Change, events: @escaping @Sendable (RollEvent) async throws -> Void) async -> Bool {
        var verdict = await runsConfig(id, change.after)
        guard verdict == nil, change.reason == .restartPending else { return verdict == true }
        let clock = ContinuousClock()
        let deadline = clock.now + cluster.restartTimeout
        try? await events(.waiting(change, waitingFor: ["broker \(id) to answer: a restart another run started may still be under way"]))
        while verdict == nil, clock.now < deadline {
            await sleep(cluster.timeouts.poll)
            verdict = await runsConfig(id, change.after)
        }
        return verdict == true
    }

    /// Whether broker `id` runs `config`: every written key's live value (DescribeConfigs on the broker itself, which
    /// also proves its identity) equals the config semantically; nil when it does not answer.
    func runsConfig(_ id: Int, _ config: Value?) async -> Bool? {
        guard let wanted = config?.objectValue, !wanted.isEmpty else { return false }
        guard let live = await liveConfig(id, keys: wanted.keys.sorted()) else { return nil }
        for (key, value) in wanted {
            guard let want = value.stringValue else { continue }
            guard let have = live[key]?.value, BrokerConfigSemantics.equivalent(key: key, want, have) else { return false }
        }
        return true
    }

    /// The brokers of `files` (each broker's managed keys as its `server.properties` has them now) that run
    /// something else: a restart is pending even when no journal says so (a roll killed on another machine).
    public func notRunning(_ files: [ResourceAddress: Value]) async -> Set<ResourceAddress> {
        await withTaskGroup(of: ResourceAddress?.self) { group in
            for (address, file) in files {
                guard let id = Int(address.name), let keys = file.objectValue else { continue }
                group.addTask { await self.fileDiffersFromLive(id, keys) == true ? address : nil }
            }
            var out: Set<ResourceAddress> = []
            for await address in group { if let address { out.insert(address) } }
            return out
        }
    }

    /// Whether broker `id` runs a value its file does not say, by DescribeConfigs on the broker itself: nil when
    /// it does not answer. Only definite differences count, so nothing is restarted in a loop: a key the broker
    /// does not report or hides (sensitive) is unknown, and one it has as a dynamic override is not governed by
    /// the file. A key the file no longer sets differs when the broker still runs it from `server.properties`.
    func fileDiffersFromLive(_ id: Int, _ file: [String: Value]) async -> Bool? {
        guard !file.isEmpty, let live = await liveConfig(id, keys: file.keys.sorted()) else { return nil }
        let dynamic: Set<ConfigSource> = [.dynamicBroker, .dynamicDefaultBroker, .dynamicBrokerLogger]
        for (key, value) in file {
            guard let config = live[key], !dynamic.contains(config.configSource) else { continue }
            switch (value.stringValue, config.value) {
            case (let want?, let have?): if !BrokerConfigSemantics.equivalent(key: key, want, have) { return true }
            case (nil, _?): if config.configSource == .staticBroker { return true }
            default: continue
            }
        }
        return false
    }

    /// Broker `id`'s live configs for `keys` (DescribeConfigs on INTERNAL, on the broker itself), by name; nil
    /// when it does not answer.
    private func liveConfig(_ id: Int, keys: [String]) async -> [String: DescribeConfigsResponse.Config]? {
        guard let broker = cluster.broker(id) else { return nil }
        let client = KafkaClient(host: broker.internalHost, port: broker.internalPort, dialer: dialer,
                                 options: .init(connectTimeout: .seconds(2), requestTimeout: .seconds(5)))
        defer { Task { await client.close() } }
        guard let result = try? await client.describeConfigs(broker: id, keys: keys) else { return nil }
        return Dictionary(result.configs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }
}
