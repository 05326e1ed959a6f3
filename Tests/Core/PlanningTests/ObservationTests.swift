import Planning
import ReconcileModel
import Testing

/// The plan's observed section: what the manifests decide a consumer needs, then what the provider saw.
@Suite struct ObservationTests {
    @Test("consumer facts come first, then the provider's notes; facts show even before the resource exists")
    func factsThenNotes() {
        var attachment = T.spec(T.lb, ["name": "kafka-psc"])
        attachment.consumerFacts = ["service attachment for the consumer (TiDB Cloud): projects/p/regions/r/serviceAttachments/kafka-psc"]
        var seen = T.seen(T.lb, ["name": "kafka-psc"])
        seen.notes = ["endpoint projects/c/regions/r/forwardingRules/tidb: ACCEPTED"]
        let plan = Planner.plan(T.input(desired: [attachment], observed: [seen], inventory: [T.entry(T.lb)]))
        #expect(plan.observations.map(\.notes) == [attachment.consumerFacts + seen.notes])

        let before = Planner.plan(T.input(desired: [attachment], observed: [], inventory: []))
        #expect(before.observations.map(\.notes) == [attachment.consumerFacts])
    }
}
