import Planning
import ReconcileModel
import Testing

/// Immutable resources replaced under a new name (kafka-proxy's instance template, `FAMILY-<content hash>`): the new
/// generation is created, its users move to it, and only then is the old one deleted, with no allowance needed.
@Suite("Superseded generations of immutable resources")
struct SupersessionTests {
    static let old = T.addr("gcp.instanceTemplate", "tpl-0123abcd")
    static let new = T.addr("gcp.instanceTemplate", "tpl-89ef4567")
    static let group = T.addr("gcp.instanceGroupManager", "ig")

    static func template(_ address: ResourceAddress, unresolved: String? = nil) -> ResourceSpec {
        var spec = T.spec(address, ["properties": ["script": .string(address.name)]], replaceOn: ["properties"], disruption: .consumerVisible)
        spec.generationFamily = "tpl"
        spec.unresolved = unresolved
        return spec
    }

    static func groupSpec(pointingAt template: ResourceAddress) -> ResourceSpec {
        T.spec(group, ["instanceTemplate": .string(template.name), "targetSize": 1], deps: [template], disruption: .consumerVisible)
    }

    /// The inventory as the last apply left it: the old template and the group using it, under the default
    /// deletion policy (Orphan), which would only forget a resource that left the manifests.
    static let inventory = [
        T.entry(old, applied: ["properties": ["script": "tpl-0123abcd"]], policy: .orphan),
        T.entry(group, applied: ["instanceTemplate": "tpl-0123abcd", "targetSize": 1], deps: [old], policy: .orphan),
    ]
    static let observed = [
        T.seen(old, ["properties": ["script": "tpl-0123abcd"]]),
        T.seen(group, ["instanceTemplate": "tpl-0123abcd", "targetSize": 1]),
    ]

    @Test("a content change: create the new generation, repoint the group, then delete the old one (superseded, no --allow-destroy)")
    func newGeneration() throws {
        let plan = Planner.plan(T.input(desired: [Self.template(Self.new), Self.groupSpec(pointingAt: Self.new)], observed: Self.observed, inventory: Self.inventory))
        #expect(plan.problems.isEmpty, "\(plan.problems)")
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.address)" } == [
            "create k/gcp.instanceTemplate/tpl-89ef4567",
            "update k/gcp.instanceGroupManager/ig",
            "delete k/gcp.instanceTemplate/tpl-0123abcd",
        ])
        let delete = try #require(plan.changes.last)
        #expect(delete.reason == .superseded)
        #expect(plan.changes.first?.disruption == .consumerVisible)
    }

    @Test("an earlier generation left over (the group already moved): deleted alone")
    func leftOver() {
        var observed = Self.observed
        observed[1] = T.seen(Self.group, ["instanceTemplate": "tpl-89ef4567", "targetSize": 1])
        observed.append(T.seen(Self.new, ["properties": ["script": "tpl-89ef4567"]]))
        var inventory = Self.inventory
        inventory[1] = T.entry(Self.group, applied: ["instanceTemplate": "tpl-89ef4567", "targetSize": 1], deps: [Self.new], policy: .orphan)
        inventory.append(T.entry(Self.new, applied: ["properties": ["script": "tpl-89ef4567"]], policy: .orphan))
        let plan = Planner.plan(T.input(desired: [Self.template(Self.new), Self.groupSpec(pointingAt: Self.new)], observed: observed, inventory: inventory))
        #expect(plan.changes.map { "\($0.action.rawValue) \($0.address)" } == ["delete k/gcp.instanceTemplate/tpl-0123abcd"])
    }

    @Test("the new generation cannot be derived: a problem, and the old generation and the group are left exactly as they are")
    func unresolved() {
        let family = T.addr("gcp.instanceTemplate", "tpl")
        let plan = Planner.plan(T.input(
            desired: [Self.template(family, unresolved: "cannot read the brokers' advertised addresses"), Self.groupSpec(pointingAt: family)],
            observed: Self.observed, inventory: Self.inventory))
        #expect(plan.problems.map(\.message) == ["cannot read the brokers' advertised addresses"])
        #expect(plan.problems.first?.address == family)
        #expect(plan.changes.isEmpty, "\(plan.changes.map(\.id))")
    }

    @Test("the group cannot be observed: the new template may be created, but the old one is not deleted")
    func userBlocked() {
        var observed = Self.observed
        observed[1] = .failed(Self.group, "timed out")
        let plan = Planner.plan(T.input(desired: [Self.template(Self.new), Self.groupSpec(pointingAt: Self.new)], observed: observed, inventory: Self.inventory))
        #expect(!plan.changes.contains { $0.action == .delete }, "\(plan.changes.map(\.id))")
    }

    @Test("a generation that lost the reconciler's marks is a problem, not a delete")
    func foreign() {
        var observed = Self.observed
        observed[0] = T.seen(Self.old, ["properties": ["script": "tpl-0123abcd"]], foreign: true)
        let plan = Planner.plan(T.input(desired: [Self.template(Self.new), Self.groupSpec(pointingAt: Self.new)], observed: observed, inventory: Self.inventory))
        #expect(plan.problems.contains { $0.address == Self.old })
        #expect(!plan.changes.contains { $0.action == .delete })
    }

    @Test("names of the family: the family, a dash and 8 lowercase hex digits")
    func names() {
        #expect(ResourceSpec.isGeneration("tpl-0123abcd", of: "tpl"))
        #expect(!ResourceSpec.isGeneration("tpl-0123abc", of: "tpl"))
        #expect(!ResourceSpec.isGeneration("tpl-0123ABCD", of: "tpl"))
        #expect(!ResourceSpec.isGeneration("tpl-other-0123abcd", of: "tpl"))
        #expect(!ResourceSpec.isGeneration("tplx-0123abcd", of: "tpl"))
    }
}
