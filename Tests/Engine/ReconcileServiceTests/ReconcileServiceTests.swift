import Execution
import FileStateStore
import Foundation
import Manifests
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import ReconcileService
import Scheduling
import Synchronization
import Testing
import TestSupport

/// An instant tests move by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// The service over the Azure seed in a manifests directory of its own, an in-memory world and the real file state
/// store; the jitter's draw is fixed at the middle (no spread).
struct ServiceBed {
    let clock: TestClock
    let manifests = FileManager.default.temporaryDirectory.appendingPathComponent("svc-manifests-\(UUID().uuidString)")
    let state = FileManager.default.temporaryDirectory.appendingPathComponent("svc-state-\(UUID().uuidString)")
    /// Every resource type of the Azure seed.
    static let types: Set<String> = [
        "azure.resourceGroup", "azure.virtualNetwork", "azure.networkSecurityGroup", "azure.networkInterface",
        "azure.virtualMachine", "azure.loadBalancer", "azure.privateLinkService", "azure.nicBackendPoolAssociation",
        "kafka.brokerConfig",
    ]
    let world = InMemoryProvider(types: ServiceBed.types)
    let service: ReconcileService<ContinuousClock>

    init(clock: TestClock = TestClock(), observers: [any ServiceObserver] = []) throws {
        self.clock = clock
        _ = try Repo.copyExample("azure-private-link", into: manifests)
        let clock = self.clock
        let world = self.world
        let reconciler = Reconciler(
            providers: ProviderClosure { _, _ in [world] }, store: FileStateStore(directory: state), clock: ContinuousClock(),
            now: { clock.now })
        service = ReconcileService(
            reconciler: reconciler, source: DirectorySource(directory: manifests.path), observers: observers, now: { clock.now }, random: { 0.5 })
    }

