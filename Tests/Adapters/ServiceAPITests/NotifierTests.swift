import CurlTransport
import Execution
import Foundation
import Hummingbird
import Logging
import ReconcileEngine
import ReconcileModel
import ReconcileService
import ServiceAPI
import ServiceLifecycle
import Synchronization
import Testing

/// A webhook endpoint on loopback (Hummingbird) that records what it receives and answers 500 to the first
/// `failures` deliveries.
final class Receiver: Sendable {
    final class Log: Sendable {
        let items = Mutex<[(path: String, body: String)]>([])
        let failed = Mutex(0)
    }
    let log = Log()
    let group: ServiceGroup
    let running: Task<Void, any Error>
    let base: String

    init(failures: Int) async throws {
        let log = self.log
        let router = Router()
        router.post("/:name") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let fail = log.failed.withLock { n -> Bool in
                defer { n += 1 }
                return n < failures
            }
            if fail { return Response(status: .internalServerError) }
            log.items.withLock { $0.append(("/" + (context.parameters.get("name") ?? ""), String(buffer: body))) }
            return Response(status: .noContent)
        }
        let port = Mutex<Int?>(nil)
        let quiet = Logger(label: "receiver", factory: { _ in SwiftLogNoOpLogHandler() })
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: quiet)
        let group = ServiceGroup(services: [app], logger: quiet)
        self.group = group
        running = Task { try await group.run() }
        for _ in 0..<400 where port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
        base = "http://127.0.0.1:\(port.withLock { $0 } ?? 0)"
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }
}

@Suite("Notifications: which events a pass calls for, and their delivery over real HTTP")
struct NotifierTests {
    static let lb = ResourceAddress(cluster: "tidb-kafka", type: "azure.loadBalancer", name: "kafka-lb")
    static let broker = ResourceAddress(cluster: "tidb-kafka", type: "kafka.brokerConfig", name: "2")

    static func result(drift: Bool = false, failed: Bool = false, halted: Bool = false, held: Bool = false) -> PassResult {
        var result = PassResult(passID: "pass-1")
        var plan = Plan()
        if drift { plan.drift = [lb] }
        let restart = Change(address: broker, action: .restartBroker, reason: .configChanged)
        if held { plan.held = [.init(change: restart, reason: "waiting for window: outside every allow window; next opening 2027-01-16T02:00:00Z")] }
        result.plan = plan
        var report = ApplyReport()
        if failed { report.failed[lb.description + "#update"] = "ARM said 409 Conflict" }
        if halted { report.skipped[restart.id] = ["roll halted: broker 1 did not come back within 300 s"] }
        if failed || halted { result.apply = report }
        return result
    }

    @Test("drift, a failed pass, a halted roll and a change held by a window each make one event; a clean pass none")
    func events() {
        #expect(Notifier.events(cluster: "tidb-kafka", result: Self.result(), revision: "r").isEmpty)
        let all = Notifier.events(cluster: "tidb-kafka", result: Self.result(drift: true, failed: true, halted: true, held: true), revision: "main@sha1:abc")
        #expect(all.map(\.kind) == ["drift_detected", "pass_failed", "roll_halted", "change_held"])
        #expect(all.allSatisfy { $0.revision == "main@sha1:abc" && $0.passID == "pass-1" && $0.cluster == "tidb-kafka" })
        #expect(all[0].details == ["tidb-kafka/azure.loadBalancer/kafka-lb"])
        #expect(all[2].message.contains("broker 1 did not come back"))
        #expect(all[3].details.first?.contains("next opening 2027-01-16T02:00:00Z") == true)
    }

    @Test("Delivered as JSON and Slack text to every target, retried after a 500, not repeated while the event stays the same")
    func delivery() async throws {
        let receiver = try await Receiver(failures: 1)
        defer { Task { await receiver.stop() } }
        let notifier = Notifier(
            targets: [.init(url: receiver.base + "/generic", format: .json), .init(url: receiver.base + "/slack", format: .slack)],
            transport: CurlTransport(), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            retryDelays: [.milliseconds(10), .milliseconds(10)])
        var status = ClusterStatus(name: "tidb-kafka")
        status.revision = "main@sha1:abc"
        await notifier.passFinished(cluster: "tidb-kafka", result: Self.result(drift: true), status: status, seconds: 1)
        await notifier.drain()
        let got = receiver.log.items.withLock { $0 }
        #expect(got.count == 2, "both targets, one of them after a retry: \(got)")
        let generic = try #require(got.first { $0.path == "/generic" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(generic.body.utf8)) as? [String: Any])
        #expect(json["kind"] as? String == "drift_detected" && json["revision"] as? String == "main@sha1:abc" && json["passID"] as? String == "pass-1")
        let slack = try #require(got.first { $0.path == "/slack" })
        let text = try #require((try JSONSerialization.jsonObject(with: Data(slack.body.utf8)) as? [String: Any])?["text"] as? String)
        #expect(text.hasPrefix("*drift detected*: 1 resource(s) of tidb-kafka drifted"), "\(text)")

        await notifier.passFinished(cluster: "tidb-kafka", result: Self.result(drift: true), status: status, seconds: 1)
        await notifier.drain()
        #expect(receiver.log.items.withLock { $0.count } == 2, "the same drift again is not sent again")
    }
}
