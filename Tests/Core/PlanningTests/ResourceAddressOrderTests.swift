import ReconcileModel
import Testing

/// Addresses sort as their descriptions (`CLUSTER/TYPE/NAME`) do: every plan, graph and listing is ordered by it,
/// and `<` compares without building the descriptions.
@Suite("ResourceAddress: order")
struct ResourceAddressOrderTests {
    /// Pairs where comparing the segments one by one would disagree with the description (`/` sorts after `-` and
    /// `.` but before letters and digits), prefixes, equal addresses, and non-ASCII names (compared as `String`s).
    let addresses: [ResourceAddress] = [
        .init(cluster: "a", type: "azure.nic", name: "n"),
        .init(cluster: "a-b", type: "azure.nic", name: "n"),
        .init(cluster: "a.b", type: "azure.nic", name: "n"),
        .init(cluster: "a0", type: "azure.nic", name: "n"),
        .init(cluster: "ab", type: "azure.nic", name: "n"),
        .init(cluster: "a", type: "azure.nic", name: "n-1"),
        .init(cluster: "a", type: "azure.nic", name: "n/1"),
        .init(cluster: "a", type: "azure.nicX", name: "n"),
        .init(cluster: "a", type: "azure.ni", name: "c/n"),
        .init(cluster: "a", type: "azure.nic", name: "N"),
        .init(cluster: "a", type: "kafka.brokerConfig", name: "10"),
        .init(cluster: "a", type: "kafka.brokerConfig", name: "9"),
        .init(cluster: "a", type: "azure.nic", name: "e\u{301}"),
        .init(cluster: "a", type: "azure.nic", name: "\u{e9}x"),
        .init(cluster: "a", type: "azure.nic", name: "f"),
        .init(cluster: "é", type: "azure.nic", name: "n"),
    ]

    @Test func everyPairComparesAsItsDescription() {
        for a in addresses {
            for b in addresses {
                #expect((a < b) == (a.description < b.description), "\(a) < \(b)")
            }
        }
    }

    @Test func sortingGivesTheDescriptionsOrder() {
        #expect(addresses.sorted().map(\.description) == addresses.map(\.description).sorted())
    }
}
