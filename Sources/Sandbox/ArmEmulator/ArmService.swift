import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The request pipeline: control endpoints, faults and latency, the transaction under the world lock,
/// ARM's common response headers, the request log, and the forwarding refresh.
final class ArmService: Sendable {
    let configuration: ArmEmulator.Configuration
    let world = Mutex(World())
    let faults = Mutex(FaultPlan())
    let log: RequestLog
    let baseURL = Mutex("")
    private let forwarding: (any ForwardingBackend)?
    private let inForce = ForwardsInForce<LoadBalancerForward>()

    init(configuration: ArmEmulator.Configuration, forwarding: (any ForwardingBackend)?) throws {
        self.configuration = configuration
        self.forwarding = forwarding
        log = try RequestLog(path: configuration.requestLogPath)
    }

    var forwards: [LoadBalancerForward] { inForce.forwards }
    var forwardingFailures: [LoadBalancerForward: String] { inForce.failures }

    func handle(_ request: HTTPRequest) -> HTTPOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        if request.path.lowercased().hasPrefix("/_emulator/") { return .respond(control(request)) }
        let (fault, planLatency) = faults.withLock { plan in (plan.take(method: request.method, path: request.path), plan.latencyMs) }
        let latency = configuration.latencyMs + planLatency
        if latency > 0 { usleep(UInt32(min(latency, 60_000)) * 1000) }
        let requestID = newGUID()
        var directives = Directives()
        var response: HTTPResponse
        switch fault?.action {
        case .throttle:
            response = .json(
                429,
                ArmError(
                    429, "TooManyRequests",
                    "The request is being throttled as the limit has been reached for operation type - "
                        + "\(Self.operationType(request.method)). For more information, see - https://aka.ms/srpthrottlinglimits"
                ).envelope, headers: [("Retry-After", String(fault!.retryAfterSeconds))])
        case .serverError:
            response = .json(
                500, ArmError(500, "InternalServerError", "Encountered internal server error. Diagnostic information: (injected fault).").envelope)
        case .dropBeforeProcessing:
            record(request, status: 0, requestID: requestID, started: started, fault: fault)
            return .drop
        case .slowOperation:
            directives.polls = fault!.polls
            response = process(request, directives)
        case .failOperation:
            directives.failOperation = true
            response = process(request, directives)
        case .dropAfterProcessing, nil:
            response = process(request, directives)
        }
        addCommonHeaders(&response, request: request, requestID: requestID)
        record(request, status: response.status, requestID: requestID, started: started, fault: fault)
        return fault?.action == .dropAfterProcessing ? .drop : .respond(response)
    }

    private func process(_ request: HTTPRequest, _ directives: Directives) -> HTTPResponse {
        // Absolute URLs use the Host the client addressed (when it names a port), else the bound address.
        let host = request.header("host").flatMap { $0.split(separator: ":").count >= 2 && !$0.hasSuffix("]") ? $0 : nil }
        let base = host.map { "http://\($0)" } ?? baseURL.withLock { $0 }
        // A read runs on a snapshot of the world (copy-on-write: taking it costs nothing), outside the lock, so reads
        // are served side by side as ARM serves them, not one after another behind writes. A read that changes the world
        // (`World.readEffects`: a poll, a GET of a resource being changed, a token) runs again under the lock.
        if request.method == "GET" || request.method == "HEAD" {
            let snapshot = world.withLock { $0 }
            var read = Transaction(world: snapshot, configuration: configuration, baseURL: base, directives: directives, request: request)
            let response = read.run()
            if read.world.readEffects == snapshot.readEffects { return response }
        }
        let (response, revision) = world.withLock { current -> (HTTPResponse, Int) in
            var transaction = Transaction(
                world: World(), configuration: configuration, baseURL: base, directives: directives, request: request)
            swap(&transaction.world, &current)
            let response = transaction.run()
            swap(&transaction.world, &current)
            if request.method != "GET" && request.method != "HEAD" && response.status < 400 { current.revision += 1 }
            return (response, current.revision)
        }
        refreshForwarding(revision: revision)
        return response
    }

    /// Recomputes the forwards when the world changed and applies them (serialized by ``ForwardsInForce``).
    func refreshForwarding(revision: Int) {
        guard let forwarding else { return }
        inForce.refresh(revision: revision) {
            world.withLock { ForwardingPlanner.plan($0, addressMap: configuration.addressMap, frontendBindHost: configuration.frontendBindHost) }
        } apply: {
            try forwarding.apply($0)
        }
    }

    func stopForwarding() { forwarding?.stop() }

    private func addCommonHeaders(_ response: inout HTTPResponse, request: HTTPRequest, requestID: String) {
        if response.header("content-type") == nil, !response.body.isEmpty {
            response.setHeader("Content-Type", "application/json; charset=utf-8")
        }
        response.setHeader("x-ms-request-id", requestID)
        response.setHeader("x-ms-correlation-request-id", request.header("x-ms-client-request-id") ?? newGUID())
        if let client = request.header("x-ms-client-request-id") { response.setHeader("x-ms-client-request-id", client) }
        response.setHeader("x-ms-routing-request-id", "EASTUS:\(requestID)")
        let kind = Self.operationType(request.method).lowercased() + "s"
        response.setHeader("x-ms-ratelimit-remaining-subscription-\(kind)", kind == "reads" ? "11999" : "1199")
        response.setHeader("Cache-Control", "no-cache")
    }

    static func operationType(_ method: String) -> String {
        switch method {
        case "GET", "HEAD": "Read"
        case "DELETE": "Delete"
        default: "Write"
        }
    }

    private func record(_ request: HTTPRequest, status: Int, requestID: String, started: UInt64, fault: FaultRule?) {
        let elapsed = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        var body: JSON? = nil
        if !request.body.isEmpty, var parsed = try? JSON.parse(request.body) {
            for path in VirtualMachineKind.secrets where parsed[path: path] != nil { parsed.set(path, "<redacted>") }
            body = parsed
        }
        log.append { seq in
            LoggedRequest(
                seq: seq, method: request.method, path: request.path, query: request.rawQuery,
                apiVersion: request.query["api-version"], status: status, requestID: requestID, durationMs: elapsed,
                fault: fault?.action.rawValue, body: body)
        }
    }
}
