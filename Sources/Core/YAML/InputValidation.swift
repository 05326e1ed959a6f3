// Up-front checks on the raw bytes, before libyaml sees them: size, encoding and characters.
//
// libyaml reports reader errors (bad UTF-8, control characters) by byte offset only, so we do
// the same checks here first and report them with a proper line:column.

/// Walks UTF-8 text and keeps a 1-based line:column the way libyaml counts them:
/// columns are counted in characters (code points), a leading BOM is not counted, and
/// `\n`, `\r\n`, `\r`, U+0085, U+2028 and U+2029 are line breaks.
struct TextCursor {
    private(set) var offset = 0
    private(set) var line = 1
    private(set) var column = 1
    private var previousWasCR = false

    var mark: Mark { Mark(line: line, column: column) }

    /// Advances over one already-decoded character of `width` bytes.
    mutating func advance(over scalar: UInt32, width: Int) {
        offset += width
        switch scalar {
        case 0x0A:
            if !previousWasCR { newLine() }
            previousWasCR = false
        case 0x0D:
            newLine()
            previousWasCR = true
        case 0x85, 0x2028, 0x2029:
            newLine()
            previousWasCR = false
        default:
            column += 1
            previousWasCR = false
        }
    }

    private mutating func newLine() {
        line += 1
        column = 1
    }
}

/// Result of decoding one UTF-8 sequence.
enum UTF8Step {
    case scalar(UInt32, width: Int)
    case invalid
}

/// Strict UTF-8 decoding of the sequence at `i` (rejects overlong forms, surrogates and values above U+10FFFF).
func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> UTF8Step {
    let b0 = bytes[i]
    if b0 < 0x80 { return .scalar(UInt32(b0), width: 1) }
    let width: Int
    var lowerSecond: UInt8 = 0x80
    var upperSecond: UInt8 = 0xBF
    switch b0 {
    case 0xC2...0xDF: width = 2
    case 0xE0: width = 3; lowerSecond = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: width = 3
    case 0xED: width = 3; upperSecond = 0x9F
    case 0xF0: width = 4; lowerSecond = 0x90
    case 0xF1...0xF3: width = 4
    case 0xF4: width = 4; upperSecond = 0x8F
    default: return .invalid
    }
    guard i + width <= bytes.count else { return .invalid }
    let b1 = bytes[i + 1]
    guard b1 >= lowerSecond, b1 <= upperSecond else { return .invalid }
    var value = UInt32(b0) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
    value = value << 6 | UInt32(b1 & 0x3F)
    for k in 2..<width {
        let b = bytes[i + k]
        guard b & 0xC0 == 0x80 else { return .invalid }
        value = value << 6 | UInt32(b & 0x3F)
    }
    return .scalar(value, width: width)
}

/// Characters YAML (and libyaml's reader) accepts in a stream.
func isPrintableYAML(_ c: UInt32) -> Bool {
    switch c {
    case 0x09, 0x0A, 0x0D, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
}

enum InputValidation {
    /// Returns the first problem with the raw input, or nil if libyaml may parse it.
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, limits: YAMLLimits) -> YAMLError? {
        if bytes.count > limits.maxBytes {
            return YAMLError(message: "file is larger than \(limits.maxBytes) bytes", mark: Mark(line: 1, column: 1))
        }
        if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            return YAMLError(
                message: "file starts with a UTF-16 byte order mark; manifests must be UTF-8",
                mark: Mark(line: 1, column: 1))
        }
        var i = 0
        var cursor = TextCursor()
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            i = 3  // UTF-8 BOM: allowed, not counted as a column.
        }
        while i < bytes.count {
            switch decodeUTF8(bytes, at: i) {
            case .invalid:
                return YAMLError(message: "invalid UTF-8 at byte offset \(i)", mark: cursor.mark)
            case .scalar(let c, let width):
                if c == 0 {
                    return YAMLError(
                        message: "NUL byte at byte offset \(i): this looks like a binary file, manifests must be UTF-8 text",
                        mark: cursor.mark)
                }
                if !isPrintableYAML(c) {
                    return YAMLError(
                        message: "control character \(unicodeName(c)) at byte offset \(i) is not allowed in YAML",
                        mark: cursor.mark)
                }
                cursor.advance(over: c, width: width)
                i += width
            }
        }
        return nil
    }

    /// The 1-based position of a byte offset (for libyaml reader errors, which only give offsets).
    static func mark(ofByteOffset target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Mark {
        var i = 0
        var cursor = TextCursor()
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < min(target, bytes.count) {
            guard case .scalar(let c, let width) = decodeUTF8(bytes, at: i) else { break }
            cursor.advance(over: c, width: width)
            i += width
        }
        return cursor.mark
    }

    /// The character at a 1-based line:column, if any (used for hints such as tab indentation).
    static func character(at mark: Mark, in bytes: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var i = 0
        var cursor = TextCursor()
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < bytes.count, cursor.mark < mark {
            guard case .scalar(let c, let width) = decodeUTF8(bytes, at: i) else { return nil }
            cursor.advance(over: c, width: width)
            i += width
        }
        guard i < bytes.count, cursor.mark == mark, case .scalar(let c, _) = decodeUTF8(bytes, at: i) else { return nil }
        return c
    }

    static func unicodeName(_ c: UInt32) -> String {
        let hex = String(c, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
