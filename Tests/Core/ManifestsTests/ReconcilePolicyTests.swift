import Foundation
import Manifests
import ReconcileModel
import Scheduling
import Testing

/// `spec.reconcile` of a KafkaCluster: apply policy, suspension, maintenance windows. A bad window is an error at
/// its location, never a window silently closed (Strimzi's failure mode).
@Suite("KafkaCluster spec.reconcile")
struct ReconcilePolicyTests {
    static func cluster(_ reconcile: String) -> String { validCluster + reconcile }

    @Test("defaults: apply always, not suspended, no window")
    func defaults() throws {
        let result = load([("c.yaml", validCluster)])
        #expect(result.diagnostics.isEmpty)
        let policy = try #require(result.manifests.clusters.first).reconcile
        #expect(policy == .init())
    }

    @Test("a full policy decodes: nonDisruptive, suspended, an allow window in Berlin time and a deny freeze")
    func full() throws {
        let result = load([("c.yaml", Self.cluster("""
              reconcile:
                apply: nonDisruptive
                suspend: true
                windows:
                  - {kind: allow, schedule: "0 2 * * SAT", duration: 4h, timeZone: Europe/Berlin}
                  - {kind: deny, schedule: "@yearly", duration: 48h}

            """))])
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.description))")
        let policy = try #require(result.manifests.clusters.first).reconcile
        #expect(policy.apply == .nonDisruptive && policy.suspend)
        #expect(policy.windows.map(\.kind) == [.allow, .deny])
        #expect(policy.windows[0].timeZone.identifier == "Europe/Berlin")
        #expect(policy.windows[0].duration == .seconds(4 * 3600))
        #expect(policy.windows[1].timeZone.secondsFromGMT() == 0, "UTC by default")
    }

    @Test("bad windows are errors at their line and column, each saying what is wrong")
    func errors() {
        let result = load([("c.yaml", Self.cluster("""
              reconcile:
                apply: sometimes
                windows:
                  - {kind: allow, schedule: "0 25 * * *", duration: 4h}
                  - {kind: maybe, schedule: "0 2 * * SAT", duration: 4 hours, timeZone: Mars/Olympus}
                  - {kind: deny, schedule: "0 2 * *", duration: 200h}

            """))])
        let text = result.diagnostics.map(\.description)
        func has(_ line: Int, _ fragment: String) -> Bool { text.contains { $0.contains("c.yaml:\(line):") && $0.contains(fragment) } }
        #expect(has(15, "spec.reconcile.apply"), "\(text)")
        #expect(has(17, "the hour `25` is not a number in 0-23"), "\(text)")
        #expect(has(18, "spec.reconcile.windows[1].kind"), "\(text)")
        #expect(has(18, "`4 hours` is not a duration"), "\(text)")
        #expect(has(18, "`Mars/Olympus` is not an IANA time zone"), "\(text)")
        #expect(has(19, "has 4 fields"), "\(text)")
        #expect(has(19, "must be between 1m and 168h"), "\(text)")
        #expect(result.diagnostics.hasErrors)
    }
}
