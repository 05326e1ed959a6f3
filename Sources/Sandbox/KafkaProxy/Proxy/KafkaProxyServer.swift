import ArmEmulator
import Foundation
import Sockets
import Synchronization

/// A faithful stand-in for `kafka-proxy server` v0.3.11 (`kafka-proxy.md` B.4), for the sandbox and the tests: the
/// real binary cannot be downloaded here.
///
/// - ``start()`` binds every `--bootstrap-server-mapping` listener (a failure is fatal, as in kafka-proxy) and the
///   HTTP endpoint; each listener forwards every connection to its one broker, dialled per connection (through
///   `--dial-address-mapping`).
/// - Requests pass byte for byte; Metadata v0-12 and FindCoordinator v0-4 responses get each broker address
///   replaced by its listener's advertised one. An address no mapping names gets a dynamic listener on first
///   sight: bound at `--default-listener-ip`, port `--dynamic-sequential-min-port` plus one per new broker in
///   discovery order (0: any), advertised as `--dynamic-advertised-listener` and the port, kept for the process's
///   life. The match is on the exact `host:port` text the broker returned, so a mapping written with an IP for a
///   broker that advertises a name does not match, and a dynamic listener appears: the real proxy's trap.
/// - What it closes a connection on: see ``ProxyRefusal``.
/// - HTTP: `/health` always `OK` (as the real one: it says nothing about the brokers), `/metrics` (Prometheus).
///
/// ``stop()`` closes the listeners and every connection at once (kafka-proxy has no drain either).
public final class KafkaProxyServer: Sendable {
    public let configuration: ProxyConfiguration
    let metrics = ProxyMetrics()
    private let logSink: @Sendable (String) -> Void
    private let staticByBroker: [HostPort: HostPort]
    private let state = Mutex<State>(State())
    private let http = Mutex<HTTPServer?>(nil)

    private struct State {
        var listeners: [ProxyListener] = []
        var dynamicByBroker: [HostPort: HostPort] = [:]
        var dynamicDiscovered = 0
        var connections: [ObjectIdentifier: ProxyConnection] = [:]
        var stopped = false
    }

    /// A listener in force: where it listens, the broker it forwards to, what it advertises.
    public struct ListenerInfo: Sendable, Equatable {
        public var listen: HostPort
        public var broker: HostPort
        public var advertised: HostPort
        public var dynamic: Bool
    }

    /// Checks `configuration` as kafka-proxy does at start-up; `log` gets one line per event (stderr in the binary).
    public init(configuration: ProxyConfiguration, log: @escaping @Sendable (String) -> Void = { _ in }) throws(ProxyConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        logSink = log
        var byBroker: [HostPort: HostPort] = [:]
        for mapping in configuration.bootstrapMappings + configuration.externalMappings { byBroker[mapping.broker] = mapping.advertised }
        staticByBroker = byBroker
    }

    func log(_ line: String) { logSink(line) }

    /// Binds the static listeners and the HTTP endpoint, then starts accepting; throws (having bound nothing) if
    /// one cannot be bound.
    public func start() throws(ProxyConfigurationError) {
        var bound: [ProxyListener] = []
        for mapping in configuration.bootstrapMappings {
            do {
                bound.append(try ProxyListener.bind(mapping.listen, broker: mapping.broker, advertised: { _ in mapping.advertised }, dynamic: false))
            } catch {
                bound.forEach { $0.stop() }
                throw ProxyConfigurationError("\(error)")
            }
        }
        if !configuration.httpDisabled {
            do {
                let server = try HTTPServer.start(host: configuration.httpListenAddress.host, port: configuration.httpListenAddress.port) { [self] request in
                    .respond(answer(request))
                }
                http.withLock { $0 = server }
            } catch {
                bound.forEach { $0.stop() }
                throw ProxyConfigurationError("\(error)")
            }
        }
        state.withLock { $0.listeners = bound }
        for listener in bound {
            log("listening on \(listener.listen) for broker \(listener.broker), advertised as \(listener.advertised)")
            listener.start { [self] client in accept(client, broker: listener.broker) }
        }
    }

