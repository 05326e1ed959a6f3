/// Appends Kafka primitive types to a growing byte buffer.
///
/// Strings are checked against Kafka's `Short.MAX_VALUE` limit; everything else cannot fail.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 64) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    // MARK: Fixed-size integers (big-endian)

    public mutating func writeInt8(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }

    public mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    public mutating func writeInt16(_ value: Int16) { writeBigEndian(UInt64(UInt16(bitPattern: value)), width: 2) }

    public mutating func writeUInt16(_ value: UInt16) { writeBigEndian(UInt64(value), width: 2) }

    public mutating func writeInt32(_ value: Int32) { writeBigEndian(UInt64(UInt32(bitPattern: value)), width: 4) }

    public mutating func writeUInt32(_ value: UInt32) { writeBigEndian(UInt64(value), width: 4) }

    public mutating func writeInt64(_ value: Int64) { writeBigEndian(UInt64(bitPattern: value), width: 8) }

    public mutating func writeBool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func writeUUID(_ value: KafkaUUID) {
        writeBigEndian(value.high, width: 8)
        writeBigEndian(value.low, width: 8)
    }

    public mutating func writeUnsignedVarint(_ value: UInt32) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    public mutating func writeBytes(_ raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

    // MARK: Strings

    /// `STRING`.
    public mutating func writeString(_ value: String) throws(ProtocolError) {
        try writeNullableString(value)
    }

    /// `NULLABLE_STRING`: -1 for null.
    public mutating func writeNullableString(_ value: String?) throws(ProtocolError) {
        guard let value else { return writeInt16(-1) }
        let utf8 = try Self.checkedUTF8(value)
        writeInt16(Int16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    /// `COMPACT_STRING`.
    public mutating func writeCompactString(_ value: String) throws(ProtocolError) {
        try writeCompactNullableString(value)
    }

    /// `COMPACT_NULLABLE_STRING`: 0 for null.
    public mutating func writeCompactNullableString(_ value: String?) throws(ProtocolError) {
        guard let value else { return writeUnsignedVarint(0) }
        let utf8 = try Self.checkedUTF8(value)
        writeUnsignedVarint(UInt32(utf8.count + 1))
        bytes.append(contentsOf: utf8)
    }

    public mutating func writeString(_ value: String, compact: Bool) throws(ProtocolError) {
        compact ? try writeCompactString(value) : try writeString(value)
    }

    public mutating func writeNullableString(_ value: String?, compact: Bool) throws(ProtocolError) {
        compact ? try writeCompactNullableString(value) : try writeNullableString(value)
    }

    // MARK: Arrays

    /// The count prefix of an `ARRAY` (INT32, -1 for null) or a `COMPACT_ARRAY` (UVARINT(count + 1), 0 for null).
    public mutating func writeArrayCount(_ count: Int?, compact: Bool) {
        switch (count, compact) {
        case (nil, false): writeInt32(-1)
        case (nil, true): writeUnsignedVarint(0)
        case (let count?, false): writeInt32(Int32(count))
        case (let count?, true): writeUnsignedVarint(UInt32(count + 1))
        }
    }

    /// A nullable `ARRAY` or `COMPACT_ARRAY` whose elements `element` encodes.
    public mutating func writeNullableArray<Element>(
        _ elements: [Element]?,
        compact: Bool,
        _ element: (inout ByteWriter, Element) throws(ProtocolError) -> Void
    ) throws(ProtocolError) {
        writeArrayCount(elements?.count, compact: compact)
        for value in elements ?? [] {
            try element(&self, value)
        }
    }

    public mutating func writeArray<Element>(
        _ elements: [Element],
        compact: Bool,
        _ element: (inout ByteWriter, Element) throws(ProtocolError) -> Void
    ) throws(ProtocolError) {
        try writeNullableArray(Optional(elements), compact: compact, element)
    }

    /// An array of INT32 (no per-element tag buffer, even when compact).
    public mutating func writeInt32Array(_ values: [Int32], compact: Bool) {
        writeArrayCount(values.count, compact: compact)
        for value in values { writeInt32(value) }
    }

    /// An array of strings (no per-element tag buffer, even when compact).
    public mutating func writeNullableStringArray(_ values: [String]?, compact: Bool) throws(ProtocolError) {
        try writeNullableArray(values, compact: compact) { (writer, value) throws(ProtocolError) in
            try writer.writeString(value, compact: compact)
        }
    }

    // MARK: Tagged fields

    /// A `TAG_BUFFER`; `fields` must be in strictly increasing tag order.
    public mutating func writeTagBuffer(_ fields: [TaggedField] = []) throws(ProtocolError) {
        for (previous, next) in zip(fields, fields.dropFirst()) where next.tag <= previous.tag {
            throw .invalidValue("tagged field \(next.tag) after \(previous.tag): tags must strictly increase")
        }
        writeUnsignedVarint(UInt32(fields.count))
        for field in fields {
            writeUnsignedVarint(field.tag)
            writeUnsignedVarint(UInt32(field.data.count))
            bytes.append(contentsOf: field.data)
        }
    }

    /// The empty `TAG_BUFFER`, a single 0 byte.
    public mutating func writeEmptyTagBuffer() { writeUnsignedVarint(0) }

    // MARK: Framing

    /// Overwrites the 4 bytes at `offset` with `value`, for back-patching a size prefix.
    public mutating func patchInt32(_ value: Int32, at offset: Int) {
        let raw = UInt32(bitPattern: value)
        for index in 0..<4 {
            bytes[offset + index] = UInt8(truncatingIfNeeded: raw >> (24 - 8 * UInt32(index)))
        }
    }

    // MARK: Helpers

    private static func checkedUTF8(_ value: String) throws(ProtocolError) -> String.UTF8View {
        let utf8 = value.utf8
        guard utf8.count <= ByteReader.maxStringLength else {
            throw .invalidValue("string of \(utf8.count) bytes exceeds \(ByteReader.maxStringLength)")
        }
        return utf8
    }

    private mutating func writeBigEndian(_ value: UInt64, width: Int) {
        for index in stride(from: width - 1, through: 0, by: -1) {
            bytes.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(index))))
        }
    }
}
