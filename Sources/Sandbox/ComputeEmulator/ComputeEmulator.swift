public import ArmEmulator
import Synchronization
public import TCPForwarding

/// A local emulation of the subset of the Compute Engine v1 API the product uses, served over HTTP/1.1 on loopback
/// under `/compute/v1/`: networks, subnetworks (including `PRIVATE_SERVICE_CONNECT` NAT subnets), firewalls,
/// instances, regional NEGs (`GCE_VM_IP_PORTMAP`, with attach, detach and list of endpoints), regional backend
/// services and health checks, forwarding rules (internal, and PSC endpoints of consumers in other projects) and
/// service attachments, with Compute's protocol (operations PENDING -> RUNNING -> DONE with `get` and `wait`,
/// `requestId` deduplication, fingerprints and 412, Google's error body, paging, int64 as strings), a token endpoint,
/// a metadata server, fault injection, a request log and, optionally, the PSC port-mapping data path over TCP.
///
/// ```swift
/// let emulator = try ComputeEmulator(configuration: .init())
/// try emulator.start()
/// // point clients at emulator.computeBase (any bearer token, or none)
/// emulator.stop()
/// ```
public final class ComputeEmulator: Sendable {
    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        /// 0: an ephemeral port (see ``ComputeEmulator/port``).
        public var port = 0
        /// Append every request to this file as JSON lines.
        public var requestLogPath: String?
        /// Private addresses (instances, forwarding rules, PSC endpoints) to the local addresses that stand for them.
        public var addressMap: [String: String] = [:]
        /// Make forwarding rules and accepted PSC endpoints forward TCP for real (mapped addresses only).
        public var forwarding = false
        /// Added to every request.
        public var latencyMs = 0
        /// Polls an operation stays unfinished (PENDING, then RUNNING); 0: DONE in the reply.
        public var operationPolls = 0
        /// Items per page of a list (the cap of `maxResults`).
        public var pageSize = 500
        /// The kafka-proxy stand-in to run for each managed instance whose startup script starts kafka-proxy (on
        /// the instance's mapped address); nil: instances run nothing.
        public var kafkaProxyBinary: String?
        /// Where those processes write their output (`<instance>.log`); nil: discarded.
        public var kafkaProxyLogDirectory: String?

        public init() {}
    }

    public let configuration: Configuration
    let service: ComputeService
    private let server = Mutex<HTTPServer?>(nil)
    private let boundPort = Atomic<Int>(0)

    /// Prepares an emulator (opens the request log file if configured); nothing listens until ``start()``.
    public init(configuration: Configuration = Configuration()) throws {
        self.configuration = configuration
        service = try ComputeService(configuration: configuration)
    }

    /// Binds `host:port` and starts serving.
    public func start() throws {
        try server.withLock { current in
            guard current == nil else { return }
            let started = try HTTPServer.start(host: configuration.host, port: configuration.port) { [service] request in
                service.handle(request)
            }
            boundPort.store(started.port, ordering: .releasing)
            current = started
        }
    }

    /// Stops serving and closes every forward; idempotent.
    public func stop() {
        let running = server.withLock { current in
            defer { current = nil }
            return current
        }
        running?.stop()
        service.stopForwarding()
    }

    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// `http://HOST:PORT`.
    public var baseURL: String { "http://\(configuration.host == "0.0.0.0" ? "127.0.0.1" : configuration.host):\(port)" }

    /// The Compute base URL clients are pointed at (`GOOGLE_COMPUTE_CUSTOM_ENDPOINT`): `http://HOST:PORT/compute/v1/`.
    public var computeBase: String { baseURL + "/compute/v1/" }

    /// Every request so far, in arrival order.
    public var requests: [LoggedRequest] { service.log.all }

    /// Replaces the fault plan (actions: `throttle` = 403 rateLimitExceeded, or 429 with `retryAfterSeconds` > 0;
    /// `serverError` = 503; the drops; `slowOperation`; `failOperation` = the operation ends DONE with an error and
    /// has no effect).
    public func setFaults(_ faults: FaultPlan) { service.faults.withLock { $0 = faults } }

    public var faults: FaultPlan { service.faults.withLock { $0 } }

    /// A resource as a GET returns it now; nil when absent. `path` is relative (`projects/...`) or a URL.
    public func resource(_ path: String) -> JSON? {
        service.world.withLock { world in
            world[path].map { stored in
                Transaction(world: world, configuration: configuration, directives: Directives(),
                            request: HTTPRequest(method: "GET", target: "/", headers: [:], body: [])).render(stored)
            }
        }
    }

    /// The relative paths of every stored resource, in creation order.
    public var resourcePaths: [String] {
        service.world.withLock { $0.resources.values.sorted { $0.sequence < $1.sequence }.map(\.path.description) }
    }

    /// A NEG's endpoints as stored (relative instance paths).
    public func networkEndpoints(_ path: String) -> [JSON] {
        service.world.withLock { $0[path]?.body["networkEndpoints"]?.arrayValue ?? [] }
    }

    /// Operations not yet DONE.
    public var unfinishedOperations: Int {
        service.world.withLock { $0.operations.values.filter { $0.body["status"]?.stringValue != "DONE" }.count }
    }

    /// The TCP forwards in effect (with ``Configuration/forwarding``), and those that could not be bound.
    public var forwards: [ForwardingRule] { service.forwards }

    /// The kafka-proxy stand-ins running now: instance path, address and arguments (with ``Configuration/kafkaProxyBinary``).
    public var proxyProcesses: [(instance: String, host: String, arguments: [String])] {
        service.proxyLaunches.map { ($0.instance, $0.host, $0.arguments) }
    }

    /// Instances whose kafka-proxy could not be started, with the reason.
    public var proxyFailures: [String: String] {
        Dictionary(service.proxyFailures.map { ($0.key.instance, $0.value) }, uniquingKeysWith: { a, _ in a })
    }
    public var forwardingFailures: [ForwardingRule: String] { service.forwardingFailures }
}
