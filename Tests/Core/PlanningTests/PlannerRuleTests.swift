import Planning
import ReconcileModel
import Testing

/// One row of the planner's rule table.
struct PlanCase: Sendable, CustomTestStringConvertible {
    let reason: String
    let input: PlanInput
    let changes: [String]
    var problems: [String] = []
    var drift: [ResourceAddress] = []
    var isComplete = true
    /// Substrings that must each appear in some warning.
    var warnings: [String] = []

    var testDescription: String { reason }
}

extension PlanCase {
    static let rules: [PlanCase] = [
        PlanCase(
            reason: "Nothing to do: the observed resource matches the manifest (server-set fields are ignored)",
            input: T.input(
                desired: [T.spec(T.vnet, T.body())],
                observed: [T.seen(T.vnet, ["location": "eastus", "etag": "W/1",
                                           "properties": ["port": 1, "provisioningState": "Succeeded"]])],
                inventory: [T.entry(T.vnet, applied: T.body())]
            ),
            changes: []
        ),
        PlanCase(
            reason: "A declared resource that does not exist is created, after what it depends on",
            input: T.input(desired: [T.spec(T.lb, T.body(), deps: [T.vnet]), T.spec(T.vnet, T.body())]),
            changes: ["create azure.vnet/vnet missing", "create azure.lb/lb missing <- azure.vnet/vnet#create"]
        ),
        PlanCase(
            reason: "A resource we created that vanished is re-created as drift",
            input: T.input(desired: [T.spec(T.vnet, T.body())], inventory: [T.entry(T.vnet, applied: T.body())]),
            changes: ["create azure.vnet/vnet drifted"],
            drift: [T.vnet]
        ),
        PlanCase(
            reason: "A manifest edit is an update for a manifest change (the real resource still matches the last apply)",
            input: T.input(
                desired: [T.spec(T.vnet, T.body(2))],
                observed: [T.seen(T.vnet, T.body(1))],
                inventory: [T.entry(T.vnet, applied: T.body(1))]
            ),
            changes: ["update azure.vnet/vnet manifest_changed"]
        ),
        PlanCase(
            reason: "An edit made outside the reconciler is an update for drift",
            input: T.input(
                desired: [T.spec(T.vnet, T.body(1))],
                observed: [T.seen(T.vnet, T.body(7))],
                inventory: [T.entry(T.vnet, applied: T.body(1))]
            ),
            changes: ["update azure.vnet/vnet drifted"],
            drift: [T.vnet]
        ),
        PlanCase(
            reason: "A change to a replaceOn key (location) replaces the resource",
            input: T.input(
                desired: [T.spec(T.vnet, T.body(1, location: "westus"), replaceOn: ["location"])],
                observed: [T.seen(T.vnet, T.body(1))],
                inventory: [T.entry(T.vnet, applied: T.body(1))]
            ),
            changes: ["replace azure.vnet/vnet manifest_changed"]
        ),
        PlanCase(
            reason: "A foreign resource in the way is refused: problem, no change, and nothing built on it",
            input: T.input(
                desired: [T.spec(T.vnet, T.body()), T.spec(T.lb, T.body(), deps: [T.vnet])],
                observed: [T.seen(T.vnet, T.body(5), foreign: true)]
            ),
            changes: [],
            problems: ["azure.vnet/vnet: exists but was not created by the reconciler; add `adopt: true` to manage it"],
            warnings: ["k/azure.lb/lb#create left out: it depends on k/azure.vnet/vnet"]
        ),
        PlanCase(
            reason: "adopt: true takes over a foreign resource and updates it to the manifest",
            input: T.input(
                desired: [T.spec(T.vnet, T.body(2), adopt: true)],
                observed: [T.seen(T.vnet, T.body(5), foreign: true)]
            ),
            changes: ["update azure.vnet/vnet manifest_changed"]
        ),
        PlanCase(
            reason: "Removing a resource the reconciler created deletes it; an unrelated observed resource is left alone",
            input: T.input(
                observed: [T.seen(T.lb, T.body()), T.seen(T.addr("azure.lb", "someone-elses"), T.body())],
                inventory: [T.entry(T.lb, .created, disruption: .consumerVisible)]
            ),
            changes: ["delete azure.lb/lb removed_from_manifests"]
        ),
        PlanCase(
            reason: "Removing an adopted resource only forgets it",
            input: T.input(observed: [T.seen(T.lb, T.body(), foreign: true)], inventory: [T.entry(T.lb, .adopted)]),
            changes: ["forget azure.lb/lb removed_from_manifests"]
        ),
        PlanCase(
            reason: "Observed resources that are neither declared nor inventoried are never deleted, even if tagged as ours",
            input: T.input(observed: [T.seen(T.lb, T.body()), T.seen(T.vnet, T.body(), foreign: true)]),
            changes: []
        ),
        PlanCase(
            reason: "An inventoried resource that is already gone needs no delete, just a note",
            input: T.input(inventory: [T.entry(T.lb)]),
            changes: [],
            warnings: ["k/azure.lb/lb already gone; will be dropped from the inventory"]
        ),
        PlanCase(
            reason: "An inventoried resource that lost our ownership is not deleted",
            input: T.input(observed: [T.seen(T.lb, T.body(), foreign: true)], inventory: [T.entry(T.lb)]),
            changes: [],
            problems: ["azure.lb/lb: the inventory says the reconciler created it, but it no longer carries the "
                + "reconciler's ownership; it is not deleted (delete it by hand, or restore its ownership tags)"]
        ),
        PlanCase(
            reason: "An observation error blocks the address and, transitively, everything depending on it",
            input: T.input(
                desired: [T.spec(T.vnet, T.body()), T.spec(T.lb, T.body(), deps: [T.vnet]),
                          T.spec(T.pls, T.body(), deps: [T.lb]), T.spec(T.addr("azure.vnet", "other"), T.body())],
                observed: [.failed(T.vnet, "HTTP 503")]
            ),
            changes: ["create azure.vnet/other missing"],
            problems: ["azure.vnet/vnet: cannot observe: HTTP 503"],
            isComplete: false,
            warnings: ["k/azure.lb/lb#create left out: it depends on k/azure.vnet/vnet",
                       "k/azure.pls/pls#create left out: it depends on k/azure.vnet/vnet"]
        ),
        PlanCase(
            reason: "A broker whose config was written but not restarted (journal) is restarted",
            input: T.input(
                desired: [T.spec(T.broker(1), T.brokerConfig())],
                observed: [T.seen(T.broker(1), T.brokerConfig())],
                inventory: [T.entry(T.broker(1), applied: T.brokerConfig())],
                pending: [T.broker(1): "abc"]
            ),
            changes: ["restart_broker kafka.brokerConfig/1 restart_pending"]
        ),
        PlanCase(
            reason: "A dependency cycle is a problem naming the cycle, never a hang",
            input: T.input(desired: [T.spec(T.vnet, T.body(), deps: [T.pls]), T.spec(T.lb, T.body(), deps: [T.vnet]),
                                     T.spec(T.pls, T.body(), deps: [T.lb])]),
            changes: [],
            problems: [
                "azure.lb/lb: dependency cycle: k/azure.lb/lb -> k/azure.vnet/vnet -> k/azure.pls/pls -> k/azure.lb/lb",
                "azure.pls/pls: dependency cycle: k/azure.lb/lb -> k/azure.vnet/vnet -> k/azure.pls/pls -> k/azure.lb/lb",
                "azure.vnet/vnet: dependency cycle: k/azure.lb/lb -> k/azure.vnet/vnet -> k/azure.pls/pls -> k/azure.lb/lb",
            ]
        ),
    ]
}

