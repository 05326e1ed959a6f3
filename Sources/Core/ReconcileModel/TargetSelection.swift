/// What `--target` selects, defined once for the engine (which resources to observe) and the planner (which
/// changes to keep): every address a selector matches (`ResourceAddress.matches(selector:)`) plus, transitively,
/// everything those depend on. No selectors selects everything.
public struct TargetSelection: Sendable, Hashable {
    public let selectors: [String]

    public init(_ selectors: [String]) {
        self.selectors = selectors
    }

    public var selectsEverything: Bool { selectors.isEmpty }

    /// Whether some selector names `address` itself.
    public func names(_ address: ResourceAddress) -> Bool {
        selectors.contains { address.matches(selector: $0) }
    }

    /// The addresses `selector` matches among `addresses`, closed over `dependencies`.
    public static func reach(
        of selector: String, among addresses: some Sequence<ResourceAddress>, dependencies: (ResourceAddress) -> [ResourceAddress]
    ) -> Set<ResourceAddress> {
        var reach = Set(addresses.filter { $0.matches(selector: selector) })
        var frontier = Array(reach)
        while let next = frontier.popLast() {
            for dependency in dependencies(next) where reach.insert(dependency).inserted { frontier.append(dependency) }
        }
        return reach
    }

    /// The union of every selector's reach; all of `addresses` when there are no selectors.
    public func reach(among addresses: some Collection<ResourceAddress>, dependencies: (ResourceAddress) -> [ResourceAddress]) -> Set<ResourceAddress> {
        guard !selectsEverything else { return Set(addresses) }
        return selectors.reduce(into: Set()) { $0.formUnion(Self.reach(of: $1, among: addresses, dependencies: dependencies)) }
    }

    /// The selectors matching none of `known`: a typo or a wrong cluster, which must be an error rather than an
    /// empty plan that reads like "nothing to do".
    public func unmatched(known: some Collection<ResourceAddress>) -> [String] {
        selectors.filter { selector in !known.contains { $0.matches(selector: selector) } }
    }
}
