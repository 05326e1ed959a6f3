import ReconcileModel
import YAML

/// A typed view of one YAML mapping that reports every problem (wrong type, unknown or duplicate key, missing
/// required field) to the shared sink with its file, line and column, and keeps going.
///
/// A node with a tag outside the YAML core schema (`!!python/object:os.system`, `!custom`) is refused by
/// ``reportUnknownTags(in:file:sink:)``, which the loader runs on each document first; the readers here then
/// treat such a node as already reported and read nothing from it, without a second error.
struct NodeReader {
    let file: String
    let path: String
    let node: YAMLNode
    let sink: DiagnosticSink
    private let known: [String]
    private var entries: [String: YAMLNode.Pair] = [:]

    var location: SourceLocation { file.location(node.start) }

    /// Returns nil (after reporting) when `node` is not a mapping.
    init?(_ node: YAMLNode, file: String, path: String, known: [String], sink: DiagnosticSink) {
        self.file = file
        self.path = path
        self.node = node
        self.sink = sink
        self.known = known
        guard node.unknownTag == nil else { return nil }
        guard case .mapping(let pairs) = node.kind else {
            sink.error(file.location(node.start), path, "expected a mapping, found \(node.kindName)")
            return nil
        }
        for pair in pairs where pair.key.unknownTag == nil {
            guard case .scalar(let key, _) = pair.key.kind else {
                sink.error(file.location(pair.key.start), path, "keys must be plain strings, found \(pair.key.kindName)")
                continue
            }
            let keyPath = NodeReader.join(path, key)
            if let first = entries[key] {
                sink.error(
                    file.location(pair.key.start), keyPath,
                    "duplicate key `\(key)` (first defined at line \(first.key.start.line), column \(first.key.start.column))")
                continue
            }
            entries[key] = pair
            if !known.contains(key) {
                sink.error(
                    file.location(pair.key.start), keyPath,
                    "unknown field `\(key)`\(Suggestion.hint(for: key, in: known)); expected one of: "
                        + known.joined(separator: ", "))
            }
        }
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func keyLocation(_ key: String) -> SourceLocation { entries[key].map { file.location($0.key.start) } ?? location }

    func valueLocation(_ key: String) -> SourceLocation { entries[key].map { file.location($0.value.start) } ?? location }

    /// The raw value node, reporting a missing required field at the mapping.
    func value(_ key: String, required: Bool = false) -> YAMLNode? {
        guard let pair = entries[key], !pair.value.isNull else {
            if required { sink.error(location, NodeReader.join(path, key), "missing required field `\(key)`") }
            return nil
        }
        return pair.value
    }

    func string(_ key: String, required: Bool = false) -> Located<String>? {
        guard let node = value(key, required: required) else { return nil }
        return readString(node, path: NodeReader.join(path, key))
    }

    func readString(_ node: YAMLNode, path: String) -> Located<String>? {
        guard node.unknownTag == nil else { return nil }
        switch node.scalarValue {
        case .string(let s)?: return Located(s, at: file.location(node.start), path: path)
        case .int(let i)?: return Located(String(i), at: file.location(node.start), path: path)  // e.g. zone: 1
        default:
            sink.error(file.location(node.start), path, "expected a string, found \(node.kindName)")
            return nil
        }
    }

    func int(_ key: String, required: Bool = false, range: ClosedRange<Int>? = nil) -> Located<Int>? {
        guard let node = value(key, required: required) else { return nil }
        return readInt(node, path: NodeReader.join(path, key), range: range)
    }

    func readInt(_ node: YAMLNode, path: String, range: ClosedRange<Int>? = nil) -> Located<Int>? {
        guard node.unknownTag == nil else { return nil }
        guard case .int(let i)? = node.scalarValue else {
            if let text = node.overflowingInteger {
                let bound = text.hasPrefix("-") ? "at least \(Int.min)" : "at most \(Int.max)"
                let expected = range.map { "; expected \($0.lowerBound) to \($0.upperBound)" } ?? " (\(bound))"
                sink.error(file.location(node.start), path, "integer \(text) is out of range\(expected)")
            } else {
                sink.error(file.location(node.start), path, "expected an integer, found \(node.kindName)")
            }
            return nil
        }
        if let range, !range.contains(i) {
            sink.error(
                file.location(node.start), path,
                "\(i) is out of range; expected \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return Located(i, at: file.location(node.start), path: path)
    }

    func bool(_ key: String) -> Located<Bool>? {
        guard let node = value(key), node.unknownTag == nil else { return nil }
        guard case .bool(let b)? = node.scalarValue else {
            sink.error(file.location(node.start), NodeReader.join(path, key), "expected true or false, found \(node.kindName)")
            return nil
        }
        return Located(b, at: file.location(node.start), path: NodeReader.join(path, key))
    }

    /// A string restricted to `allowed` values.
    func choice(_ key: String, _ allowed: [String], required: Bool = false) -> Located<String>? {
        guard let s = string(key, required: required) else { return nil }
        guard allowed.contains(s.value) else {
            sink.error(
                s.location, s.path,
                "`\(s.value)` is not valid\(Suggestion.hint(for: s.value, in: allowed)); expected one of: "
                    + allowed.joined(separator: ", "))
            return nil
        }
        return s
    }

    func list(_ key: String, required: Bool = false) -> [(node: YAMLNode, path: String)]? {
        guard let node = value(key, required: required), node.unknownTag == nil else { return nil }
        guard case .sequence(let items) = node.kind else {
            sink.error(file.location(node.start), NodeReader.join(path, key), "expected a list, found \(node.kindName)")
            return nil
        }
        return items.enumerated().map { ($0.element, "\(NodeReader.join(path, key))[\($0.offset)]") }
    }

    func stringList(_ key: String, required: Bool = false) -> [Located<String>]? {
        guard let items = list(key, required: required) else { return nil }
        return items.compactMap { readString($0.node, path: $0.path) }
    }

    func object(_ key: String, known: [String], required: Bool = false) -> NodeReader? {
        guard let node = value(key, required: required) else { return nil }
        return NodeReader(node, file: file, path: NodeReader.join(path, key), known: known, sink: sink)
    }

    /// A mapping of free-form string keys to scalar values (e.g. extra `server.properties` settings).
    func stringMap(_ key: String) -> [(key: Located<String>, value: Located<String>)]? {
        guard let node = value(key), node.unknownTag == nil else { return nil }
        let mapPath = NodeReader.join(path, key)
        guard case .mapping(let pairs) = node.kind else {
            sink.error(file.location(node.start), mapPath, "expected a mapping, found \(node.kindName)")
            return nil
        }
        var seen: [String: YAMLNode] = [:]
        var out: [(Located<String>, Located<String>)] = []
        for pair in pairs {
            guard var k = readString(pair.key, path: mapPath) else { continue }
            let itemPath = "\(mapPath).\(k.value)"
            k.path = itemPath
            if let first = seen[k.value] {
                sink.error(k.location, itemPath, "duplicate key `\(k.value)` (first defined at line \(first.start.line), column \(first.start.column))")
                continue
            }
            seen[k.value] = pair.key
            let v: Located<String>?
            switch pair.value.scalarValue {
            case .bool(let b)?: v = Located(b ? "true" : "false", at: file.location(pair.value.start), path: itemPath)
            case .float?: v = Located(pair.value.scalarText ?? "", at: file.location(pair.value.start), path: itemPath)
            default: v = readString(pair.value, path: itemPath)
            }
            if let v { out.append((k, v)) }
        }
        return out
    }
}

extension NodeReader {
    /// Reports every node of a document, keys included, whose tag is not a YAML core schema tag, at its position
    /// and with its field path. Manifests are data: a language-specific tag such as `!!python/object:os.system`
    /// would be read as a plain string or mapping by this parser, and a user expecting it to mean something gets
    /// told instead.
    static func reportUnknownTags(in root: YAMLNode, file: String, sink: DiagnosticSink) {
        var pending: [(node: YAMLNode, path: String)] = [(root, "")]
        while let (node, path) = pending.popLast() {
            if let tag = node.unknownTag {
                sink.error(
                    file.location(node.start), path,
                    "tag `\(tag)` is not supported; manifests take plain values (core tags only: !!str, !!int, !!float, !!bool, !!null, !!seq, !!map)")
            }
            switch node.kind {
            case .scalar: break
            case .sequence(let items):
                pending += items.enumerated().reversed().map { ($0.element, "\(path)[\($0.offset)]") }
            case .mapping(let pairs):
                for pair in pairs.reversed() {
                    let pairPath = pair.key.scalarText.map { join(path, $0) } ?? path
                    pending += [(pair.value, pairPath), (pair.key, pairPath)]
                }
            }
        }
    }
}

extension String {
    func location(_ mark: Mark) -> SourceLocation { SourceLocation(file: self, line: mark.line, column: mark.column) }
}

extension YAMLNode {
    var isNull: Bool { if case .null? = scalarValue { return true }; return false }
    var scalarText: String? { if case .scalar(let s, _) = kind { return s }; return nil }
}
