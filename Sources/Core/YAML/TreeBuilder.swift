// Composes libyaml events into `YAMLNode` trees, iteratively, with an explicit stack of open
// collections (no recursion, so pathological nesting cannot overflow the call stack).
//
// Limits enforced here:
// - depth: at most `maxDepth` nested collections, counting the ones an alias expands into;
// - nodes: at most `maxNodes` nodes across the whole stream, counting every alias expansion.
//   Each anchored node's expanded size (and height) is recorded when it completes, so an alias
//   is checked against the budget BEFORE it is materialised. Materialising is O(1) anyway: the
//   copy shares storage with the anchored node (copy-on-write arrays).

struct TreeBuilder {
    private struct Frame {
        var isMapping: Bool
        var start: Mark
        var tag: String?
        var anchor: String?
        var nodeCountAtStart: Int
        var items: [YAMLNode] = []
        var pairs: [YAMLNode.Pair] = []
        var pendingKey: YAMLNode?
        /// Height of the tallest child so far (scalars have height 0, a collection 1 + its tallest child).
        var childHeight = 0
    }

    private struct Anchored {
        var node: YAMLNode
        /// Nodes the anchored subtree expands to (including the expansions of aliases inside it).
        var size: Int
        var height: Int
    }

    let limits: YAMLLimits
    private(set) var documents: [YAMLDocument] = []
    private var nodeCount = 0
    private var stack: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var documentStart = Mark(line: 1, column: 1)
    private var root: YAMLNode?

    init(limits: YAMLLimits) {
        self.limits = limits
    }

    // MARK: Documents

    mutating func startDocument(at mark: Mark) {
        documentStart = mark
        root = nil
        stack.removeAll()
        anchors.removeAll()  // Anchors are scoped to their document.
    }

    mutating func endDocument() {
        documents.append(YAMLDocument(root: root, start: documentStart))
        root = nil
        anchors.removeAll()
    }

    // MARK: Nodes

    mutating func scalar(
        _ value: String, style: ScalarStyle, tag: String?, anchor: String?, at mark: Mark
    ) throws(YAMLError) {
        // libyaml reports an empty document (`---` alone) as an empty plain root scalar: keep root nil.
        if stack.isEmpty, value.isEmpty, style == .plain, tag == nil, anchor == nil { return }
        let node = YAMLNode(kind: .scalar(value, style), start: mark, tag: tag)
        try TagCheck.validate(node)
        try count(1, at: mark)
        if let anchor { anchors[anchor] = Anchored(node: node, size: 1, height: 0) }
        attach(node, height: 0)
    }

    mutating func startCollection(isMapping: Bool, tag: String?, anchor: String?, at mark: Mark) throws(YAMLError) {
        if stack.count >= limits.maxDepth {
            throw YAMLError(message: "nesting is deeper than \(limits.maxDepth) levels", mark: mark)
        }
        let countBefore = nodeCount
        try count(1, at: mark)
        stack.append(
            Frame(isMapping: isMapping, start: mark, tag: tag, anchor: anchor, nodeCountAtStart: countBefore))
    }

    mutating func endCollection() throws(YAMLError) {
        guard let frame = stack.popLast() else {
            // libyaml never emits an unbalanced end event; be defensive anyway.
            throw YAMLError(message: "internal error: unbalanced collection end", mark: documentStart)
        }
        let kind: YAMLNode.Kind
        if frame.isMapping {
            var pairs = frame.pairs
            // A dangling key cannot happen with libyaml (it emits an empty value), but keep it if it did.
            if let key = frame.pendingKey {
                pairs.append(YAMLNode.Pair(key: key, value: YAMLNode(kind: .scalar("", .plain), start: key.start)))
            }
            kind = .mapping(pairs)
        } else {
            kind = .sequence(frame.items)
        }
        let node = YAMLNode(kind: kind, start: frame.start, tag: frame.tag)
        try TagCheck.validate(node)
        let height = frame.childHeight + 1
        if let anchor = frame.anchor {
            anchors[anchor] = Anchored(node: node, size: nodeCount - frame.nodeCountAtStart, height: height)
        }
        attach(node, height: height)
    }

    /// Expands `*name`. The copy's root takes the ALIAS position; nodes inside it keep the
    /// positions where the anchored node was written.
    mutating func alias(_ name: String, at mark: Mark) throws(YAMLError) {
        guard let anchored = anchors[name] else {
            throw YAMLError(message: "alias *\(name) refers to an anchor that is not defined before it", mark: mark)
        }
        if anchored.size > limits.maxNodes - nodeCount {
            throw YAMLError(
                message: "document expands to more than \(limits.maxNodes) nodes (alias bomb?)", mark: mark)
        }
        if anchored.height > 0, stack.count + anchored.height > limits.maxDepth {
            throw YAMLError(
                message: "alias *\(name) expands to nesting deeper than \(limits.maxDepth) levels", mark: mark)
        }
        nodeCount += anchored.size
        var copy = anchored.node
        copy.start = mark
        attach(copy, height: anchored.height)
    }

    // MARK: Helpers

    private mutating func count(_ n: Int, at mark: Mark) throws(YAMLError) {
        if n > limits.maxNodes - nodeCount {
            throw YAMLError(message: "file has more than \(limits.maxNodes) nodes", mark: mark)
        }
        nodeCount += n
    }

    private mutating func attach(_ node: YAMLNode, height: Int) {
        guard !stack.isEmpty else {
            root = node
            return
        }
        let top = stack.count - 1
        stack[top].childHeight = max(stack[top].childHeight, height)
        if stack[top].isMapping {
            if let key = stack[top].pendingKey {
                stack[top].pairs.append(YAMLNode.Pair(key: key, value: node))
                stack[top].pendingKey = nil
            } else {
                stack[top].pendingKey = node
            }
        } else {
            stack[top].items.append(node)
        }
    }
}
