import Synchronization

/// A local emulation of the subset of Azure Resource Manager the product uses, served over HTTP/1.1 on loopback:
/// resource groups, Microsoft.Network (VNets/subnets, NSGs, NICs, load balancers, private link services and their
/// connections, private endpoints) and Microsoft.Compute virtual machines, with ARM's protocol (LROs, paging,
/// errors, api-versions, bearer tokens), token endpoints, fault injection, a request log and, optionally,
/// the load balancers' TCP data path.
///
/// ```swift
/// let emulator = try ArmEmulator(configuration: .init())
/// try emulator.start()
/// // point clients at emulator.baseURL with the bearer token "arm-emulator-token"
/// emulator.stop()
/// ```
public final class ArmEmulator: Sendable {
    public let configuration: Configuration
    let service: ArmService
    private let server = Mutex<HTTPServer?>(nil)
    private let boundPort = Atomic<Int>(0)

    /// Prepares an emulator (opens the request log file if configured); nothing listens until ``start()``.
    public convenience init(configuration: Configuration = Configuration()) throws {
        try self.init(configuration: configuration, forwarding: configuration.forwarding ? TableForwardingBackend() : nil)
    }

    init(configuration: Configuration, forwarding: (any ForwardingBackend)?) throws {
        self.configuration = configuration
        service = try ArmService(configuration: configuration, forwarding: forwarding)
    }

    /// Binds `host:port` and starts serving; ``port`` and ``baseURL`` are valid afterwards.
    public func start() throws {
        try server.withLock { current in
            guard current == nil else { return }
            let started = try HTTPServer.start(host: configuration.host, port: configuration.port) { [service] request in
                service.handle(request)
            }
            boundPort.store(started.port, ordering: .releasing)
            service.baseURL.withLock { $0 = "http://\(Self.urlHost(configuration.host)):\(started.port)" }
            current = started
        }
    }

    /// Stops serving and closes every connection and forward; idempotent.
    public func stop() {
        let running = server.withLock { current in
            defer { current = nil }
            return current
        }
        running?.stop()
        service.stopForwarding()
    }

    /// The bound port (0 before ``start()``).
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// `http://HOST:PORT`.
    public var baseURL: String { service.baseURL.withLock { $0 } }

    /// Every request so far, in arrival order.
    public var requests: [LoggedRequest] { service.log.all }

    /// Replaces the fault plan.
    public func setFaults(_ faults: FaultPlan) { service.faults.withLock { $0 = faults } }

    /// The current fault plan (rule counts go down as they apply).
    public var faults: FaultPlan { service.faults.withLock { $0 } }

    /// A resource as a GET would return it now (without counting as an LRO observation); nil when absent.
    /// Accepts resource-group, resource and inline-child IDs, case-insensitively.
    public func resource(id: String) -> JSON? {
        guard let parsed = ResourceID(parsing: id) else { return nil }
        return service.world.withLock { world in
            guard let stored = world.resource(parsed) else { return nil }
            let transaction = Transaction(
                world: world, configuration: configuration, baseURL: baseURL, directives: Directives(),
                request: HTTPRequest(method: "GET", target: "/", headers: [:], body: []))
            return parsed.isChild ? transaction.renderChild(parsed, in: stored) : transaction.render(stored)
        }
    }

    /// IDs of every stored resource group and top-level resource.
    public var resourceIDs: [String] {
        service.world.withLock { world in world.resources.values.sorted { $0.sequence < $1.sequence }.map(\.id.canonical) }
    }

    /// Number of LROs still running.
    public var runningOperations: Int { service.world.withLock { $0.operations.values.filter(\.isRunning).count } }

    /// The TCP forwards the load balancers currently imply (computed only when ``Configuration/forwarding`` is on).
    public var forwardingRules: [LoadBalancerForward] { service.forwards }

    /// Forwards that could not be bound, with the reason.
    public var forwardingFailures: [LoadBalancerForward: String] { service.forwardingFailures }

    private static func urlHost(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : (host == "0.0.0.0" ? "127.0.0.1" : host)
    }
}
