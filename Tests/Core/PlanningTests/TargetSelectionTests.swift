import ReconcileModel
import Testing

/// `TargetSelection` is the one definition of `--target` that the engine's observation scope and the planner's
/// change selection both use.
@Suite("TargetSelection: what --target selects")
struct TargetSelectionTests {
    let lb = ResourceAddress(cluster: "c", type: "azure.loadBalancer", name: "lb")
    let pls = ResourceAddress(cluster: "c", type: "azure.privateLinkService", name: "pls")
    let vnet = ResourceAddress(cluster: "c", type: "azure.virtualNetwork", name: "v")
    let other = ResourceAddress(cluster: "d", type: "azure.loadBalancer", name: "lb")

    func dependencies(_ address: ResourceAddress) -> [ResourceAddress] {
        [pls: [lb], lb: [vnet]][address] ?? []
    }

    @Test func aSelectorReachesWhatItsMatchesDependOnTransitively() {
        let selection = TargetSelection(["c/azure.privateLinkService"])
        #expect(selection.reach(among: [lb, pls, vnet, other], dependencies: dependencies) == [pls, lb, vnet])
        #expect(selection.names(pls) && !selection.names(lb))
    }

    @Test func noSelectorsSelectEverything() {
        let selection = TargetSelection([])
        #expect(selection.selectsEverything)
        #expect(selection.reach(among: [lb, other], dependencies: dependencies) == [lb, other])
    }

    @Test func wildcardsAndPrefixesFollowResourceAddressMatching() {
        #expect(TargetSelection(["*/azure.loadBalancer"]).reach(among: [lb, pls, other], dependencies: { _ in [] }) == [lb, other])
        #expect(TargetSelection(["d"]).reach(among: [lb, pls, other], dependencies: dependencies) == [other])
    }

    @Test func selectorsMatchingNothingKnownAreReported() {
        #expect(TargetSelection(["c/azure.loadBalancer/lb", "c/azure.loadBalancr", "e"]).unmatched(known: [lb, pls]) == ["c/azure.loadBalancr", "e"])
    }
}
