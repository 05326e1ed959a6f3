public import Foundation
public import Hummingbird
public import Logging
import ReconcileModel
import PlanRendering
public import ReconcileService
import Synchronization

/// `reconcile serve`'s HTTP API on Hummingbird.
///
/// - `GET /healthz`: 200 while the loop's last tick is recent (`healthyWithin`), else 503.
/// - `GET /readyz`: 200 when a good revision is loaded and the state store answers, else 503 with the reason.
/// - `GET /metrics`: Prometheus' text format.
/// - `GET /api/v1/clusters`, `GET /api/v1/clusters/{name}`: status (`ClusterStatus` without the plan);
///   `GET /api/v1/clusters/{name}/plan`: the last plan, in `--output json`'s schema (docs/plan-json.md).
/// - `POST /api/v1/clusters/{name}/reconcile`, `.../suspend`, `.../resume`: 202, or 404 for an unknown cluster.
/// - `POST /hook/{id}`: a webhook (`WebhookReceiver`): 202 when verified (the source is read and every cluster
///   reconciled), 200 for a verified event that asks for nothing, 401 when not verified (nothing happens), 404 for
///   an unknown id, 429 with `Retry-After` beyond the rate limit.
///
/// Authorization: `Authorization: Bearer <token>` is required for every POST under `/api`, and for every
/// request but `/healthz`, `/readyz` and the hooks when `tokenForReads` (a listen address that is not loopback).
/// Tokens are compared in constant time; a missing or wrong one is 401 with `WWW-Authenticate: Bearer`.
public struct ServiceAPI<C: Clock>: Sendable where C.Duration == Duration {
    public struct Settings: Sendable {
        public var token: String?
        public var tokenForReads: Bool
        public var webhooks: [WebhookReceiver]
        /// `/healthz` fails when the loop has not ticked for this long.
        public var healthyWithin: TimeInterval
        public var rateLimit: (burst: Int, perMinute: Int)

        public init(token: String?, tokenForReads: Bool = false, webhooks: [WebhookReceiver] = [], healthyWithin: TimeInterval = 180,
                    rateLimit: (burst: Int, perMinute: Int) = (5, 12)) {
            self.token = token
            self.tokenForReads = tokenForReads
            self.webhooks = webhooks
            self.healthyWithin = healthyWithin
            self.rateLimit = rateLimit
        }
    }

    let service: ReconcileService<C>
    let metrics: ServiceMetrics
    let settings: Settings
    let storeReachable: @Sendable () async -> String?
    let now: @Sendable () -> Date
    let limiter: Limiter
    let logger: Logger

