/// Why a request body could not be read. Kafka closes the connection on any of these.
public struct WireError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Bounds-checked reader of the Kafka primitive types, classic and compact (KIP-482).
///
/// Every read throws ``WireError`` instead of trapping on truncated or hostile input, and every length or count
/// is checked against the bytes that remain before anything is allocated.
public struct WireReader {
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else {
            throw WireError("truncated: need \(count) bytes, \(remaining) left")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    private mutating func bigEndian<T: FixedWidthInteger>(_: T.Type) throws -> T {
        var value: T = 0
        for byte in try take(MemoryLayout<T>.size) { value = value << 8 | T(truncatingIfNeeded: byte) }
        return value
    }

    public mutating func int8() throws -> Int8 { Int8(bitPattern: try take(1).first!) }
    public mutating func int16() throws -> Int16 { try bigEndian(Int16.self) }
    public mutating func uint16() throws -> UInt16 { try bigEndian(UInt16.self) }
    public mutating func int32() throws -> Int32 { try bigEndian(Int32.self) }
    public mutating func int64() throws -> Int64 { try bigEndian(Int64.self) }
    /// Any non-zero byte reads as true.
    public mutating func bool() throws -> Bool { try take(1).first! != 0 }
    public mutating func uuid() throws -> [UInt8] { Array(try take(16)) }

    public mutating func unsignedVarint() throws -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            let byte = try take(1).first!
            guard shift < 35 else { throw WireError("varint too long") }
            if shift == 28 && byte & 0x70 != 0 { throw WireError("varint overflows 32 bits") }
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    // MARK: Strings

    private mutating func utf8(_ length: Int) throws -> String {
        String(decoding: try take(length), as: UTF8.self)
    }

    /// STRING or NULLABLE_STRING (INT16 length, -1 for null).
    public mutating func nullableString() throws -> String? {
        let length = Int(try int16())
        if length == -1 { return nil }
        guard length >= 0 else { throw WireError("negative string length \(length)") }
        return try utf8(length)
    }

    public mutating func string() throws -> String {
        guard let value = try nullableString() else { throw WireError("null in a non-nullable string") }
        return value
    }

    /// COMPACT_NULLABLE_STRING (UVARINT length+1, 0 for null).
    public mutating func compactNullableString() throws -> String? {
        let encoded = try unsignedVarint()
        if encoded == 0 { return nil }
        return try utf8(Int(encoded - 1))
    }

    public mutating func compactString() throws -> String {
        guard let value = try compactNullableString() else { throw WireError("null in a non-nullable compact string") }
        return value
    }

    /// Classic or compact string by the message version's flexibility.
    public mutating func string(compact: Bool) throws -> String {
        compact ? try compactString() : try string()
    }

    public mutating func nullableString(compact: Bool) throws -> String? {
        compact ? try compactNullableString() : try nullableString()
    }

    // MARK: Arrays

    /// The element count of an ARRAY (INT32, -1 null) or COMPACT_ARRAY (UVARINT count+1, 0 null); nil for null.
    /// A count larger than the remaining bytes (each element takes at least one) is rejected before allocation.
    public mutating func arrayCount(compact: Bool) throws -> Int? {
        let count: Int
        if compact {
            let encoded = try unsignedVarint()
            if encoded == 0 { return nil }
            count = Int(encoded - 1)
        } else {
            let raw = try int32()
            if raw == -1 { return nil }
            guard raw >= 0 else { throw WireError("negative array length \(raw)") }
            count = Int(raw)
        }
        guard count <= remaining else { throw WireError("array of \(count) elements in \(remaining) bytes") }
        return count
    }

    public mutating func array<T>(compact: Bool, _ element: (inout WireReader) throws -> T) throws -> [T]? {
        guard let count = try arrayCount(compact: compact) else { return nil }
        var items: [T] = []
        items.reserveCapacity(count)
        for _ in 0..<count { items.append(try element(&self)) }
        return items
    }

    // MARK: Tagged fields

    /// Reads a TAG_BUFFER, skipping every field by its size; tags must be strictly increasing, as Kafka requires.
    public mutating func skipTaggedFields() throws {
        let count = try unsignedVarint()
        guard Int(count) <= remaining else { throw WireError("\(count) tagged fields in \(remaining) bytes") }
        var previous: Int64 = -1
        for _ in 0..<count {
            let tag = Int64(try unsignedVarint())
            guard tag > previous else { throw WireError("Invalid or out-of-order tag \(tag)") }
            previous = tag
            let size = Int(try unsignedVarint())
            _ = try take(size)
        }
    }
}
