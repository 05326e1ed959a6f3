import ReconcileModel

/// Rule 11: the KRaft quorum and brokers leaving a cluster.
///
/// A static KRaft quorum (`controller.quorum.voters`) is fixed when the storage is formatted: editing the voter
/// list in the files of running nodes does not change it, and a node that disagrees with the quorum cannot
/// join it. So a plan that would rewrite the voters of a broker that already has them, or remove a controller,
/// is refused with an explanation of what the cluster's Kafka version supports. A broker-only node may leave
/// the manifests only when Kafka says it hosts no partition replica (the provider reads it over the Kafka
/// protocol and reports each replica as a dependent); the file is then forgotten, never deleted.
enum BrokerRemoval {
    static let votersKey = "controller.quorum.voters"

    /// Drafts for a broker whose config left the manifests.
    static func drafts(for entry: Inventory.Entry, observed: ObservedResource, input: PlanInput, findings: inout PlanFindings)
        -> [PlanDraft]
    {
        let address = entry.address
        let blocker = PlanDraft.blocker(address, phase: .removal, addressDeps: entry.dependsOn)
        let roles = (entry.applied?["process.roles"]?.stringValue ?? "").split(separator: ",").map {
            String($0.filter { !$0.isWhitespace })
        }
        if roles.contains("controller") {
            findings.problem(
                address,
                "node \(address.name) is a controller, a voter of the KRaft quorum, and is no longer in the manifests: "
                    + quorumAdvice(version: input.kafkaVersions[address.cluster]))
            return [blocker]
        }
        if !observed.dependents.isEmpty {
            let shown = observed.dependents.prefix(20).joined(separator: ", ")
            let more = observed.dependents.count > 20 ? " and \(observed.dependents.count - 20) more" : ""
            findings.problem(
                address,
                "broker \(address.name) left the manifests but still hosts partition replicas: \(shown)\(more); "
                    + "reassign them to other brokers (kafka-reassign-partitions.sh), then stop it, before removing it")
            return [blocker]
        }
        let change = InventoryPruning.forget(entry, observed)
        return [PlanDraft(phase: .removal, change: change, addressDeps: entry.dependsOn)]
    }

    /// A write that would change the voters of a broker whose file already has them; nil when there is none.
    static func voterChangeProblem(_ attributes: [AttributeChange], version: String?) -> String? {
        guard let change = attributes.first(where: { $0.path == votersKey }),
            let before = change.before.flatMap(BrokerConfigSemantics.text), !before.allSatisfy(\.isWhitespace)
        else { return nil }
        let after = change.after.flatMap(BrokerConfigSemantics.text) ?? "(removed)"
        return "\(votersKey) would change from `\(before)` to `\(after)`, but a running KRaft quorum cannot change its "
            + "voters by editing server.properties: " + quorumAdvice(version: version)
    }

    /// What the cluster's Kafka version supports for changing the voter set.
    static func quorumAdvice(version: String?) -> String {
        let parts = (version ?? "").split(separator: ".").compactMap { Int($0) }
        let dynamic = parts.count >= 2 && (parts[0], parts[1]) >= (3, 9)
        let named = version.map { "Kafka \($0)" } ?? "this Kafka version"
        if dynamic {
            return "\(named) supports dynamic quorums (KIP-853) only for a cluster formatted with "
                + "`kafka-storage.sh format --standalone` or `--initial-controllers` (controller.quorum.bootstrap.servers); "
                + "change the voters with `kafka-metadata-quorum.sh add-controller` / `remove-controller`, then update the "
                + "manifests to match; a static quorum (controller.quorum.voters) stays fixed"
        }
        return "\(named) has only static quorums: the voter set is fixed when the storage is formatted (dynamic "
            + "quorums, KIP-853, need Kafka 3.9 or later), so keep the controllers as they are in the manifests"
    }
}
