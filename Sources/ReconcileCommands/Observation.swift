import ProviderAPI
import ReconcileModel

/// Observes every provider concurrently (bounded), keyed by address. Observation never mutates anything.
struct Observation: Sendable {
    let providers: [any ResourceProvider]
    let concurrency: Int

    func observe(desired: [ResourceSpec], inventories: [String: Inventory]) async -> [ResourceAddress: ObservedResource] {
        let entries = inventories.values.flatMap { $0.entries.values }
        var result: [ResourceAddress: ObservedResource] = [:]
        var handled: Set<String> = []
        await withTaskGroup(of: [ObservedResource].self) { group in
            var running = 0
            for provider in providers {
                let types = provider.resourceTypes
                handled.formUnion(types)
                let wanted = desired.filter { types.contains($0.address.type) }
                let owned = entries.filter { types.contains($0.address.type) }
                guard !wanted.isEmpty || !owned.isEmpty else { continue }
                if running >= max(1, concurrency), let done = await group.next() {
                    running -= 1
                    for o in done { result[o.address] = o }
                }
                running += 1
                group.addTask {
                    do {
                        return try await provider.observe(desired: wanted, inventory: owned)
                    } catch {
                        return (wanted.map(\.address) + owned.map(\.address)).map { .failed($0, "cannot observe: \(error)") }
                    }
                }
            }
            for await done in group { for o in done { result[o.address] = o } }
        }
        for address in desired.map(\.address) + entries.map(\.address) where !handled.contains(address.type) {
            result[address] = .failed(address, "no provider in this build can observe \(address.type)")
        }
        return result
    }
}
