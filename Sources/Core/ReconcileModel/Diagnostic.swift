/// A position in a manifest file, 1-based like compilers print it.
public struct SourceLocation: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

/// One problem found in the input, reported together with every other one (never the first only).
///
/// Rendered as `FILE:LINE:COL: error: <field path>: <message>`, the shape compilers and editors understand.
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation?
    /// Field path inside the document, e.g. `spec.brokers[1].nodeId`; empty for file-level problems.
    public var path: String
    public var message: String

    public init(_ severity: Severity = .error, at location: SourceLocation?, path: String = "", _ message: String) {
        self.severity = severity
        self.location = location
        self.path = path
        self.message = message
    }

    public var description: String {
        var text = location.map { "\($0): " } ?? ""
        text += "\(severity.rawValue): "
        if !path.isEmpty { text += "\(path): " }
        return text + message
    }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Stable order for output: by file, line, column, then text.
    public func sortedForOutput() -> [Diagnostic] {
        sorted {
            switch ($0.location, $1.location) {
            case let (a?, b?) where a != b: return a < b
            case (nil, _?): return false
            case (_?, nil): return true
            default: return $0.description < $1.description
            }
        }
    }
}
