import Foundation
import Synchronization

/// One bound listener (`INTERNAL://0.0.0.0:9092`): an accept thread and one thread per connection.
///
/// Each connection reads size-prefixed frames (at most ``maxFrameBytes``), answers them in order through
/// ``RequestDispatcher``, and is closed on anything Kafka would close it for. Nothing a client sends can
/// crash the process: all parsing is bounds-checked and failures only end that connection.
public final class ListenerServer: Sendable {
    public static let maxFrameBytes = 1 << 20
    public static let maxConnections = 256

    public let address: ListenerAddress
    private let fd: Int32
    private let config: SimulatorConfig
    private let cluster: ClusterDirectory
    private let log: SimulatorLog
    private let stopped = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    private let acceptorDone = Atomic<Bool>(true)
    private let connections = Atomic<Int>(0)
    private let openSockets = Mutex<Set<Int32>>([])

    /// Binds and listens now (throws if the address is taken); call ``start()`` to accept.
    public init(address: ListenerAddress, config: SimulatorConfig, cluster: ClusterDirectory, log: SimulatorLog) throws
    {
        self.address = address
        self.config = config
        self.cluster = cluster
        self.log = log
        let wildcard = address.host.isEmpty || address.host == "0.0.0.0"
        fd = try Socket.listen(host: wildcard ? (config.bindHost ?? address.host) : address.host, port: address.port)
    }

    public func start() {
        acceptorDone.store(false, ordering: .releasing)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "accept-\(address.name)"
        thread.start()
    }

    /// Tells the accept thread to stop (returns at once; ``stop()`` finishes the job).
    public func requestStop() {
        stopped.store(true, ordering: .releasing)
    }

    /// Stops accepting, closes the listening socket and every open connection; returns within ~150 ms.
    public func stop() {
        requestStop()
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for _ in 0..<30 where !acceptorDone.load(ordering: .acquiring) { WallClock.sleep(ms: 5) }
        Socket.close(fd)
        let open = openSockets.withLock { sockets in
            defer { sockets.removeAll() }
            return sockets
        }
        for socket in open { Socket.close(socket) }
    }

    private func acceptLoop() {
        defer { acceptorDone.store(true, ordering: .releasing) }
        while !stopped.load(ordering: .acquiring) {
            guard let client = Socket.accept(fd, timeoutMs: 100) else { continue }
            if stopped.load(ordering: .acquiring) {
                Socket.close(client)
                break
            }
            guard connections.add(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                connections.subtract(1, ordering: .relaxed)
                log.warning("\(address.name): too many connections, closing a new one")
                Socket.close(client)
                continue
            }
            openSockets.withLock { _ = $0.insert(client) }
            let thread = Thread { [self] in
                serve(client)
                let owned = openSockets.withLock { $0.remove(client) != nil }
                if owned { Socket.close(client) }
                connections.subtract(1, ordering: .relaxed)
            }
            thread.name = "conn-\(address.name)"
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        while !stopped.load(ordering: .acquiring) {
            guard let sizeBytes = Socket.read(client, count: 4) else { return }
            let size = sizeBytes.reduce(Int32(0)) { $0 << 8 | Int32($1) }
            guard size > 0, Int(size) <= Self.maxFrameBytes else {
                log.warning("\(address.name): closing a connection that sent a frame of \(size) bytes")
                return
            }
            guard let frame = Socket.read(client, count: Int(size)) else { return }
            let context = RequestContext(config: config, listener: address.name, snapshot: cluster.snapshot())
            let outcome = RequestDispatcher.dispatch(frame, context: context)
            if config.logRequests, let header = RequestHeader.peek(frame) {
                log.info(
                    "\(address.name): \(RequestDispatcher.name(of: header.apiKey)) v\(header.apiVersion) corr \(header.correlationId)"
                )
            }
            switch outcome {
            case .respond(let response):
                guard Socket.write(client, response) else { return }
            case .close(let reason):
                log.info("\(address.name): closing connection: \(reason)")
                return
            }
        }
    }
}