@Suite("Planner rules")
struct PlannerRuleTests {
    @Test("planner rule", arguments: PlanCase.rules)
    func rule(_ row: PlanCase) {
        let plan = Planner.plan(row.input)
        #expect(plan.transcript == row.changes, "\(row.reason)")
        #expect(plan.problemLines == row.problems, "\(row.reason)")
        #expect(plan.drift == row.drift, "\(row.reason)")
        #expect(plan.isComplete == row.isComplete, "\(row.reason)")
        for expected in row.warnings {
            #expect(plan.warnings.contains { $0.contains(expected) }, "\(row.reason): missing warning \(expected) in \(plan.warnings)")
        }
    }

    @Test("create, update and delete carry before, after, cloud id, requires and disruption")
    func changeDetails() throws {
        let lbSpec = T.spec(T.lb, T.body(2), deps: [T.vnet], disruption: .consumerVisible)
        let plan = Planner.plan(T.input(
            desired: [lbSpec, T.spec(T.vnet, T.body())],
            observed: [T.seen(T.lb, T.body(1)), T.seen(T.pls, T.body())],
            inventory: [T.entry(T.lb, applied: T.body(1)), T.entry(T.pls, deps: [T.lb], disruption: .consumerVisible)]
        ))
        let update = try #require(plan.changes.first { $0.action == .update })
        #expect(update.before == T.body(1))
        #expect(update.after == T.body(2))
        #expect(update.cloudID == "id:lb")
        #expect(update.requires == [T.vnet])
        #expect(update.disruption == .consumerVisible)
        #expect(update.attributes == [AttributeChange(path: "properties.port", before: 1, after: 2)])
        let delete = try #require(plan.changes.first { $0.action == .delete })
        #expect(delete.after == nil)
        #expect(delete.before == T.body())
        #expect(delete.requires == [T.lb])
        #expect(delete.disruption == .consumerVisible)
        #expect(delete.cloudID == "id:pls")
    }

