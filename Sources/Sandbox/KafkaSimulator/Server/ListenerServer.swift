import Foundation
import Sockets
import Synchronization

/// One bound listener (`INTERNAL://0.0.0.0:9092`): an accept thread and one thread per connection.
///
/// Each connection reads size-prefixed frames (at most ``maxFrameBytes``), answers them in order through
/// ``RequestDispatcher``, and is closed on anything Kafka would close it for. Nothing a client sends can
/// crash the process: all parsing is bounds-checked and failures only end that connection. Each connection's
/// thread owns its socket and closes it; ``stop()`` shuts the sockets down, which ends those threads.
public final class ListenerServer: Sendable {
    public static let maxFrameBytes = 1 << 20
    public static let maxConnections = 256

    public let address: ListenerAddress
    private let listener: TCPListener
    private let config: SimulatorConfig
    private let cluster: ClusterDirectory
    private let log: SimulatorLog
    private let stopped = Atomic<Bool>(false)
    private let closed = Atomic<Bool>(false)
    private let acceptorDone = Atomic<Bool>(true)
    private let connections = Atomic<Int>(0)
    private let openSockets = Mutex<[ObjectIdentifier: TCPSocket]>([:])

    /// Binds and listens now (throws if the address is taken); call ``start()`` to accept.
    public init(address: ListenerAddress, config: SimulatorConfig, cluster: ClusterDirectory, log: SimulatorLog) throws
    {
        self.address = address
        self.config = config
        self.cluster = cluster
        self.log = log
        let wildcard = address.host.isEmpty || address.host == "0.0.0.0"
        listener = try Self.listen(host: wildcard ? (config.bindHost ?? address.host) : address.host, port: address.port)
    }

    /// A listening socket on `host:port` (empty host: all IPv4 interfaces; `0.0.0.0`, `::` as usual), or the
    /// error Kafka's own socket server would report.
    private static func listen(host: String, port: Int) throws -> TCPListener {
        let addresses: [SocketAddress]
        do {
            addresses = try SocketAddress.resolve(host: host.isEmpty ? nil : host, port: port, ipv4Only: host.isEmpty, passive: true)
        } catch {
            throw ConfigError("cannot resolve listener address \(host):\(port): \(error.reason)")
        }
        do {
            return try TCPListener.listen(on: addresses, backlog: 128)
        } catch {
            throw ConfigError("Socket server failed to bind to \(host.isEmpty ? "0.0.0.0" : host):\(port): \(error.reason).")
        }
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

    /// Stops accepting, closes the listening socket and shuts every open connection down (the peer reads EOF at
    /// once; the connection's thread closes it); returns within ~150 ms.
    public func stop() {
        requestStop()
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for _ in 0..<30 where !acceptorDone.load(ordering: .acquiring) { WallClock.sleep(ms: 5) }
        listener.shutdown()
        listener.close()
        for socket in openSockets.withLock({ Array($0.values) }) { socket.shutdown() }
    }

    private func acceptLoop() {
        defer { acceptorDone.store(true, ordering: .releasing) }
        while !stopped.load(ordering: .acquiring) {
            guard (try? listener.awaitConnection(timeout: .milliseconds(100))) == true, let client = try? listener.accept() else {
                continue
            }
            if stopped.load(ordering: .acquiring) {
                Self.close(client)
                break
            }
            guard connections.add(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                connections.subtract(1, ordering: .relaxed)
                log.warning("\(address.name): too many connections, closing a new one")
                Self.close(client)
                continue
            }
            openSockets.withLock { $0[ObjectIdentifier(client)] = client }
            let thread = Thread { [self] in
                serve(client)
                openSockets.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(client)) }
                Self.close(client)
                connections.subtract(1, ordering: .relaxed)
            }
            thread.name = "conn-\(address.name)"
            thread.start()
        }
    }

    private static func close(_ socket: TCPSocket) {
        socket.shutdown()
        socket.close()
    }

    private func serve(_ client: TCPSocket) {
        while !stopped.load(ordering: .acquiring) {
            guard let sizeBytes = try? client.readExactly(4, deadline: nil) else { return }
            let size = sizeBytes.reduce(Int32(0)) { $0 << 8 | Int32($1) }
            guard size > 0, Int(size) <= Self.maxFrameBytes else {
                log.warning("\(address.name): closing a connection that sent a frame of \(size) bytes")
                return
            }
            guard let frame = try? client.readExactly(Int(size), deadline: nil) else { return }
            let context = RequestContext(config: config, listener: address.name, snapshot: cluster.snapshot())
            let outcome = RequestDispatcher.dispatch(frame, context: context)
            if config.logRequests, let header = RequestHeader.peek(frame) {
                log.info(
                    "\(address.name): \(RequestDispatcher.name(of: header.apiKey)) v\(header.apiVersion) corr \(header.correlationId)"
                )
            }
            switch outcome {
            case .respond(let response):
                guard (try? client.writeAll(response, deadline: nil)) != nil else { return }
            case .close(let reason):
                log.info("\(address.name): closing connection: \(reason)")
                return
            }
        }
    }
}