    func edit(_ file: String, _ transform: (String) -> String) throws {
        let url = manifests.appendingPathComponent(file)
        try transform(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    var clusterFile: String {
        (try? FileManager.default.contentsOfDirectory(atPath: manifests.path).first {
            (try? String(contentsOf: manifests.appendingPathComponent($0), encoding: .utf8))?.contains("kind: KafkaCluster") == true
        }) ?? "cluster.yaml"
    }
}

@Suite("reconcile serve's loop: source, schedule, passes, status (injected clock)", .serialized)
struct ReconcileServiceTests {
    @Test("the first tick applies the seed; the next pass is the interval away; a converged tick changes nothing")
    func firstTickAndInterval() async throws {
        let bed = try ServiceBed()
        #expect(await bed.service.readiness.ready == false)
        await bed.service.tick()
        let status = try #require(await bed.service.status(of: "tidb-kafka"))
        #expect(status.result == "succeeded", "\(status.lastError ?? "")")
        #expect(status.revision?.hasPrefix("dir@fnv1a:") == true)
        #expect(status.nextPass == bed.clock.now.addingTimeInterval(300))
        #expect(status.conditions.first { $0.type == "Ready" }?.status == true)
        #expect(await bed.service.readiness.ready)
        let applied = bed.world.calls.count
        #expect(applied == 17)
        bed.clock.advance(60)
        await bed.service.tick()
        #expect(bed.world.calls.count == applied, "nothing due before the interval")
        #expect(await bed.service.status(of: "tidb-kafka")?.passes == 1)
        bed.clock.advance(240)
        await bed.service.tick()
        #expect(await bed.service.status(of: "tidb-kafka")?.passes == 2)
        #expect(bed.world.calls.count == applied, "a converged pass applies nothing")
    }

    @Test("a revision that does not validate is not applied: Stalled with file:line:col, the last good one stays; a fixed one is applied at once")
    func badRevision() async throws {
        let bed = try ServiceBed()
        await bed.service.tick()
        let good = await bed.service.currentRevision
        try bed.edit(bed.clusterFile) { $0.replacing("kafkaVersion:", with: "kafkaVersoin:") }
        bed.clock.advance(1)
        await bed.service.tick()
        let status = try #require(await bed.service.status(of: "tidb-kafka"))
        let stalled = try #require(status.conditions.first { $0.type == "Stalled" })
        #expect(stalled.status && stalled.message.contains("is not applied (the last good one stays in force)"), "\(stalled.message)")
        #expect(stalled.message.contains("\(bed.clusterFile):"), "\(stalled.message)")
        #expect(await bed.service.currentRevision == good)
        #expect(status.passes == 1, "no pass for a bad revision")
        try bed.edit(bed.clusterFile) { $0.replacing("kafkaVersoin:", with: "kafkaVersion:") + "# reviewed\n" }
        bed.clock.advance(1)
        await bed.service.tick()
        #expect(await bed.service.currentRevision != good)
        #expect(await bed.service.status(of: "tidb-kafka")?.passes == 2, "a new revision triggers a pass at once")
        #expect(await bed.service.status(of: "tidb-kafka")?.conditions.contains { $0.type == "Stalled" } == false)
    }

    @Test("a failed pass backs off 5 s then 10 s; a request runs at once; suspend stops passes until resumed")
    func backoffRequestSuspend() async throws {
        let bed = try ServiceBed()
        let store = FileStateStore(directory: bed.state)
        let lock = try await store.lock(cluster: "tidb-kafka", operation: "someone else")
        await bed.service.tick()
        var status = try #require(await bed.service.status(of: "tidb-kafka"))
        #expect(status.result == "failed" && status.lastError?.contains("lock") == true, "\(status.lastError ?? "")")
        #expect(status.nextPass == bed.clock.now.addingTimeInterval(5))
        bed.clock.advance(5)
        await bed.service.tick()
        status = try #require(await bed.service.status(of: "tidb-kafka"))
        #expect(status.passes == 2 && status.nextPass == bed.clock.now.addingTimeInterval(10))
        try await store.unlock(lock)
        #expect(await bed.service.requestReconcile("tidb-kafka"))
        #expect(await bed.service.requestReconcile("nope") == false)
        await bed.service.tick()
        #expect(await bed.service.status(of: "tidb-kafka")?.result == "succeeded")
        #expect(await bed.service.setSuspended("tidb-kafka", true))
        bed.clock.advance(3600)
        await bed.service.tick()
        status = try #require(await bed.service.status(of: "tidb-kafka"))
        #expect(status.passes == 3 && status.suspended && status.nextPass == nil)
        #expect(status.conditions.first { $0.type == "Suspended" }?.status == true)
        await bed.service.setSuspended("tidb-kafka", false)
        await bed.service.tick()
        #expect(await bed.service.status(of: "tidb-kafka")?.passes == 4)
    }

    @Test("a closed maintenance window: the pass applies what it may, status says WaitingForWindow with the held changes by class")
    func waitingForWindow() async throws {
        let bed = try ServiceBed()
        try bed.edit(bed.clusterFile) { $0 + "  reconcile:\n    windows:\n      - {kind: allow, schedule: \"0 2 * * SAT\", duration: 4h}\n" }
        await bed.service.tick()
        let status = try #require(await bed.service.status(of: "tidb-kafka"))
        #expect(status.result == "held")
        #expect(status.held == ["none": 3, "broker_restart": 3], "\(status.held)")
        let waiting = try #require(status.conditions.first { $0.type == "WaitingForWindow" })
        #expect(waiting.status && waiting.message.contains("next opening"), "\(waiting.message)")
        #expect(!bed.world.calls.contains { $0.action == .restartBroker })
    }

    @Test("a window that closes during a roll: the broker it was on finishes, no other starts; held, WaitingForWindow; the next window resumes the roll")
    func windowClosesDuringRoll() async throws {
        // The clock jumps 4 h (past the window's end) as soon as the first broker's restart has finished.
        let clock = TestClock()
        let bed = try ServiceBed(clock: clock, observers: [ClockJumpAfterFirstRestart(clock: clock, seconds: 4 * 3600)])
        try bed.edit(bed.clusterFile) { $0 + "  reconcile:\n    windows:\n      - {kind: allow, schedule: \"0 2 * * SAT\", duration: 4h}\n" }
        clock.advance(18 * 3600 + 60)  // Saturday 2027-01-16 02:01 UTC: the window is open
        await bed.service.tick()
        #expect(bed.world.calls.filter { $0.action == .restartBroker }.count == 1, "only the broker it was on")
        let status = try #require(await bed.service.status(of: "tidb-kafka"))
        #expect(status.result == "held", "\(String(describing: status.lastError))")
        #expect(status.interruptedRoll?.hasPrefix("waiting for window: outside every allow window; next opening 2027-01-23T02:00:00Z") == true,
                "\(String(describing: status.interruptedRoll))")
        #expect(status.held["broker_restart"] == 2, "\(status.held)")
        #expect(status.conditions.first { $0.type == "WaitingForWindow" }?.status == true)
        #expect(status.nextPass != nil && status.lastError == nil, "not a failure: no backoff")

        // A week later, inside the next window, the interval pass finishes the roll from the journal.
        clock.advance(7 * 24 * 3600 - 4 * 3600)
        await bed.service.tick()
        #expect(bed.world.calls.filter { $0.action == .restartBroker }.count == 3)
        #expect(await bed.service.status(of: "tidb-kafka")?.result == "succeeded")
    }

    @Test("the journal records the revision each step came from; the source is polled every interval ±10%")
    func revisionInJournal() async throws {
        let bed = try ServiceBed()
        await bed.service.tick()
        let revision = try #require(await bed.service.currentRevision)
        let journal = try await FileStateStore(directory: bed.state).journal(cluster: "tidb-kafka")
        #expect(!journal.isEmpty && journal.allSatisfy { $0.revision == revision }, "\(journal.map { String(describing: $0.revision) })")
        #expect(await bed.service.nextSourceRead.map { abs($0.timeIntervalSince(bed.clock.now) - 60) < 0.001 } == true,
                "the middle draw gives no spread: 60 s")
    }
}

/// Moves the clock once, after the first broker restart of a pass has succeeded (a window closing mid-roll).
final class ClockJumpAfterFirstRestart: ServiceObserver {
    let clock: TestClock
    let seconds: TimeInterval
    private let done = Mutex(false)

    init(clock: TestClock, seconds: TimeInterval) {
        self.clock = clock
        self.seconds = seconds
    }

    func passEvent(cluster: String, event: PassEvent) async {
        guard case .applying(let step) = event, case .succeeded(let change) = step, change.action == .restartBroker else { return }
        if done.withLock({ d in defer { d = true }; return !d }) { clock.advance(seconds) }
    }
}
