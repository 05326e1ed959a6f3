/// A directed graph `node -> what it depends on`, with the few algorithms the planner needs. Every result is
/// deterministic (neighbours are visited in sorted order) and no algorithm loops or recurses forever on a
/// cyclic graph.
struct DependencyGraph<Node: Hashable & Comparable> {
    private(set) var nodes: Set<Node>
    private var edges: [Node: Set<Node>]

    init() {
        nodes = []
        edges = [:]
    }

    init(nodes: some Sequence<Node>) {
        self.nodes = Set(nodes)
        edges = [:]
    }

    mutating func addNode(_ node: Node) { nodes.insert(node) }

    mutating func addEdge(_ from: Node, _ to: Node) {
        nodes.insert(from)
        nodes.insert(to)
        edges[from, default: []].insert(to)
    }

    /// Direct dependencies, sorted.
    func dependencies(of node: Node) -> [Node] { (edges[node] ?? []).sorted() }

    /// Every dependency cycle, each as a path `[a, b, c]` meaning `a -> b -> c -> a`, starting at the smallest
    /// node of its strongly connected component. Sorted by that first node.
    func cycles() -> [[Node]] {
        stronglyConnectedComponents()
            .filter { $0.count > 1 || (edges[$0[0]]?.contains($0[0]) ?? false) }
            .map(cyclePath)
            .sorted { $0[0] < $1[0] }
    }

    /// Every node reachable from `start` (not including `start` unless it lies on a cycle through itself).
    func transitiveDependencies(of start: Node) -> Set<Node> {
        var seen: Set<Node> = []
        var stack = dependencies(of: start)
        while let node = stack.popLast() {
            guard seen.insert(node).inserted else { continue }
            stack.append(contentsOf: dependencies(of: node))
        }
        return seen
    }

    /// For an acyclic graph, the length of the longest dependency chain below each node (0 = no
    /// dependencies). Nodes on a cycle get the depth reached when the cycle was cut.
    func depths() -> [Node: Int] {
        var depth: [Node: Int] = [:]
        var visiting: Set<Node> = []
        for root in nodes.sorted() {
            guard depth[root] == nil else { continue }
            // Iterative post-order DFS.
            var stack: [(node: Node, expanded: Bool)] = [(root, false)]
            while let item = stack.popLast() {
                let (node, expanded) = (item.node, item.expanded)
                if expanded {
                    visiting.remove(node)
                    let below = dependencies(of: node).compactMap { depth[$0] }.max()
                    depth[node] = below.map { $0 + 1 } ?? 0
                    continue
                }
                guard depth[node] == nil, !visiting.contains(node) else { continue }
                visiting.insert(node)
                stack.append((node, true))
                for dep in dependencies(of: node).reversed() where depth[dep] == nil && !visiting.contains(dep) {
                    stack.append((dep, false))
                }
            }
        }
        return depth
    }

    // MARK: - Cycles

    /// Tarjan's algorithm, iterative; components with sorted members.
    private func stronglyConnectedComponents() -> [[Node]] {
        var index: [Node: Int] = [:]
        var lowlink: [Node: Int] = [:]
        var onStack: Set<Node> = []
        var stack: [Node] = []
        var result: [[Node]] = []
        var counter = 0

        for root in nodes.sorted() where index[root] == nil {
            // Each node's sorted dependencies are taken once, when it is entered.
            var work: [(node: Node, deps: [Node], next: Int)] = [(root, dependencies(of: root), 0)]
            while !work.isEmpty {
                let (node, deps, next) = work[work.count - 1]
                if next == 0 {
                    index[node] = counter
                    lowlink[node] = counter
                    counter += 1
                    stack.append(node)
                    onStack.insert(node)
                }
                if next < deps.count {
                    work[work.count - 1].next += 1
                    let dep = deps[next]
                    if index[dep] == nil {
                        work.append((dep, dependencies(of: dep), 0))
                    } else if onStack.contains(dep) {
                        lowlink[node] = min(lowlink[node]!, index[dep]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { lowlink[parent] = min(lowlink[parent]!, lowlink[node]!) }
                if lowlink[node] == index[node] {
                    var component: [Node] = []
                    while let member = stack.popLast() {
                        onStack.remove(member)
                        component.append(member)
                        if member == node { break }
                    }
                    result.append(component.sorted())
                }
            }
        }
        return result
    }

    /// A shortest cycle through the component's smallest member, found breadth-first inside the component.
    private func cyclePath(_ component: [Node]) -> [Node] {
        let members = Set(component)
        let start = component[0]
        var parent: [Node: Node] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let node = queue[head]
            head += 1
            for dep in dependencies(of: node) where members.contains(dep) {
                if dep == start {
                    var path = [node]
                    while let p = parent[path[0]] { path.insert(p, at: 0) }
                    return path
                }
                if parent[dep] == nil, dep != start {
                    parent[dep] = node
                    queue.append(dep)
                }
            }
        }
        return component
    }
}
