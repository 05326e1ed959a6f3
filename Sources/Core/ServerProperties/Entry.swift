/// What a logical entry means to Java.
enum EntryKind: Sendable, Equatable {
    /// A line of white space only.
    case blank
    /// A line whose first non-white character is `#` or `!`.
    case comment
    /// Lines Java reads as nothing that are neither of the above: backslash-only lines joining into an empty
    /// logical line that then ends at an empty line, a comment, or EOF.
    case nothing
    /// A logical key/value line, decoded.
    case pair(key: String, value: String)
}

/// A logical entry: consecutive physical lines with their exact original bytes, terminators included.
///
/// Entries are self-contained: each starts and (unless it runs to EOF) ends in Java's fresh-line state, so entries
/// can be removed, replaced or inserted between without changing how their neighbours read.
struct Entry: Sendable, Equatable {
    var bytes: [UInt8]
    var kind: EntryKind

    var key: String? {
        if case .pair(let key, _) = kind { key } else { nil }
    }

    var value: String? {
        if case .pair(_, let value) = kind { value } else { nil }
    }

    /// The line terminator the entry ends with, nil when it runs to EOF.
    var terminator: LineTerminator? {
        guard let last = bytes.last else { return nil }
        if last == Byte.lf { return bytes.count >= 2 && bytes[bytes.count - 2] == Byte.cr ? .crlf : .lf }
        return last == Byte.cr ? .cr : nil
    }

    /// The text of a one-line comment with surrounding white space trimmed, for recognising marker comments.
    var commentText: [UInt8]? {
        guard kind == .comment else { return nil }
        var text = bytes[...]
        while let last = text.last, last == Byte.lf || last == Byte.cr || Byte.isWhitespace(last) { text = text.dropLast() }
        while let first = text.first, Byte.isWhitespace(first) { text = text.dropFirst() }
        return Array(text)
    }

    /// A freshly rendered `key=value` line.
    static func rendered(key: String, value: String, terminator: LineTerminator?) -> Entry {
        Entry(bytes: Array(PropertiesText.line(key: key, value: value).utf8) + (terminator?.bytes ?? []), kind: .pair(key: key, value: value))
    }

    /// A comment line of ASCII `text`.
    static func comment(_ text: String, terminator: LineTerminator) -> Entry {
        Entry(bytes: Array(text.utf8) + terminator.bytes, kind: .comment)
    }
}

/// Java compares keys and values by UTF-16 code units, not by Swift's canonical equivalence.
struct ExactKey: Hashable, Sendable {
    var scalars: [UInt32]

    init(_ string: String) { scalars = string.unicodeScalars.map(\.value) }
}

extension String {
    /// Equality by Unicode scalars, as Java compares strings (`"é" != "e\u{301}"`).
    func isExactly(_ other: String) -> Bool { unicodeScalars.elementsEqual(other.unicodeScalars) }
}
