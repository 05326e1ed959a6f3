import RollingRestart
import Testing

/// The caller contract, one call at a time: snapshot freshness, progress for the journal, misuse.
@Suite("Rolling restart machine: caller contract")
struct MachineProtocolTests {
    private let healthy = HealthFixtures.healthy()

    private func machine(brokers: [Int] = [1, 2, 3], alreadyRestarted: Set<Int> = []) -> RollingRestartMachine {
        RollingRestartMachine(
            brokers: brokers, controllers: [1, 2, 3], alreadyRestarted: alreadyRestarted, policy: GatePolicy(),
            expectedBrokers: [1, 2, 3], expectedExternal: HealthFixtures.external,
            timeouts: RollTimeouts(preGate: .seconds(10), postRestart: .seconds(10), poll: .seconds(1)))
    }

    @Test("A snapshot the machine did not ask for is ignored; the one it asked for decides")
    func freshness() {
        var m = machine()
        #expect(m.next(now: .zero, health: healthy) == .readHealth)
        guard case .restart(2, let reason) = m.next(now: .zero, health: healthy) else {
            Issue.record("expected restart of 2")
            return
        }
        #expect(reason == "controller 2 is not the active controller (the active controller is 1)")
        // A snapshot from before the restart is never used to verify it.
        m.restartCompleted(broker: 2, now: .seconds(1))
        #expect(m.next(now: .seconds(1), health: healthy) == .readHealth)
        #expect(m.next(now: .seconds(1), health: healthy) == .readHealth)
    }

    @Test("Progress for journaling: phase, current and completed follow each step")
    func progress() {
        var m = machine(brokers: [2])
        #expect(m.phase == .gating(candidate: nil) && m.current == nil && m.pending == [2])
        _ = m.next(now: .zero, health: nil)
        let reason = "controller 2 is not the active controller (the active controller is 1)"
        #expect(m.next(now: .zero, health: healthy) == .restart(broker: 2, reason: reason))
        #expect(m.phase == .restarting(broker: 2) && m.current == 2)
        #expect(m.next(now: .seconds(1), health: nil)
            == .wait(until: .seconds(2), broker: 2, waitingFor: ["the restart command for broker 2 to report back"]))
        m.restartCompleted(broker: 2, now: .seconds(3))
        #expect(m.phase == .verifying(broker: 2))
        #expect(m.next(now: .seconds(3), health: nil) == .readHealth)
        var down = HealthFixtures.down(2, in: healthy)
        down.metadataSource = 1
        guard case .wait(let until, 2, let waitingFor) = m.next(now: .seconds(3), health: down) else {
            Issue.record("expected a wait on broker 2")
            return
        }
        #expect(until == .seconds(4))
        #expect(waitingFor.first == "answers ApiVersions: broker 2 does not answer ApiVersions on INTERNAL")
        // After a wait the caller may bring the snapshot it read straight away.
        #expect(m.next(now: .seconds(4), health: healthy) == .finished(restarted: [2]))
        #expect(m.completed == [2] && m.current == nil && m.phase == .finished && m.pending.isEmpty)
    }

    @Test("Waits never overshoot the deadline, and the deadline halts")
    func postDeadline() {
        var m = machine(brokers: [2])
        _ = m.next(now: .zero, health: nil)
        _ = m.next(now: .zero, health: healthy)
        m.restartCompleted(broker: 2, now: .milliseconds(500))
        _ = m.next(now: .seconds(10), health: nil)
        let down = HealthFixtures.down(2, in: healthy)
        #expect(m.next(now: .seconds(10), health: down)
            == .wait(until: .milliseconds(10_500), broker: 2, waitingFor: Gates.postRestart(
                node: 2, health: down, policy: GatePolicy(), expectedExternal: HealthFixtures.external,
                isController: true).waitingFor))
        guard case .halt(2, let reason) = m.next(now: .milliseconds(10_500), health: down) else {
            Issue.record("expected a halt at the deadline")
            return
        }
        #expect(reason.hasPrefix("broker 2 did not pass its post-restart checks within 10.0 seconds; no other broker"))
    }

    @Test("Nothing to restart finishes without reading health")
    func nothingToDo() {
        var empty = machine(brokers: [])
        #expect(empty.next(now: .zero, health: nil) == .finished(restarted: []))
        var done = machine(brokers: [1, 2, 2, 3], alreadyRestarted: [1, 2, 3])
        #expect(done.brokers == [1, 2, 3])
        #expect(done.next(now: .zero, health: nil) == .finished(restarted: []))
    }

    @Test("Reporting a restart the machine did not ask for halts it; after a halt, reports change nothing")
    func misuse() {
        var m = machine()
        _ = m.next(now: .zero, health: nil)
        _ = m.next(now: .zero, health: healthy)
        m.restartCompleted(broker: 3, now: .seconds(1))
        guard case .halted(2, let reason) = m.phase else {
            Issue.record("expected halted, got \(m.phase)")
            return
        }
        #expect(reason == "restartCompleted(broker: 3) while restarting broker 2; stopping the roll")
        m.restartFailed(broker: 2, error: "late", now: .seconds(2))
        m.restartCompleted(broker: 2, now: .seconds(2))
        #expect(m.next(now: .seconds(3), health: healthy) == .halt(broker: 2, reason: reason))
    }
}
