import Foundation
import Scheduling
import Testing

/// `reconcile serve`'s scheduling decisions, driven by injected instants.
@Suite("Pass schedule: interval with jitter, triggers, backoff, one pass per cluster")
struct PassScheduleTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    @Test("new clusters are due at once; after a success the next pass is the interval away, jittered within ±10 %")
    func interval() {
        var s = PassSchedule()
        s.track(["b", "a"], at: Self.t0)
        #expect(s.due(at: Self.t0) == ["a", "b"])
        #expect(s.started("a") == .started)
        #expect(s.due(at: Self.t0) == ["b"], "a running cluster is not due again")
        s.finished("a", succeeded: true, at: Self.at(10), unit: 0.5)
        #expect(s.clusters["a"]?.nextDue == Self.at(310))
        s.started("b")
        s.finished("b", succeeded: true, at: Self.at(10), unit: 0)
        #expect(s.clusters["b"]?.nextDue == Self.at(280), "-10 %")
        var high = PassSchedule()
        high.track(["c"], at: Self.t0)
        high.started("c")
        high.finished("c", succeeded: true, at: Self.t0, unit: 0.999_999)
        #expect(abs(high.clusters["c"]!.nextDue.timeIntervalSince(Self.t0) - 330) < 0.01, "+10 %")
        #expect(s.due(at: Self.at(279)).isEmpty)
        #expect(s.due(at: Self.at(310)) == ["b", "a"], "oldest due first")
        #expect(s.nextWake == Self.at(280))
    }

    @Test("failures back off 5 s, 10 s, 20 s ... at most 3 minutes; a success resets")
    func backoff() {
        var s = PassSchedule()
        s.track(["a"], at: Self.t0)
        var now = Self.t0
        var waits: [TimeInterval] = []
        for _ in 0..<8 {
            s.started("a")
            s.finished("a", succeeded: false, at: now, unit: 0.5)
            let next = s.clusters["a"]!.nextDue
            waits.append(next.timeIntervalSince(now))
            #expect(s.clusters["a"]?.reason == .retry)
            now = next
        }
        #expect(waits == [5, 10, 20, 40, 80, 160, 180, 180])
        s.started("a")
        s.finished("a", succeeded: true, at: now, unit: 0.5)
        #expect(s.clusters["a"]?.failures == 0 && s.clusters["a"]?.reason == .interval)
    }

    @Test("a trigger during a pass runs right after it, once; a trigger while idle makes the cluster due now")
    func triggers() {
        var s = PassSchedule()
        s.track(["a"], at: Self.t0)
        s.started("a")
        s.trigger("a", .revision, at: Self.at(1))
        s.trigger("a", .webhook, at: Self.at(2))
        #expect(s.due(at: Self.at(2)).isEmpty, "never two passes of one cluster")
        s.finished("a", succeeded: false, at: Self.at(3), unit: 0.5)
        #expect(s.due(at: Self.at(3)) == ["a"])
        #expect(s.started("a") == .revision, "the first trigger kept, once")
        s.finished("a", succeeded: true, at: Self.at(4), unit: 0.5)
        #expect(s.due(at: Self.at(5)).isEmpty)
        s.trigger("a", .request, at: Self.at(6))
        #expect(s.due(at: Self.at(6)) == ["a"] && s.clusters["a"]?.reason == .request)
    }

    @Test("suspended clusters are never due; resuming makes them due with the trigger kept meanwhile")
    func suspend() {
        var s = PassSchedule()
        s.track(["a", "b"], at: Self.t0)
        s.setSuspended("a", true, at: Self.t0)
        #expect(s.due(at: Self.t0) == ["b"])
        s.trigger("a", .webhook, at: Self.at(1))
        #expect(s.due(at: Self.at(1)) == ["b"])
        s.setSuspended("a", false, at: Self.at(2))
        #expect(s.due(at: Self.at(2)) == ["b", "a"], "b has waited longer")
        #expect(s.clusters["a"]?.reason == .webhook)
    }

    @Test("the parallelism bound limits what is due; clusters that left the manifests are dropped unless running")
    func boundAndTracking() {
        var s = PassSchedule()
        s.track(["a", "b", "c"], at: Self.t0)
        #expect(s.due(at: Self.t0, limit: 2) == ["a", "b"])
        s.started("a")
        s.track(["b"], at: Self.t0)
        #expect(Set(s.clusters.keys) == ["a", "b"], "a is running: kept until it finishes")
    }
}
