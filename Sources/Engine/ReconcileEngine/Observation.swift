import ProviderAPI
import ReconcileModel

/// Observes every provider concurrently (bounded), keyed by address. Observation never mutates anything.
///
/// Two kinds of failure, reported differently so that nothing is said twice:
/// - an address a provider could not read comes back as its `ObservedResource.failed`, as the provider put it;
/// - a provider whose `observe` throws could observe nothing at all (no credentials, invalid endpoints): that
///   is one ``ProviderFailure`` with the whole explanation, which the pass reports once, and each of its
///   addresses fails with a few words pointing at it ("Azure credentials unavailable (see the azure.* error)").
///
/// Failure texts never start with "cannot observe": the planner adds that prefix to every problem it makes of
/// a failed observation.
struct Observation: Sendable {
    let providers: [any ResourceProvider]
    let concurrency: Int

    /// A provider that could observe nothing.
    public struct ProviderFailure: Sendable, Hashable, CustomStringConvertible {
        /// The resource types it owns, as `azure.*` when they share a prefix.
        var label: String
        /// Why, in full (a credential chain's error lists every credential with its reason).
        var message: String
        /// The one line each of its addresses gets.
        var perAddress: String

        /// `cannot observe LABEL: MESSAGE`: the pass's error line, and the plan's `errors` entry.
        public var description: String { "cannot observe \(label): \(message)" }
    }

    struct Outcome: Sendable {
        var observed: [ResourceAddress: ObservedResource]
        /// In provider order.
        var failures: [ProviderFailure]
    }

    func observe(desired: [ResourceSpec], inventories: [String: Inventory]) async -> Outcome {
        let entries = inventories.values.flatMap { $0.entries.values }
        var result: [ResourceAddress: ObservedResource] = [:]
        var failures: [Int: ProviderFailure] = [:]
        var handled: Set<String> = []
        await withTaskGroup(of: (Int, [ObservedResource], ProviderFailure?).self) { group in
            var running = 0
            func collect(_ done: (Int, [ObservedResource], ProviderFailure?)) {
                for o in done.1 { result[o.address] = o }
                if let failure = done.2 { failures[done.0] = failure }
            }
            for (index, provider) in providers.enumerated() {
                let types = provider.resourceTypes
                handled.formUnion(types)
                let wanted = desired.filter { types.contains($0.address.type) }
                let owned = entries.filter { types.contains($0.address.type) }
                guard !wanted.isEmpty || !owned.isEmpty else { continue }
                if running >= max(1, concurrency), let done = await group.next() {
                    running -= 1
                    collect(done)
                }
                running += 1
                group.addTask {
                    do {
                        return (index, try await provider.observe(desired: wanted, inventory: owned), nil)
                    } catch {
                        let failure = Self.failure(error, types: types)
                        let addresses = wanted.map(\.address) + owned.map(\.address)
                        return (index, addresses.map { .failed($0, failure.perAddress) }, failure)
                    }
                }
            }
            for await done in group { collect(done) }
        }
        for address in desired.map(\.address) + entries.map(\.address) where !handled.contains(address.type) {
            result[address] = .failed(address, "no provider in this build can observe \(address.type)")
        }
        return Outcome(observed: result, failures: failures.keys.sorted().map { failures[$0]! })
    }

    /// The failure of a provider owning `types` that threw `error` from `observe`.
    static func failure(_ error: any Error, types: Set<String>) -> ProviderFailure {
        let label = label(for: types)
        let summary = (error as? ProviderError)?.summary ?? "the \(label) provider failed"
        return ProviderFailure(label: label, message: "\(error)", perAddress: "\(summary) (see the \(label) error)")
    }

    /// `azure.*` for types that all start with `azure.`; otherwise the sorted types, comma-separated.
    static func label(for types: Set<String>) -> String {
        let prefixes = Set(types.map { $0.split(separator: ".", maxSplits: 1).first.map(String.init) ?? $0 })
        if prefixes.count == 1, let prefix = prefixes.first, types.allSatisfy({ $0.hasPrefix(prefix + ".") }) {
            return types.count == 1 ? types.first! : "\(prefix).*"
        }
        return types.sorted().joined(separator: ", ")
    }
}
