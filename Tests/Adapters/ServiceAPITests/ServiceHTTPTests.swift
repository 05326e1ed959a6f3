import CurlTransport
import FileStateStore
import Foundation
import Hummingbird
import Logging
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import ReconcileService
import ServiceAPI
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// An instant tests move by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The service over the Azure seed (an in-memory world, the real file state store) behind its real HTTP API on a
/// loopback port, reached with libcurl. The loop is driven by hand (`tick`), the clock is injected.
final class APIBed: Sendable {
    let clock = TestClock()
    let world = InMemoryProvider(types: [
        "azure.resourceGroup", "azure.virtualNetwork", "azure.networkSecurityGroup", "azure.networkInterface",
        "azure.virtualMachine", "azure.loadBalancer", "azure.privateLinkService", "azure.nicBackendPoolAssociation",
        "kafka.brokerConfig",
    ])
    let manifests: URL
    let service: ReconcileService<ContinuousClock>
    let metrics = ServiceMetrics()
    let token = "token-0123456789abcdef"
    let hook = WebhookReceiver(name: "ci", kind: .generic, secret: "hook-secret-0123456789")
    let http = CurlTransport()
    let group: ServiceGroup
    let running: Task<Void, any Error>
    let base: String

    init(tokenForReads: Bool = false, rateLimit: (Int, Int) = (5, 12)) async throws {
        manifests = try Repo.copyExample("azure-private-link")
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("api-state-\(UUID().uuidString)")
        let clock = self.clock, world = self.world
        let reconciler = Reconciler(
            providers: ProviderClosure { _, _ in [world] }, store: FileStateStore(directory: state), clock: ContinuousClock(), now: { clock.now })
        service = ReconcileService(
            reconciler: reconciler, source: DirectorySource(directory: manifests.path), observers: [metrics], now: { clock.now }, random: { 0.5 })
        let api = ServiceAPI(
            service: service, metrics: metrics,
            settings: .init(token: token, tokenForReads: tokenForReads, webhooks: [hook], healthyWithin: 180, rateLimit: rateLimit),
            storeReachable: { nil }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), now: { clock.now })
        let port = Mutex<Int?>(nil)
        let application = Application(
            router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(services: [application], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        self.group = group
        running = Task { try await group.run() }
        for _ in 0..<400 where port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        guard let bound = port.withLock({ $0 }) else { throw ServiceAPIError("the API did not start listening") }
        base = "http://127.0.0.1:\(bound)"
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    func call(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> (status: Int, text: String, headers: ProviderAPI.HTTPResponse) {
        let response = try await http.send(ProviderAPI.HTTPRequest(method: method, url: base + path, headers: headers, body: body, timeout: 10))
        return (response.status, String(decoding: response.body, as: UTF8.self), response)
    }

    func json(_ path: String, headers: [(String, String)] = []) async throws -> [String: Any] {
        let (status, text, _) = try await call("GET", path, headers: headers)
        #expect(status == 200, "\(path): \(status) \(text)")
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    var bearer: [(String, String)] { [("Authorization", "Bearer \(token)")] }
}

@Suite("reconcile serve's HTTP API over a real loopback socket (Hummingbird, libcurl)", .serialized)
struct ServiceHTTPTests {
    @Test("healthz follows the loop's ticks; readyz needs a loaded revision; status, conditions and the plan in --output json's schema")
    func statusEndpoints() async throws {
        let bed = try await APIBed()
        defer { Task { await bed.stop() } }
        #expect(try await bed.call("GET", "/healthz").status == 503, "no tick yet")
        #expect(try await bed.call("GET", "/readyz").status == 503, "no revision yet")
        await bed.service.tick()
        #expect(try await bed.call("GET", "/healthz").status == 200)
        let ready = try await bed.json("/readyz")
        #expect((ready["message"] as? String)?.hasPrefix("revision dir@fnv1a:") == true)

        let list = try await bed.call("GET", "/api/v1/clusters")
        let clusters = try JSONSerialization.jsonObject(with: Data(list.text.utf8)) as? [[String: Any]]
        #expect(clusters?.map { $0["name"] as? String } == ["tidb-kafka"])
        let status = try await bed.json("/api/v1/clusters/tidb-kafka")
        #expect(status["result"] as? String == "succeeded")
        #expect((status["revision"] as? String)?.hasPrefix("dir@fnv1a:") == true)
        let conditions = (status["conditions"] as? [[String: Any]] ?? []).reduce(into: [String: Bool]()) { $0[$1["type"] as? String ?? ""] = $1["status"] as? Bool }
        #expect(conditions == ["Ready": true, "Reconciling": false, "Suspended": false, "WaitingForWindow": false])
        #expect(status["nextPass"] as? String == "2027-01-15T08:05:00.000Z", "the interval (5 m) after the pass, no jitter at the middle draw")

        let plan = try await bed.json("/api/v1/clusters/tidb-kafka/plan")
        #expect(plan["format_version"] as? String == "1.2")
        #expect((plan["changes"] as? [Any])?.isEmpty == false, "the applied pass planned the seed")
        #expect(try await bed.call("GET", "/api/v1/clusters/nope").status == 404)

        bed.clock.advance(200)
        #expect(try await bed.call("GET", "/healthz").status == 503, "the loop has not ticked for 200 s (> 180 s)")
    }

    @Test("Mutating calls need the bearer token (401 without, 202 with); suspend and resume show in the status; 404 for an unknown cluster")
    func mutatingCalls() async throws {
        let bed = try await APIBed()
        defer { Task { await bed.stop() } }
        await bed.service.tick()
        let denied = try await bed.call("POST", "/api/v1/clusters/tidb-kafka/suspend")
        #expect(denied.status == 401)
        #expect(denied.headers.header("WWW-Authenticate") == "Bearer")
        #expect(try await bed.call("POST", "/api/v1/clusters/tidb-kafka/suspend", headers: [("Authorization", "Bearer wrong-token-0000000000")]).status == 401)
        #expect(try await bed.call("POST", "/api/v1/clusters/tidb-kafka/suspend", headers: bed.bearer).status == 202)
        var status = try await bed.json("/api/v1/clusters/tidb-kafka")
        #expect(status["suspended"] as? Bool == true && status["nextPass"] == nil)
        #expect(try await bed.call("POST", "/api/v1/clusters/tidb-kafka/resume", headers: bed.bearer).status == 202)
        status = try await bed.json("/api/v1/clusters/tidb-kafka")
        #expect(status["suspended"] as? Bool == false)
        let passes = status["passes"] as? Int
        #expect(try await bed.call("POST", "/api/v1/clusters/tidb-kafka/reconcile", headers: bed.bearer).status == 202)
        await bed.service.tick()
        #expect(try await bed.json("/api/v1/clusters/tidb-kafka")["passes"] as? Int == (passes ?? 0) + 1, "the request ran a pass at once")
        #expect(try await bed.call("POST", "/api/v1/clusters/nope/reconcile", headers: bed.bearer).status == 404)
    }

    @Test("Off loopback (tokenForReads) every read but healthz and readyz needs the token too")
    func readsNeedTokenOffLoopback() async throws {
        let bed = try await APIBed(tokenForReads: true)
        defer { Task { await bed.stop() } }
        await bed.service.tick()
        #expect(try await bed.call("GET", "/api/v1/clusters").status == 401)
        #expect(try await bed.call("GET", "/metrics").status == 401)
        #expect(try await bed.call("GET", "/api/v1/clusters", headers: bed.bearer).status == 200)
        #expect(try await bed.call("GET", "/healthz").status == 200)
        #expect(try await bed.call("GET", "/readyz").status == 200)
    }

    @Test("A webhook with a bad signature is 401 and triggers nothing; a good one is 202 and runs a pass; beyond the burst, 429 with Retry-After")
    func webhooks() async throws {
        let bed = try await APIBed(rateLimit: (2, 1))
        defer { Task { await bed.stop() } }
        await bed.service.tick()
        let passes = try await bed.json("/api/v1/clusters/tidb-kafka")["passes"] as? Int ?? 0
        let body = Array(#"{"ref":"refs/heads/main"}"#.utf8)
        let bad = try await bed.call("POST", bed.hook.path, headers: [("X-Signature", "sha256=" + String(repeating: "0", count: 64))], body: body)
        #expect(bad.status == 401)
        await bed.service.tick()
        #expect(try await bed.json("/api/v1/clusters/tidb-kafka")["passes"] as? Int == passes, "a rejected hook triggers nothing")
        #expect(try await bed.call("POST", "/hook/" + String(repeating: "a", count: 64), body: body).status == 404)

        let signature = "sha256=" + WebhookReceiver.hmac(body, secret: bed.hook.secret)
        #expect(try await bed.call("POST", bed.hook.path, headers: [("X-Signature", signature)], body: body).status == 202)
        await bed.service.tick()
        #expect(try await bed.json("/api/v1/clusters/tidb-kafka")["passes"] as? Int == passes + 1, "the hook ran a pass")
        let limited = try await bed.call("POST", bed.hook.path, headers: [("X-Signature", signature)], body: body)
        #expect(limited.status == 429, "a burst of 2 (the bad delivery counts too): the third is limited")
        #expect(limited.headers.header("Retry-After").flatMap(Int.init).map { $0 > 0 } == true)
    }

    @Test("/metrics: the service's metrics in Prometheus' text format, accepted by promtool check metrics")
    func metrics() async throws {
        let bed = try await APIBed()
        defer { Task { await bed.stop() } }
        await bed.service.tick()
        let (status, text, response) = try await bed.call("GET", "/metrics")
        #expect(status == 200)
        #expect(response.header("Content-Type")?.hasPrefix("text/plain; version=0.0.4") == true)
        #expect(text.contains(#"reconcile_passes_total{cluster="tidb-kafka",result="succeeded"} 1"#), "\(text)")
        #expect(text.contains(#"reconcile_pass_duration_seconds_count{cluster="tidb-kafka",result="succeeded"} 1"#))
        #expect(text.contains(#"reconcile_cluster_info{cluster="tidb-kafka",revision="dir@fnv1a:"#))
        #expect(text.contains(#"reconcile_pending_changes{cluster="tidb-kafka",disruption="broker_restart"} 0"#))
        #expect(text.contains("# HELP reconcile_passes_total "))
        #expect(text.contains(#"reconcile_broker_restarts_total{cluster="tidb-kafka"} 3"#), "\(text)")
        try Promtool.check(text)
    }
}

/// `promtool check metrics` (Debian's `prometheus` package): the exposition parses and passes its lint.
enum Promtool {
    static func check(_ exposition: String) throws {
        let candidates = ["/usr/bin/promtool", "/usr/local/bin/promtool"]
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("promtool is not installed (Debian's prometheus package; scripts/setup.sh installs it): the metrics were not checked")
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(exposition.utf8))
        try input.fileHandleForWriting.close()
        let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "promtool check metrics: \(said)\n---\n\(exposition)")
    }
}
