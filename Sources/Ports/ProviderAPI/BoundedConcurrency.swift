/// A bounded concurrent map: what every provider's observation does (one remote read per address, at most so many
/// at once). Written here because no package the project depends on has one (swift-async-algorithms has no bounded
/// `concurrentMap`, and a task group's own API leaves the bound to each caller).
extension Collection where Element: Sendable {
    /// `transform` applied to every element, at most `limit` running at once (started in order, the next as soon
    /// as one finishes); the results in completion order. Cancellation reaches the running transforms. The first
    /// error a transform throws cancels the rest and is thrown (a transform that cannot throw makes this one
    /// non-throwing: `E` is `Never`).
    public func concurrentMap<T: Sendable, E: Error>(
        limit: Int, _ transform: @escaping @Sendable (Element) async throws(E) -> T
    ) async throws(E) -> [T] {
        let items = Array(self)
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                var results: [T] = []
                results.reserveCapacity(items.count)
                var next = 0
                func launch() {
                    let item = items[next]
                    next += 1
                    group.addTask { try await transform(item) }
                }
                while next < Swift.min(items.count, Swift.max(1, limit)) { launch() }
                while let done = try await group.next() {
                    results.append(done)
                    if next < items.count { launch() }
                }
                return results
            }
        } catch {
            // The group throws only what a transform threw, which is an `E`.
            throw error as! E
        }
    }
}
