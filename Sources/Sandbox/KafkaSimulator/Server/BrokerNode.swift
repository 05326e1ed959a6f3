import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One running simulated node: its record in the cluster directory, its listeners, and its state machine
/// starting → fenced → (after `simulator.fenced.ms`) running → stopping → stopped.
///
/// The record is rewritten every heartbeat under ``record``'s lock, so a concurrent shutdown can never be
/// overwritten by a late heartbeat.
public final class BrokerNode: Sendable {
    public let config: SimulatorConfig
    public let cluster: ClusterDirectory
    private let log: SimulatorLog
    private let record: Mutex<BrokerRecord>
    private let servers: Mutex<[ListenerServer]>
    private let stopping = Atomic<Bool>(false)
    private let writeFailed = Atomic<Bool>(false)

    public init(config: SimulatorConfig, log: SimulatorLog) throws {
        self.config = config
        self.log = log
        cluster = ClusterDirectory(path: config.clusterDirectory, staleMs: config.staleMs)
        try cluster.create()

        let now = WallClock.nowMs()
        let previous = cluster.read(config.nodeId)
        if let previous, previous.pid != getpid(), cluster.isAlive(previous, now: now) {
            throw ConfigError(
                "node \(config.nodeId) is already running in \(config.clusterDirectory) (pid \(previous.pid) on \(previous.hostName))"
            )
        }
        func endpoints(_ list: [ListenerAddress]) -> [BrokerRecord.Endpoint] {
            list.map {
                .init(
                    listener: $0.name, host: $0.host, port: $0.port,
                    securityProtocol: config.securityProtocolMap[$0.name] ?? "PLAINTEXT")
            }
        }
        let previousQuorumCaughtUp = previous.map { old in
            old.quorumCaughtUpAtMs.map { $0 <= old.lastSeenAtMs } ?? false
        }
        record = Mutex(
            BrokerRecord(
                nodeId: config.nodeId, pid: getpid(), hostName: SimulatorConfig.hostName,
                processRoles: config.processRoles.sorted(), kafkaVersion: config.kafkaVersion.description,
                incarnation: (previous?.incarnation ?? 0) + 1, state: .starting, startedAtMs: now, heartbeatAtMs: now,
                previousSeenAtMs: previous?.lastSeenAtMs, previousCaughtUp: previousQuorumCaughtUp,
                endpoints: config.isBroker ? endpoints(config.registeredBrokerEndpoints) : [],
                controllerEndpoints: endpoints(
                    config.controllerEndpoints.filter { !config.misbehaves(.noListener($0.name)) }),
                rack: config.rack, misbehaviours: config.misbehaviours.map(\.description)))
        servers = Mutex([])
        try update { _ in }
    }

    /// Binds every listener (then starts accepting) and moves to fenced, or stays starting for `never-come-back`.
    public func start() throws {
        var bound: [ListenerServer] = []
        do {
            for address in config.boundListeners {
                let protocolName = config.securityProtocolMap[address.name] ?? "PLAINTEXT"
                guard protocolName == "PLAINTEXT" else {
                    log.warning(
                        "listener \(address.name) uses \(protocolName): not bound (the simulator speaks PLAINTEXT only)"
                    )
                    continue
                }
                bound.append(try ListenerServer(address: address, config: config, cluster: cluster, log: log))
            }
        } catch {
            for server in bound { server.stop() }
            try? update {
                $0.state = .stopped
                $0.stoppedAtMs = WallClock.nowMs()
            }
            throw error
        }
        for server in bound {
            server.start()
            log.info("listening on \(server.address.name)://\(server.address.hostPort)")
        }
        servers.withLock { $0 = bound }
        if config.misbehaves(.neverComeBack) {
            log.info("never-come-back: listeners up, never registering")
        } else {
            try update { $0.state = .fenced }
            log.info("registered, fenced for \(config.fencedMs) ms")
        }
        let thread = Thread { [self] in heartbeatLoop() }
        thread.name = "heartbeat"
        thread.start()
    }

    /// Controlled shutdown: deregister at once (state stopping), keep serving for `simulator.shutdown.ms`,
    /// close every listener, record stopped.
    public func shutdown() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        try? update { $0.state = .stopping }
        log.info("controlled shutdown: deregistered, stopping in \(config.shutdownMs) ms")
        WallClock.sleep(ms: config.shutdownMs)
        let all = servers.withLock { $0 }
        for server in all { server.requestStop() }
        for server in all { server.stop() }
        try? update {
            $0.state = .stopped
            $0.stoppedAtMs = WallClock.nowMs()
        }
        log.info("listeners closed, shutdown complete")
    }

    private func heartbeatLoop() {
        while !stopping.load(ordering: .acquiring) {
            var sleepMs = config.heartbeatMs
            do {
                try update { record in
                    guard record.state == .fenced else { return }
                    let now = record.heartbeatAtMs
                    let unfenceAt = record.startedAtMs + config.fencedMs
                    if now >= unfenceAt {
                        unfence(&record, now: now)
                    } else {
                        sleepMs = min(sleepMs, max(1, unfenceAt - now))
                    }
                }
                if writeFailed.exchange(false, ordering: .relaxed) { log.info("cluster directory writable again") }
            } catch {
                if !writeFailed.exchange(true, ordering: .relaxed) { log.error("heartbeat: \(error)") }
                try? cluster.create()
            }
            WallClock.sleep(ms: sleepMs)
        }
    }

    private func unfence(_ record: inout BrokerRecord, now: Int64) {
        let snapshot = cluster.snapshot(now: now, fresh: true)
        let othersRunning = snapshot.records.keys.contains { $0 != config.nodeId && snapshot.isRunning($0) }
        let caughtUpAt = othersRunning ? now + config.catchupMs : now
        record.state = .running
        record.unfencedAtMs = now
        record.isrJoinAtMs = config.misbehaves(.stayUnderReplicated) ? nil : caughtUpAt
        record.quorumCaughtUpAtMs = caughtUpAt
        let isr =
            config.misbehaves(.stayUnderReplicated) ? "never (stay-under-replicated)" : "in \(caughtUpAt - now) ms"
        log.info("unfenced (running); joins ISRs \(isr)")
    }

    /// Applies `change` and the heartbeat time, and rewrites the file, all under the record lock.
    private func update(_ change: (inout BrokerRecord) throws -> Void) throws {
        try record.withLock { current in
            var next = current
            next.heartbeatAtMs = WallClock.nowMs()
            try change(&next)
            if current.state == .stopping && next.state != .stopped { next.state = .stopping }
            current = next
            try cluster.write(next)
        }
    }
}
