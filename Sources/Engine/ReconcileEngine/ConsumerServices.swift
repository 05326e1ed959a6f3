import DesiredState
public import Manifests
import ProviderAPI
public import ReconcileModel

/// `verify`'s cloud half, whatever the cloud: each resource consumers connect through (`ResourceSpec.consumerService`,
/// set by the exposure kind: an Azure Private Link Service, a GCP service attachment) is read through the provider
/// registered for its type: present, with what the provider observed (an alias, the endpoint connections).
///
/// One that cannot be read is only noted unless `requireCloud` (verify is also run by people who can reach the
/// brokers but hold no cloud credentials); one that is read and missing is always a problem. Never mutates.
public enum ConsumerServices {
    public static func check(
        cluster: String, manifests: ManifestSet, providers source: any ProviderSource, requireCloud: Bool
    ) async -> [VerificationReport.Service] {
        func unreadable(_ spec: ResourceSpec, _ why: String) -> VerificationReport.Service {
            let text = "cannot read it: \(why)"
            return requireCloud
                ? .init(kind: spec.consumerService, address: spec.address.description, notes: [], problem: text)
                : .init(kind: spec.consumerService, address: spec.address.description,
                        notes: ["not checked, \(text) (pass --require-cloud to fail on this)"])
        }
        let specs = DesiredStateCompiler.compile(manifests).resources(of: cluster).filter { $0.consumerService != nil }
        guard !specs.isEmpty else { return [] }
        let providers = source.providers(for: manifests, needing: Set(specs.map(\.address.provider)), inventories: [])
        var out: [VerificationReport.Service] = []
        for (type, group) in Dictionary(grouping: specs, by: \.address.type).sorted(by: { $0.key < $1.key }) {
            guard let provider = providers.first(where: { $0.resourceTypes.contains(type) }) else {
                out += group.map { unreadable($0, "no provider in this build") }
                continue
            }
            let observed: [ObservedResource]
            do {
                observed = try await provider.observe(desired: group, inventory: [])
            } catch {
                out += group.map { unreadable($0, "\(error)") }
                continue
            }
            out += group.map { spec in
                guard let seen = observed.first(where: { $0.address == spec.address }) else {
                    return .init(kind: spec.consumerService, address: spec.address.description, notes: [],
                                 problem: "does not exist; run `reconcile` to create it")
                }
                if let error = seen.error { return unreadable(spec, error) }
                return .init(kind: spec.consumerService, address: spec.address.description, notes: spec.consumerFacts + seen.notes)
            }
        }
        return out
    }
}