    /// Closes every listener and connection and the HTTP endpoint. Idempotent.
    public func stop() {
        let (listeners, connections) = state.withLock { state in
            state.stopped = true
            defer { state.listeners = [] }
            return (state.listeners, Array(state.connections.values))
        }
        listeners.forEach { $0.stop() }
        connections.forEach { $0.interrupt() }
        http.withLock { server in
            server?.stop()
            server = nil
        }
    }

    /// The listeners in force, static ones first, then dynamic ones in discovery order.
    public var listeners: [ListenerInfo] {
        state.withLock { $0.listeners.map { ListenerInfo(listen: $0.listen, broker: $0.broker, advertised: $0.advertised, dynamic: $0.dynamic) } }
    }

    /// The HTTP endpoint's port (nil when disabled).
    public var httpPort: Int? { http.withLock { $0?.port } }

    /// Connections open now.
    public var openConnections: Int { state.withLock { $0.connections.count } }

    /// The address to put in a response instead of the broker's `host:port` (the exact text it returned): its
    /// mapping's, or a dynamic listener's, made now if it is new.
    func advertised(forBroker host: String, port: Int32) throws(ProxyRefusal) -> (host: String, port: Int32) {
        let broker = HostPort(host: host, port: Int(port))
        if let mapped = staticByBroker[broker] { return (mapped.host, Int32(mapped.port)) }
        let (made, result) = try state.withLock { state throws(ProxyRefusal) -> (ProxyListener?, HostPort) in
            if let known = state.dynamicByBroker[broker] { return (nil, known) }
            guard !configuration.dynamicListenersDisabled, !state.stopped else {
                throw .noListener("net address mapping for \(broker) was not found")
            }
            let minimum = configuration.dynamicSequentialMinPort
            let port = minimum == 0 ? 0 : minimum + state.dynamicDiscovered
            state.dynamicDiscovered += 1
            let advertisedHost = configuration.dynamicAdvertisedListener.isEmpty ? configuration.defaultListenerIP : configuration.dynamicAdvertisedListener
            let listener = try ProxyListener.bind(
                HostPort(host: configuration.defaultListenerIP, port: port), broker: broker,
                advertised: { HostPort(host: advertisedHost, port: $0) }, dynamic: true)
            state.listeners.append(listener)
            state.dynamicByBroker[broker] = listener.advertised
            return (listener, listener.advertised)
        }
        if let made {
            log("dynamic listener on \(made.listen) for broker \(broker), advertised as \(made.advertised)")
            made.start { [self] client in accept(client, broker: broker) }
        }
        return (result.host, Int32(result.port))
    }

    private func accept(_ client: TCPSocket, broker: HostPort) {
        let connection = ProxyConnection(client: client, broker: broker, server: self)
        let id = ObjectIdentifier(connection)
        let admitted = state.withLock { state in
            guard !state.stopped else { return false }
            state.connections[id] = connection
            return true
        }
        guard admitted else {
            client.close()
            return
        }
        metrics.connectionOpened(broker: broker)
        let thread = Thread { [self] in
            connection.run()
            state.withLock { _ = $0.connections.removeValue(forKey: id) }
            metrics.connectionClosed(broker: broker)
        }
        thread.name = "connection \(broker)"
        thread.start()
    }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case configuration.httpHealthPath:
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("OK".utf8))
        case configuration.httpMetricsPath:
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: metrics.exposition())
        case "/":
            let page = "<html><head><title>kafka-proxy</title></head><body><h1>kafka-proxy</h1><p><a href=\"\(configuration.httpMetricsPath)\">Metrics</a></p></body></html>"
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(page.utf8))
        default:
            return HTTPResponse(status: 404, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("404 page not found\n".utf8))
        }
    }
}
