/// Builds Kafka wire bytes: big-endian integers, classic and compact strings and arrays, tag buffers.
public struct WireWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public init(reservingCapacity capacity: Int) { bytes.reserveCapacity(capacity) }

    private mutating func bigEndian<T: FixedWidthInteger>(_ value: T) {
        var shift = T.bitWidth - 8
        while shift >= 0 {
            bytes.append(UInt8(truncatingIfNeeded: value >> shift))
            shift -= 8
        }
    }

    public mutating func int8(_ value: Int8) { bytes.append(UInt8(bitPattern: value)) }
    public mutating func int16(_ value: Int16) { bigEndian(value) }
    public mutating func uint16(_ value: UInt16) { bigEndian(value) }
    public mutating func int32(_ value: Int32) { bigEndian(value) }
    public mutating func int64(_ value: Int64) { bigEndian(value) }
    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    public mutating func raw(_ value: [UInt8]) { bytes += value }

    /// A UUID is 16 raw bytes; anything else is padded or cut to 16.
    public mutating func uuid(_ value: [UInt8]) {
        bytes += value.prefix(16)
        if value.count < 16 { bytes += [UInt8](repeating: 0, count: 16 - value.count) }
    }

    public mutating func unsignedVarint(_ value: UInt32) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    // MARK: Strings

    /// STRING / NULLABLE_STRING (INT16 length), or the compact forms when `compact`.
    public mutating func string(_ value: String?, compact: Bool) {
        guard let value else {
            if compact { unsignedVarint(0) } else { int16(-1) }
            return
        }
        let utf8 = Array(value.utf8.prefix(Int(Int16.max)))
        if compact { unsignedVarint(UInt32(utf8.count + 1)) } else { int16(Int16(utf8.count)) }
        bytes += utf8
    }

    // MARK: Arrays

    /// The count prefix of an ARRAY (INT32, -1 null) or COMPACT_ARRAY (UVARINT count+1, 0 null).
    public mutating func arrayCount(_ count: Int?, compact: Bool) {
        guard let count else {
            if compact { unsignedVarint(0) } else { int32(-1) }
            return
        }
        if compact { unsignedVarint(UInt32(count + 1)) } else { int32(Int32(count)) }
    }

    public mutating func array<T>(_ items: [T]?, compact: Bool, _ element: (inout WireWriter, T) -> Void) {
        arrayCount(items?.count, compact: compact)
        for item in items ?? [] { element(&self, item) }
    }

    /// An array of INT32 (no per-element tag buffer even when compact).
    public mutating func int32Array(_ items: [Int32], compact: Bool) {
        array(items, compact: compact) { $0.int32($1) }
    }

    /// An empty TAG_BUFFER (one zero byte), written only for flexible versions.
    public mutating func emptyTaggedFields(if flexible: Bool = true) {
        if flexible { bytes.append(0) }
    }

    /// A frame: INT32 size then the bytes.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: payload.count + 4)
        writer.int32(Int32(payload.count))
        writer.raw(payload)
        return writer.bytes
    }
}
