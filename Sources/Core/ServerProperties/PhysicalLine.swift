/// How a physical line ends. Java accepts all three, mixed, and EOF.
enum LineTerminator: Sendable, Hashable, CaseIterable {
    case lf, crlf, cr

    var bytes: [UInt8] {
        switch self {
        case .lf: [Byte.lf]
        case .crlf: [Byte.cr, Byte.lf]
        case .cr: [Byte.cr]
        }
    }

    /// The most frequent terminator of `bytes`; `\n` for a file without any (ties prefer `\n`, then `\r\n`).
    static func dominant(in bytes: [UInt8]) -> LineTerminator {
        var counts: [LineTerminator: Int] = [:]
        for line in PhysicalLine.split(bytes) {
            if let terminator = line.terminator { counts[terminator, default: 0] += 1 }
        }
        // `max(by:)` keeps the first of equal elements.
        return allCases.max { (counts[$0] ?? 0) < (counts[$1] ?? 0) } ?? .lf
    }
}

/// ISO-8859-1 byte values the reader cares about.
enum Byte {
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let formFeed: UInt8 = 0x0C
    static let backslash: UInt8 = 0x5C
    static let hash: UInt8 = 0x23
    static let bang: UInt8 = 0x21
    static let equals: UInt8 = 0x3D
    static let colon: UInt8 = 0x3A

    /// Java's white space in properties files: space, tab and form feed only.
    static func isWhitespace(_ b: UInt8) -> Bool { b == space || b == tab || b == formFeed }
}

/// One physical line: `content` excludes the terminator, `range` includes it.
struct PhysicalLine: Sendable, Equatable {
    var start: Int
    var contentEnd: Int
    var end: Int
    /// nil for a last line that runs to EOF.
    var terminator: LineTerminator?

    /// Splits at `\n`, `\r\n` and `\r` (greedy: `\r\n` is one terminator). Never yields an empty unterminated line.
    static func split(_ b: [UInt8]) -> [PhysicalLine] {
        var lines: [PhysicalLine] = []
        var start = 0
        var i = 0
        while i < b.count {
            switch b[i] {
            case Byte.lf:
                lines.append(PhysicalLine(start: start, contentEnd: i, end: i + 1, terminator: .lf))
                i += 1
                start = i
            case Byte.cr:
                let crlf = i + 1 < b.count && b[i + 1] == Byte.lf
                lines.append(PhysicalLine(start: start, contentEnd: i, end: i + (crlf ? 2 : 1), terminator: crlf ? .crlf : .cr))
                i += crlf ? 2 : 1
                start = i
            default:
                i += 1
            }
        }
        if start < b.count { lines.append(PhysicalLine(start: start, contentEnd: b.count, end: b.count, terminator: nil)) }
        return lines
    }
}