    @Test("a broker removed from the manifests is forgotten, never deleted (its server.properties is not ours)")
    func brokerRemovalForgets() {
        let plan = Planner.plan(T.input(
            observed: [T.seen(T.broker(4), T.brokerConfig())],
            inventory: [T.entry(T.broker(4), applied: T.brokerConfig())]
        ))
        #expect(plan.transcript == ["forget kafka.brokerConfig/4 removed_from_manifests"])
    }

    @Test("differing duplicate declarations are a problem, identical ones collapse")
    func duplicates() {
        let same = Planner.plan(T.input(desired: [T.spec(T.vnet, T.body()), T.spec(T.vnet, T.body())]))
        #expect(same.transcript == ["create azure.vnet/vnet missing"])
        let differing = Planner.plan(T.input(desired: [T.spec(T.vnet, T.body(1)), T.spec(T.vnet, T.body(2))]))
        #expect(differing.changes.isEmpty)
        #expect(differing.problemLines == ["azure.vnet/vnet: declared more than once with different settings"])
    }

    @Test("observed notes of declared resources travel with the plan, in address order, and never cause a change")
    func observations() {
        var pls = T.seen(T.pls, T.body())
        pls.notes = ["alias: pls.1111.eastus.azure.privatelinkservice", "connection pe-1 from /subscriptions/s/pe-1: Pending"]
        var stray = T.seen(T.addr("azure.pls", "other"), T.body())
        stray.notes = ["not declared, not shown"]
        var lb = T.seen(T.lb, T.body())
        lb.notes = ["frontend 10.0.0.254"]
        let plan = Planner.plan(T.input(
            desired: [T.spec(T.pls, T.body()), T.spec(T.lb, T.body())], observed: [pls, stray, lb],
            inventory: [T.entry(T.pls), T.entry(T.lb)]))
        #expect(plan.changes.isEmpty)
        #expect(plan.observations == [
            Plan.Observation(address: T.lb, notes: ["frontend 10.0.0.254"]),
            Plan.Observation(address: T.pls, notes: pls.notes),
        ])
    }
}
