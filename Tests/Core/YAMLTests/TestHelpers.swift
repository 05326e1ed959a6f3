import Testing
import YAML

/// Parses text that must be valid, recording an issue otherwise.
func parseDocuments(_ text: String, limits: YAMLLimits = YAMLLimits()) -> [YAMLDocument] {
    switch YAMLParser.parse(Array(text.utf8), limits: limits) {
    case .success(let documents): return documents
    case .failure(let error):
        Issue.record("unexpected error: \(error)")
        return []
    }
}

/// Parses bytes that must be rejected, recording an issue otherwise.
func parseError(_ bytes: [UInt8], limits: YAMLLimits = YAMLLimits()) -> YAMLError? {
    switch YAMLParser.parse(bytes, limits: limits) {
    case .success(let documents):
        Issue.record("expected an error, got \(documents.count) document(s)")
        return nil
    case .failure(let error): return error
    }
}

func parseError(_ text: String, limits: YAMLLimits = YAMLLimits()) -> YAMLError? {
    parseError(Array(text.utf8), limits: limits)
}

func mark(_ line: Int, _ column: Int) -> Mark { Mark(line: line, column: column) }

extension YAMLNode {
    var mappingPairs: [Pair] {
        if case .mapping(let pairs) = kind { return pairs }
        return []
    }

    var sequenceItems: [YAMLNode] {
        if case .sequence(let items) = kind { return items }
        return []
    }

    var text: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    var style: ScalarStyle? {
        if case .scalar(_, let style) = kind { return style }
        return nil
    }

    /// The value of the first pair whose key is the plain scalar `key`.
    subscript(key: String) -> YAMLNode? {
        mappingPairs.first { $0.key.text == key }?.value
    }
}
