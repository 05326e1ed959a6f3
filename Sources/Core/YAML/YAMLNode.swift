/// A 1-based position in the source text.
public struct Mark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
    public static func < (a: Mark, b: Mark) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// How a scalar was written: plain scalars are subject to type resolution, quoted and block ones are strings.
public enum ScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One node of a YAML document with the position where it starts. Aliases are already expanded.
public struct YAMLNode: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        /// Pairs in document order; duplicate keys are kept (the manifest layer reports them).
        case mapping([Pair])
    }

    public struct Pair: Sendable, Hashable {
        public var key: YAMLNode
        public var value: YAMLNode
        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    public var kind: Kind
    public var start: Mark
    /// Explicit tag if one was written (`!!str`, `!custom`), else nil.
    public var tag: String?

    public init(kind: Kind, start: Mark, tag: String? = nil) {
        self.kind = kind
        self.start = start
        self.tag = tag
    }
}

public struct YAMLDocument: Sendable, Hashable {
    /// nil for an empty document (`---` with nothing after it).
    public var root: YAMLNode?
    public var start: Mark
    public init(root: YAMLNode?, start: Mark) {
        self.root = root
        self.start = start
    }
}

public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var mark: Mark
    public init(message: String, mark: Mark) {
        self.message = message
        self.mark = mark
    }
    public var description: String { "\(mark): \(message)" }
}

/// Limits that keep hostile input from crashing or hanging the loader.
public struct YAMLLimits: Sendable, Hashable {
    public var maxBytes: Int = 4 << 20
    public var maxDepth: Int = 128
    /// Total nodes after alias expansion, across all documents of the file (alias bombs).
    public var maxNodes: Int = 200_000
    public init() {}
}
