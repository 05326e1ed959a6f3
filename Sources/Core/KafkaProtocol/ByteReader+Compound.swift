/// Strings, arrays and tag buffers, in the classic and the compact (flexible, KIP-482) encodings.
extension ByteReader {
    // MARK: Strings

    /// `STRING`: INT16 length + UTF-8. A null (-1) is an error.
    public mutating func readString() throws(ProtocolError) -> String {
        let start = offset
        guard let string = try readNullableString() else { throw .unexpectedNull(offset: start) }
        return string
    }

    /// `NULLABLE_STRING`: INT16 length + UTF-8, -1 for null.
    public mutating func readNullableString() throws(ProtocolError) -> String? {
        let start = offset
        let length = Int(try readInt16())
        if length == -1 { return nil }
        guard length >= 0 else { throw .invalidLength(length, offset: start) }
        return try readUTF8(length)
    }

    /// `COMPACT_STRING`: UVARINT(length + 1) + UTF-8. A null (0) is an error.
    public mutating func readCompactString() throws(ProtocolError) -> String {
        let start = offset
        guard let string = try readCompactNullableString() else { throw .unexpectedNull(offset: start) }
        return string
    }

    /// `COMPACT_NULLABLE_STRING`: UVARINT(length + 1) + UTF-8, 0 for null.
    public mutating func readCompactNullableString() throws(ProtocolError) -> String? {
        let start = offset
        let encoded = try readUnsignedVarint()
        if encoded == 0 { return nil }
        let length = Int(encoded - 1)
        guard length <= Self.maxStringLength else {
            throw .tooLarge(length, limit: Self.maxStringLength, offset: start)
        }
        return try readUTF8(length)
    }

    /// `COMPACT_STRING` when `compact`, else `STRING`.
    public mutating func readString(compact: Bool) throws(ProtocolError) -> String {
        compact ? try readCompactString() : try readString()
    }

    /// `COMPACT_NULLABLE_STRING` when `compact`, else `NULLABLE_STRING`.
    public mutating func readNullableString(compact: Bool) throws(ProtocolError) -> String? {
        compact ? try readCompactNullableString() : try readNullableString()
    }

    // MARK: Arrays

    /// The element count of an `ARRAY` (INT32, -1 for null) or a `COMPACT_ARRAY` (UVARINT(count + 1), 0 for null),
    /// bounded by `maxArrayCount` and by the remaining bytes given that each element takes at least
    /// `minElementSize` bytes.
    public mutating func readArrayCount(compact: Bool, minElementSize: Int = 1) throws(ProtocolError) -> Int? {
        let start = offset
        let count: Int
        if compact {
            let encoded = try readUnsignedVarint()
            if encoded == 0 { return nil }
            count = Int(encoded - 1)
        } else {
            let raw = Int(try readInt32())
            if raw == -1 { return nil }
            guard raw >= 0 else { throw .invalidLength(raw, offset: start) }
            count = raw
        }
        guard count <= Self.maxArrayCount else {
            throw .tooLarge(count, limit: Self.maxArrayCount, offset: start)
        }
        let fits = remaining / max(minElementSize, 1)
        guard count <= fits else { throw .tooLarge(count, limit: fits, offset: start) }
        return count
    }

    /// A nullable `ARRAY` or `COMPACT_ARRAY` whose elements `element` decodes.
    public mutating func readNullableArray<Element>(
        compact: Bool,
        minElementSize: Int = 1,
        _ element: (inout ByteReader) throws(ProtocolError) -> Element
    ) throws(ProtocolError) -> [Element]? {
        guard let count = try readArrayCount(compact: compact, minElementSize: minElementSize) else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count {
            elements.append(try element(&self))
        }
        return elements
    }

    /// A non-nullable `ARRAY` or `COMPACT_ARRAY`; a null is an error.
    public mutating func readArray<Element>(
        compact: Bool,
        minElementSize: Int = 1,
        _ element: (inout ByteReader) throws(ProtocolError) -> Element
    ) throws(ProtocolError) -> [Element] {
        let start = offset
        guard let elements = try readNullableArray(compact: compact, minElementSize: minElementSize, element) else {
            throw .unexpectedNull(offset: start)
        }
        return elements
    }

    /// An array of INT32 (no per-element tag buffer, even when compact).
    public mutating func readInt32Array(compact: Bool) throws(ProtocolError) -> [Int32] {
        try readArray(compact: compact, minElementSize: 4) { (reader: inout ByteReader) throws(ProtocolError) in
            try reader.readInt32()
        }
    }

    /// An array of strings (no per-element tag buffer, even when compact).
    public mutating func readNullableStringArray(compact: Bool) throws(ProtocolError) -> [String]? {
        try readNullableArray(compact: compact, minElementSize: compact ? 1 : 2) {
            (reader: inout ByteReader) throws(ProtocolError) in
            try reader.readString(compact: compact)
        }
    }

    // MARK: Tagged fields

    /// Reads a `TAG_BUFFER`, skipping every field by its size (the codec decodes no tagged fields), after checking
    /// that tags strictly increase and sizes fit in the remaining bytes.
    public mutating func skipTagBuffer() throws(ProtocolError) {
        try readTagBuffer { (_, _) throws(ProtocolError) in }
    }

    /// Reads a `TAG_BUFFER` and returns its fields undecoded.
    public mutating func readTaggedFields() throws(ProtocolError) -> [TaggedField] {
        var fields: [TaggedField] = []
        try readTagBuffer { (tag, data) throws(ProtocolError) in fields.append(TaggedField(tag: tag, data: data)) }
        return fields
    }

    private mutating func readTagBuffer(
        _ field: (UInt32, [UInt8]) throws(ProtocolError) -> Void
    ) throws(ProtocolError) {
        let start = offset
        let count = Int(try readUnsignedVarint())
        // Every field takes at least two bytes: its tag and its size.
        guard count <= remaining / 2 else { throw .tooLarge(count, limit: remaining / 2, offset: start) }
        var previous: UInt32?
        for _ in 0..<count {
            let tagOffset = offset
            let tag = try readUnsignedVarint()
            if let previous, tag <= previous {
                throw .tagOrder(previous: previous, tag: tag, offset: tagOffset)
            }
            previous = tag
            let sizeOffset = offset
            let size = Int(try readUnsignedVarint())
            guard size <= remaining else { throw .tooLarge(size, limit: remaining, offset: sizeOffset) }
            try field(tag, try readBytes(size))
        }
    }
}

/// One field of a `TAG_BUFFER`, undecoded.
public struct TaggedField: Equatable, Hashable, Sendable {
    public var tag: UInt32
    public var data: [UInt8]

    public init(tag: UInt32, data: [UInt8]) {
        self.tag = tag
        self.data = data
    }
}