    /// - Parameter storeReachable: nil when the state store answers, else why not.
    public init(
        service: ReconcileService<C>, metrics: ServiceMetrics, settings: Settings, storeReachable: @escaping @Sendable () async -> String?,
        logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.service = service
        self.metrics = metrics
        self.settings = settings
        self.storeReachable = storeReachable
        self.logger = logger
        self.now = now
        limiter = Limiter(RateLimiter(burst: settings.rateLimit.burst, perMinute: settings.rateLimit.perMinute))
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        let api = self
        router.get("/healthz") { _, _ in await api.healthz() }
        router.get("/readyz") { _, _ in await api.readyz() }
        router.get("/metrics") { request, _ in
            if let denied = api.deny(request, write: false) { return denied }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: api.metrics.exposition())))
        }
        router.get("/api/v1/clusters") { request, _ in
            if let denied = api.deny(request, write: false) { return denied }
            return Self.json(await api.service.status().map(StatusDocument.init))
        }
        router.get("/api/v1/clusters/:name") { request, context in
            if let denied = api.deny(request, write: false) { return denied }
            let name = context.parameters.get("name") ?? ""
            guard let status = await api.service.status(of: name) else { return Self.notFound(name) }
            return Self.json(StatusDocument(status))
        }
        router.get("/api/v1/clusters/:name/plan") { request, context in
            if let denied = api.deny(request, write: false) { return denied }
            let name = context.parameters.get("name") ?? ""
            guard let status = await api.service.status(of: name) else { return Self.notFound(name) }
            guard let plan = status.plan else { return Self.error(.notFound, "cluster \(name) has no plan yet: no pass has run") }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: JSONPlanRenderer().render(plan) + "\n")))
        }
        for verb in ["reconcile", "suspend", "resume"] {
            router.post("/api/v1/clusters/:name/\(verb)") { request, context in
                if let denied = api.deny(request, write: true) { return denied }
                let name = context.parameters.get("name") ?? ""
                let known: Bool
                switch verb {
                case "reconcile": known = await api.service.requestReconcile(name)
                case "suspend": known = await api.service.setSuspended(name, true)
                default: known = await api.service.setSuspended(name, false)
                }
                guard known else { return Self.notFound(name) }
                api.logger.notice("\(verb) requested through the API", metadata: ["cluster": "\(name)"])
                return Self.json(["cluster": name, "accepted": verb], status: .accepted)
            }
        }
        router.post("/hook/:id") { request, context in
            let body = try await request.body.collect(upTo: 1 << 20)
            return await api.hook(id: context.parameters.get("id") ?? "", headers: request.headers, body: Array(buffer: body))
        }
        return router
    }

    func healthz() async -> Response {
        guard let last = await service.lastTick else { return Self.json(["status": "starting"], status: .serviceUnavailable) }
        let age = now().timeIntervalSince(last)
        guard age <= settings.healthyWithin else {
            return Self.json(["status": "stale", "message": "the loop last ticked \(Int(age)) s ago"], status: .serviceUnavailable)
        }
        return Self.json(["status": "ok"])
    }

    func readyz() async -> Response {
        let readiness = await service.readiness
        guard readiness.ready else { return Self.json(["status": "not ready", "message": readiness.reason], status: .serviceUnavailable) }
        if let problem = await storeReachable() {
            return Self.json(["status": "not ready", "message": "the state store does not answer: \(problem)"], status: .serviceUnavailable)
        }
        return Self.json(["status": "ready", "message": readiness.reason])
    }

    func hook(id: String, headers: HTTPFields, body: [UInt8]) async -> Response {
        guard let receiver = settings.webhooks.first(where: { WebhookReceiver.constantTimeEqual(Array($0.id.utf8), Array(id.utf8)) }) else {
            return Self.error(.notFound, "no such hook")
        }
        if let wait = limiter.take(receiver.id, at: now()) {
            var response = Self.error(.tooManyRequests, "webhook \(receiver.name) is rate limited")
            response.headers[.retryAfter] = "\(Int(wait.rounded(.up)))"
            return response
        }
        var fields: [String: String] = [:]
        for field in headers { fields[field.name.canonicalName] = field.value }
        switch receiver.verify(headers: fields, body: body) {
        case .reject(let why):
            logger.warning("webhook rejected", metadata: ["webhook": "\(receiver.name)", "reason": "\(why)"])
            var response = Self.error(.unauthorized, "signature not verified")
            response.headers[.wwwAuthenticate] = "HMAC"
            return response
        case .ignore(let why):
            return Self.json(["webhook": receiver.name, "ignored": why])
        case .trigger:
            logger.notice("webhook received: reading the source and reconciling", metadata: ["webhook": "\(receiver.name)"])
            await service.webhookReceived()
            return Self.json(["webhook": receiver.name, "accepted": "reconcile"], status: .accepted)
        }
    }

    /// 401 when the request needs the token and lacks it.
    func deny(_ request: Request, write: Bool) -> Response? {
        guard write || settings.tokenForReads else { return nil }
        guard let token = settings.token else {
            return Self.error(.forbidden, "this server has no token (--token-file), so it takes no mutating calls")
        }
        let given = request.headers[.authorization] ?? ""
        let expected = "Bearer " + token
        if WebhookReceiver.constantTimeEqual(Array(given.utf8), Array(expected.utf8)) { return nil }
        var response = Self.error(.unauthorized, "a bearer token is required")
        response.headers[.wwwAuthenticate] = "Bearer"
        return response
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // RFC 3339 with milliseconds (pass durations and webhook latencies are read from these).
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
        }
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data + Data("\n".utf8))))
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response { json(["error": message], status: status) }

    static func notFound(_ name: String) -> Response { error(.notFound, "no cluster named \(name) in the manifests") }
}

/// A cluster's status as the API shows it (everything but the plan, which has its own endpoint).
public struct StatusDocument: Codable, Sendable {
    public var name: String
    public var revision: String?
    public var lastPassStarted: Date?
    public var lastPassFinished: Date?
    public var lastPassID: String?
    public var lastSuccess: Date?
    public var result: String?
    public var lastError: String?
    public var conditions: [ClusterStatus.Condition]
    /// Changes not applied because they are held, by disruption class.
    public var pending: [String: Int]
    public var drifted: Int
    public var nextPass: Date?
    public var suspended: Bool
    public var interruptedRoll: String?
    public var passes: Int
    /// Each held change with why it waits.
    public var held: [HeldDocument]

    public struct HeldDocument: Codable, Sendable {
        public var address: String
        public var action: String
        public var disruption: String
        public var reason: String
    }

    public init(_ s: ClusterStatus) {
        name = s.name
        revision = s.revision
        lastPassStarted = s.lastPassStarted
        lastPassFinished = s.lastPassFinished
        lastPassID = s.lastPassID
        lastSuccess = s.lastSuccess
        result = s.result
        lastError = s.lastError
        conditions = s.conditions
        pending = s.held
        drifted = s.drifted
        nextPass = s.nextPass
        suspended = s.suspended || s.suspendedByManifest
        interruptedRoll = s.interruptedRoll
        passes = s.passes
        held = (s.plan?.held ?? []).map {
            HeldDocument(address: $0.change.address.description, action: $0.change.action.rawValue, disruption: $0.change.disruption.rawValue, reason: $0.reason)
        }
    }
}

/// The webhooks' rate limiter, shared by the server's connections.
final class Limiter: Sendable {
    private let state: Mutex<RateLimiter>
    init(_ limiter: RateLimiter) { state = Mutex(limiter) }
    func take(_ key: String, at now: Date) -> Double? { state.withLock { $0.take(key, at: now) } }
}
