public import Manifests
public import ProviderAPI
public import ReconcileModel
import Synchronization

/// Where a reconciler gets its providers for one pass.
///
/// Contract: called once per pass, after the manifests and the inventories are loaded, with the resource-type
/// families (`azure`, `kafka`: the prefix of `ResourceAddress.type`) that its declared resources and inventory
/// entries belong to; returns a provider for every one of them this build knows (a family missing here makes
/// each of its addresses "not observable" in the plan, never a guess). Must not block on the network.
public protocol ProviderSource: Sendable {
    func providers(for manifests: ManifestSet, needing families: Set<String>, inventories: [Inventory]) -> [any ResourceProvider]

    /// Called first in a pass, before the desired state is compiled: starts in the background what the first
    /// requests of the providers these manifests evidently need will wait for (`ResourceProvider.prepare`). Returns
    /// at once; never touches the network in the caller's time.
    func prepare(for manifests: ManifestSet)
}

extension ProviderSource {
    /// By default, nothing is started early.
    public func prepare(for manifests: ManifestSet) {}
}

/// Providers by resource-type family (`azure`, `gcp`, `kafka`: the prefix of `ResourceAddress.type`). Each
/// cloud registers itself from its own wiring: a new cloud is one module plus one `ProviderFamily` here.
///
/// Only the families a pass needs are built: those of its declared resources and of its inventory entries (so an
/// exposure removed from the manifests is still decommissioned through its provider). A family with lifetime
/// `.reconciler` is built once and kept, with its connection pools and token caches, for as long as the registry
/// lives; one with lifetime `.manifests` is built for each pass from that pass's manifests (brokers' SSH
/// endpoints come from them; such a provider keeps nothing expensive itself).
public final class ProviderRegistry: ProviderSource {
    private let families: [String: ProviderFamily]
    private let built: Mutex<[String: any ResourceProvider]>

    public init(_ families: [ProviderFamily]) {
        self.families = Dictionary(families.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.built = Mutex([:])
    }

    public func providers(for manifests: ManifestSet, needing needed: Set<String>, inventories: [Inventory]) -> [any ResourceProvider] {
        families.keys.sorted().filter { needed.contains($0) || families[$0]!.alwaysNeeded }.map { name in
            let family = families[name]!
            switch family.lifetime {
            case .manifests:
                return family.make(manifests)
            case .reconciler:
                return kept(family, manifests: manifests)
            }
        }
    }

    /// Builds (once) and prepares the kept providers of the families the manifests declare resources of (or that
    /// are always needed); those built for each pass from its manifests keep nothing worth starting early.
    public func prepare(for manifests: ManifestSet) {
        for family in families.values where family.lifetime == .reconciler && (family.alwaysNeeded || family.declared(manifests)) {
            kept(family, manifests: manifests).prepare()
        }
    }

    private func kept(_ family: ProviderFamily, manifests: ManifestSet) -> any ResourceProvider {
        built.withLock { cache in
            if let provider = cache[family.name] { return provider }
            let provider = family.make(manifests)
            cache[family.name] = provider
            return provider
        }
    }
}

/// One family's registration: its name (the type prefix), how long a provider lives, and how to build one.
public struct ProviderFamily: Sendable {
    public enum Lifetime: Sendable {
        /// Built once, on first need, and kept for the registry's life (cloud providers: pools, token caches).
        case reconciler
        /// Built for every pass from its manifests.
        case manifests
    }

    public var name: String
    public var lifetime: Lifetime
    /// Built for every pass, needed or not: the operator named where to look (`AZURE_SUBSCRIPTION_ID`), so its
    /// resources are discovered even once the manifests and the local inventory no longer mention the family.
    public var alwaysNeeded: Bool
    /// Whether a manifest set evidently declares resources of this family (its provider is then prepared at the
    /// start of a pass, before the desired state is compiled); the desired state remains what decides.
    public var declared: @Sendable (ManifestSet) -> Bool
    public var make: @Sendable (ManifestSet) -> any ResourceProvider

    public init(
        _ name: String, lifetime: Lifetime, alwaysNeeded: Bool = false,
        declared: @escaping @Sendable (ManifestSet) -> Bool = { _ in false },
        make: @escaping @Sendable (ManifestSet) -> any ResourceProvider
    ) {
        self.name = name
        self.lifetime = lifetime
        self.alwaysNeeded = alwaysNeeded
        self.declared = declared
        self.make = make
    }
}

/// A fixed provider list, or one built by a closure: for tests and for callers that wire providers themselves.
public struct ProviderClosure: ProviderSource {
    let make: @Sendable (ManifestSet, [Inventory]) -> [any ResourceProvider]

    public init(_ make: @escaping @Sendable (ManifestSet, [Inventory]) -> [any ResourceProvider]) { self.make = make }

    public func providers(for manifests: ManifestSet, needing families: Set<String>, inventories: [Inventory]) -> [any ResourceProvider] {
        make(manifests, inventories)
    }
}
