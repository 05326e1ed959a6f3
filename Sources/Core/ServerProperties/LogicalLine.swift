/// One logical line as Java's `LineReader` returns it, and its split and decoding as `Properties.load0` and
/// `loadConvert` do them.
struct LogicalLine {
    /// ISO-8859-1 bytes, one per Java `char`.
    private(set) var chars: [UInt8] = []
    /// Where each physical line's contribution starts, with its 1-based number, for error positions.
    private var origins: [(offset: Int, line: Int)] = []

    var isEmpty: Bool { chars.isEmpty }

    mutating func append(_ content: ArraySlice<UInt8>, physicalLine: Int) {
        origins.append((chars.count, physicalLine))
        chars += content
    }

    mutating func dropLastCharacter() { chars.removeLast() }

    /// The key runs to the first unescaped `=`, `:` or white space; then white space, at most one `=` or `:`,
    /// and more white space are skipped; the rest, trailing white space included, is the value.
    func keyAndValue() throws -> (key: String, value: String) {
        let limit = chars.count
        var keyLen = 0
        var valueStart = limit
        var hasSeparator = false
        var precedingBackslash = false
        while keyLen < limit {
            let c = chars[keyLen]
            if (c == Byte.equals || c == Byte.colon) && !precedingBackslash {
                valueStart = keyLen + 1
                hasSeparator = true
                break
            } else if Byte.isWhitespace(c) && !precedingBackslash {
                valueStart = keyLen + 1
                break
            }
            precedingBackslash = c == Byte.backslash ? !precedingBackslash : false
            keyLen += 1
        }
        while valueStart < limit {
            let c = chars[valueStart]
            if !Byte.isWhitespace(c) {
                if !hasSeparator && (c == Byte.equals || c == Byte.colon) {
                    hasSeparator = true
                } else {
                    break
                }
            }
            valueStart += 1
        }
        return (try decode(0..<keyLen), try decode(valueStart..<limit))
    }

    /// `loadConvert`: `\t \n \r \f`, `\uXXXX` with exactly four hex digits (else Java's error), any other
    /// escaped character stands for itself. The UTF-16 result must be valid to become a Swift `String`.
    private func decode(_ range: Range<Int>) throws -> String {
        var units: [UInt16] = []
        units.reserveCapacity(range.count)
        var off = range.lowerBound
        let end = range.upperBound
        while off < end {
            let c = chars[off]
            off += 1
            guard c == Byte.backslash else {
                units.append(UInt16(c))
                continue
            }
            // Java needs no bounds check here: a logical line never ends in an unescaped backslash.
            guard off < end else { break }
            let escapeStart = off - 1
            let escaped = chars[off]
            off += 1
            switch escaped {
            case UInt8(ascii: "u"):
                guard off <= end - 4 else { throw PropertiesError(line: line(at: escapeStart), message: PropertiesError.malformedUnicode) }
                var value: UInt16 = 0
                for _ in 0..<4 {
                    guard let digit = Self.hexValue(chars[off]) else {
                        throw PropertiesError(line: line(at: escapeStart), message: PropertiesError.malformedUnicode)
                    }
                    value = (value << 4) + digit
                    off += 1
                }
                units.append(value)
            case UInt8(ascii: "t"): units.append(0x09)
            case UInt8(ascii: "r"): units.append(0x0D)
            case UInt8(ascii: "n"): units.append(0x0A)
            case UInt8(ascii: "f"): units.append(0x0C)
            default: units.append(UInt16(escaped))
            }
        }
        return try string(fromUTF16: units, line: line(at: range.lowerBound))
    }

    private func string(fromUTF16 units: [UInt16], line: Int) throws -> String {
        var scalars = String.UnicodeScalarView()
        var iterator = units.makeIterator()
        var codec = UTF16()
        while true {
            switch codec.decode(&iterator) {
            case .scalarValue(let scalar): scalars.append(scalar)
            case .emptyInput: return String(scalars)
            case .error:
                let lone = units.first { UTF16.isLeadSurrogate($0) || UTF16.isTrailSurrogate($0) } ?? 0
                throw PropertiesError(line: line, message: PropertiesError.unpairedSurrogate(lone))
            }
        }
    }

    /// 1-based physical line holding the logical character at `offset`.
    private func line(at offset: Int) -> Int {
        origins.last { $0.offset <= offset }?.line ?? origins.first?.line ?? 1
    }

    private static func hexValue(_ c: UInt8) -> UInt16? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt16(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt16(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt16(c - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
