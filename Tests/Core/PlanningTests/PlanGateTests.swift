import Foundation
import Planning
import ReconcileModel
import Scheduling
import Testing

/// `spec.reconcile` applied to a plan: policy, suspension and maintenance windows, at an injected instant.
@Suite("Plan gate: apply policy, suspension, maintenance windows")
struct PlanGateTests {
    static let saturdayNight = try! Date("2026-12-05T03:00:00Z", strategy: .iso8601)
    static let monday = try! Date("2026-12-07T12:00:00Z", strategy: .iso8601)
    static let window = MaintenanceWindow(kind: .allow, schedule: try! CronSchedule(parsing: "0 2 * * SAT"), duration: .seconds(4 * 3600), timeZone: TimeZone(identifier: "UTC")!)

    /// An NSG rule (no disruption), a broker config write and its restart, a consumer-visible update and a delete
    /// of a resource of another cluster.
    static var plan: Plan {
        let nsg = Change(address: T.addr("azure.nsg", "nsg"), action: .update, reason: .manifestChanged)
        let write = Change(address: T.broker(1), action: .writeBrokerConfig, reason: .manifestChanged, disruption: .brokerRestart, dependsOn: [nsg.id])
        let restart = Change(address: T.broker(1), action: .restartBroker, reason: .configChanged, disruption: .brokerRestart, dependsOn: [write.id])
        let pls = Change(address: T.pls, action: .update, reason: .manifestChanged, disruption: .consumerVisible)
        let after = Change(address: T.addr("azure.dns", "record"), action: .create, reason: .missing, dependsOn: [pls.id])
        let other = Change(address: T.addr("azure.lb", "old", cluster: "other"), action: .delete, reason: .removedFromManifests)
        return Plan(changes: [nsg, write, restart, pls, after, other])
    }

    static func ids(_ changes: [Change]) -> [String] { changes.map(\.id) }

    @Test("no policy, or always with no window: everything applies")
    func open() {
        #expect(PlanGate(policies: [:]).gate(Self.plan, at: Self.monday) == Self.plan)
        #expect(PlanGate(policies: ["k": .init()]).gate(Self.plan, at: Self.monday) == Self.plan)
    }

    @Test("always, outside the window: disruptive changes and what depends on them are held with the next opening; the rest applies")
    func outsideWindow() throws {
        let gated = PlanGate(policies: ["k": .init(windows: [Self.window])]).gate(Self.plan, at: Self.monday)
        #expect(Self.ids(gated.changes) == ["k/azure.nsg/nsg#update", "other/azure.lb/old#delete"])
        #expect(gated.held.map(\.change.id) == ["k/kafka.brokerConfig/1#write_broker_config", "k/kafka.brokerConfig/1#restart_broker", "k/azure.pls/pls#update", "k/azure.dns/record#create"])
        #expect(gated.held[0].reason.hasPrefix("waiting for window: outside every allow window; next opening 2026-12-12T02:00:00Z"), "\(gated.held[0].reason)")
        #expect(gated.held[3].reason == "depends on held k/azure.pls/pls#update")
        // Inside the window, nothing is held.
        #expect(PlanGate(policies: ["k": .init(windows: [Self.window])]).gate(Self.plan, at: Self.saturdayNight).held.isEmpty)
    }

    @Test("nonDisruptive holds disruptive changes whatever the time; never and suspend hold everything of the cluster")
    func policies() {
        let nonDisruptive = PlanGate(policies: ["k": .init(apply: .nonDisruptive)]).gate(Self.plan, at: Self.saturdayNight)
        #expect(Self.ids(nonDisruptive.changes) == ["k/azure.nsg/nsg#update", "other/azure.lb/old#delete"])
        #expect(nonDisruptive.held.first?.reason == "apply policy is nonDisruptive and this change is a broker restart or config change")
        let never = PlanGate(policies: ["k": .init(apply: .never)]).gate(Self.plan, at: Self.saturdayNight)
        #expect(Self.ids(never.changes) == ["other/azure.lb/old#delete"])
        #expect(never.held.allSatisfy { $0.reason == "apply policy is never: drift is reported, not corrected" })
        let suspended = PlanGate(policies: ["other": .init(suspended: true)]).gate(Self.plan, at: Self.saturdayNight)
        #expect(suspended.held.map(\.change.id) == ["other/azure.lb/old#delete"])
        #expect(suspended.held.first?.reason == "cluster other is suspended")
    }

    @Test("creating a consumer-visible resource disturbs nobody; updating it does")
    func creates() {
        let create = Change(address: T.pls, action: .create, reason: .missing, disruption: .consumerVisible)
        let gated = PlanGate(policies: ["k": .init(apply: .nonDisruptive)]).gate(Plan(changes: [create]), at: Self.monday)
        #expect(gated.held.isEmpty && gated.changes == [create])
    }

    @Test("a delete is disruptive even without a disruption class")
    func deletes() {
        let gated = PlanGate(policies: ["other": .init(apply: .nonDisruptive)]).gate(Self.plan, at: Self.monday)
        #expect(gated.held.map(\.change.id) == ["other/azure.lb/old#delete"])
        #expect(gated.held.first?.reason.hasSuffix("a delete or replace") == true)
    }
}
