/// A bounded concurrent map: what every provider's observation does (one remote read per address, at most so many
/// at once). Written here because no package the project depends on has one (swift-async-algorithms has no bounded
/// `concurrentMap`, and a task group's own API leaves the bound to each caller).
extension Collection where Element: Sendable {
    /// `transform` applied to every element, at most `limit` running at once (started in order, the next as soon
    /// as one finishes); the results in completion order. Cancellation reaches the running transforms.
    public func concurrentMap<T: Sendable>(limit: Int, _ transform: @escaping @Sendable (Element) async -> T) async -> [T] {
        let items = Array(self)
        return await withTaskGroup(of: T.self) { group in
            var results: [T] = []
            results.reserveCapacity(items.count)
            var next = 0
            while next < Swift.min(items.count, Swift.max(1, limit)) {
                let item = items[next]
                next += 1
                group.addTask { await transform(item) }
            }
            while let done = await group.next() {
                results.append(done)
                if next < items.count {
                    let item = items[next]
                    next += 1
                    group.addTask { await transform(item) }
                }
            }
            return results
        }
    }

    /// The same for a throwing `transform`: the first error cancels the rest and is thrown.
    public func concurrentMap<T: Sendable>(limit: Int, _ transform: @escaping @Sendable (Element) async throws -> T) async throws -> [T] {
        let items = Array(self)
        return try await withThrowingTaskGroup(of: T.self) { group in
            var results: [T] = []
            results.reserveCapacity(items.count)
            var next = 0
            while next < Swift.min(items.count, Swift.max(1, limit)) {
                let item = items[next]
                next += 1
                group.addTask { try await transform(item) }
            }
            while let done = try await group.next() {
                results.append(done)
                if next < items.count {
                    let item = items[next]
                    next += 1
                    group.addTask { try await transform(item) }
                }
            }
            return results
        }
    }
}
