import ArmEmulator
import Foundation
import Synchronization
import TCPForwarding

#if canImport(Glibc)
    import Glibc
#endif

/// The request pipeline: control endpoints, the token endpoint and metadata server, faults and latency, the
/// transaction under the world lock, the request log, and the forwarding refresh.
final class ComputeService: Sendable {
    let configuration: ComputeEmulator.Configuration
    let world = Mutex(World())
    let faults = Mutex(FaultPlan())
    let log: RequestLog
    private let table: ForwardingTable?
    private let inForce = ForwardsInForce<ForwardingRule>()
    /// The kafka-proxy stand-ins of instances whose startup script runs one (with a binary configured).
    let proxies: ProxyInstances?
    private let proxiesInForce = ForwardsInForce<ProxyLaunch>()

    init(configuration: ComputeEmulator.Configuration) throws {
        self.configuration = configuration
        table = configuration.forwarding ? ForwardingTable() : nil
        proxies = configuration.kafkaProxyBinary.map { ProxyInstances(binary: $0, logDirectory: configuration.kafkaProxyLogDirectory) }
        log = try RequestLog(path: configuration.requestLogPath)
    }

    var forwards: [ForwardingRule] { inForce.forwards }
    var forwardingFailures: [ForwardingRule: String] { inForce.failures }

    func handle(_ request: HTTPRequest) -> HTTPOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let path = request.path
        if path.hasPrefix("/_emulator/") { return .respond(control(request)) }
        if path == "/token" || path.hasPrefix("/v1/token") { return .respond(token(request)) }
        if path == "/" || path.hasPrefix("/computeMetadata/") { return .respond(metadata(request)) }
        let (fault, planLatency) = faults.withLock { plan in (plan.take(method: request.method, path: path), plan.latencyMs) }
        let latency = configuration.latencyMs + planLatency
        if latency > 0 { usleep(UInt32(min(latency, 60_000)) * 1000) }
        var directives = Directives()
        let response: HTTPResponse
        switch fault?.action {
        case .throttle:
            // Compute's rate limits are 403 rateLimitExceeded; a Retry-After asks for the 429 other Google APIs send.
            response = fault!.retryAfterSeconds > 0
                ? HTTPResponse.json(
                    429, ComputeError(status: 429, reason: "rateLimitExceeded", message: "Too many requests (injected fault).").body,
                    headers: [("Retry-After", String(fault!.retryAfterSeconds))])
                : .json(403, ComputeError.rateLimited.body)
        case .serverError:
            response = .json(503, ComputeError(status: 503, reason: "backendError", message: "Backend Error (injected fault)").body)
        case .dropBeforeProcessing:
            record(request, status: 0, started: started, fault: fault)
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
        record(request, status: response.status, started: started, fault: fault)
        return fault?.action == .dropAfterProcessing ? .drop : .respond(response)
    }

    private func process(_ request: HTTPRequest, _ directives: Directives) -> HTTPResponse {
        let (response, revision) = world.withLock { current -> (HTTPResponse, Int) in
            var transaction = Transaction(world: World(), configuration: configuration, directives: directives, request: request)
            swap(&transaction.world, &current)
            let response = transaction.run()
            swap(&transaction.world, &current)
            return (response, current.revision)
        }
        refreshForwarding(revision: revision)
        return response
    }

    /// Recomputes the forwards when the world changed and applies them.
    func refreshForwarding(revision: Int) {
        if let proxies {
            proxiesInForce.refresh(revision: revision) {
                world.withLock { world in
                    world.all("instances").filter { world.managed[$0.path.description] != nil }
                        .compactMap { ProxyLaunch.of(instance: $0, addressMap: configuration.addressMap) }
                }
            } apply: { launches in
                let failures = proxies.apply(launches)
                return Dictionary(launches.compactMap { l in failures[l.instance].map { (l, $0) } }, uniquingKeysWith: { a, _ in a })
            }
        }
        guard let table else { return }
        inForce.refresh(revision: revision) {
            world.withLock { PortMappingForwards.plan($0, addressMap: configuration.addressMap) }
        } apply: {
            try table.apply($0)
        }
    }

    func stopForwarding() {
        table?.stop()
        proxies?.stopAll()
    }

    var proxyLaunches: [ProxyLaunch] { proxies?.launches ?? [] }
    var proxyFailures: [ProxyLaunch: String] { proxiesInForce.failures }

    /// `POST /token`: any grant (JWT bearer, refresh token, token exchange) gets a token; the emulator checks no
    /// signature, as it accepts any bearer token.
    private func token(_ request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else { return .json(405, ComputeError(status: 405, reason: "methodNotAllowed", message: "POST only").body) }
        let body = String(decoding: request.body, as: UTF8.self)
        let kind = body.contains("token-exchange") ? "sts" : "oauth"
        return .json(200, ["access_token": .string("compute-emulator-\(kind)-token"), "expires_in": 3600, "token_type": "Bearer",
                           "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"])
    }

    /// The metadata server: `Metadata-Flavor: Google` required on requests and sent on answers.
    private func metadata(_ request: HTTPRequest) -> HTTPResponse {
        var response: HTTPResponse
        if request.header("metadata-flavor") != "Google" {
            response = HTTPResponse(status: 403, body: Array("Missing required header: Metadata-Flavor".utf8))
        } else if request.path == "/" {
            response = HTTPResponse(status: 200, body: Array("computeMetadata/\n".utf8))
        } else if request.path.hasSuffix("/service-accounts/default/token") {
            response = .json(200, ["access_token": "compute-emulator-vm-token", "expires_in": 3599, "token_type": "Bearer"])
        } else if request.path.hasSuffix("/service-accounts/default/") || request.path.hasSuffix("/service-accounts/default") {
            response = .json(200, ["email": "emulated@developer.gserviceaccount.com", "scopes": ["https://www.googleapis.com/auth/cloud-platform"]])
        } else {
            response = HTTPResponse(status: 404, body: Array("Not Found".utf8))
        }
        response.setHeader("Metadata-Flavor", "Google")
        return response
    }

    /// `GET /_emulator/requests`, `POST /_emulator/faults` (a ``FaultPlan`` as JSON), `POST /_emulator/reset-log`.
    private func control(_ request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/_emulator/requests"):
            return .json(200, .array(log.all.map(\.json)))
        case ("POST", "/_emulator/faults"):
            do {
                let plan = try JSONDecoder().decode(FaultPlan.self, from: Data(request.body))
                faults.withLock { $0 = plan }
                return HTTPResponse(status: 204)
            } catch {
                return .json(400, ComputeError.invalid("bad fault plan: \(error)").body)
            }
        case ("POST", "/_emulator/reset-log"):
            log.clear()
            return HTTPResponse(status: 204)
        default:
            return .json(404, ComputeError.notFound(request.path).body)
        }
    }

    private func record(_ request: HTTPRequest, status: Int, started: UInt64, fault: FaultRule?) {
        let elapsed = Int((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
        let body = request.body.isEmpty ? nil : try? JSON.parse(request.body)
        log.append { seq in
            LoggedRequest(
                seq: seq, method: request.method, path: request.path, query: request.rawQuery, apiVersion: nil, status: status,
                requestID: request.query["requestid"] ?? "", durationMs: elapsed, fault: fault?.action.rawValue, body: body)
        }
    }
}
