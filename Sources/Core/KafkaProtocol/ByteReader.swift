/// A cursor over received bytes that decodes Kafka primitive types.
///
/// The reader never trusts a length it has not bounded: every length and count is checked against the bytes that
/// remain (and counts against `maxArrayCount`) before anything is read or allocated, and every failure is a thrown
/// `ProtocolError`, never a trap.
public struct ByteReader: Sendable {
    /// The most elements any decoded array may declare, whatever the remaining bytes.
    public static let maxArrayCount = 1 << 20
    /// The longest string Kafka allows (`Short.MAX_VALUE`), in classic and compact encodings alike.
    public static let maxStringLength = Int(Int16.max)

    private let bytes: [UInt8]
    /// The position of the next byte to read.
    public private(set) var offset: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
    }

    public init(_ bytes: ArraySlice<UInt8>) {
        self.init(Array(bytes))
    }

    /// Bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    public var isAtEnd: Bool { offset == bytes.count }

    /// Throws `trailingBytes` unless every byte has been read.
    public func expectEnd() throws(ProtocolError) {
        guard isAtEnd else { throw .trailingBytes(count: remaining, offset: offset) }
    }

    // MARK: Fixed-size integers (big-endian)

    public mutating func readInt8() throws(ProtocolError) -> Int8 {
        Int8(bitPattern: try readUInt8())
    }

    public mutating func readUInt8() throws(ProtocolError) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readInt16() throws(ProtocolError) -> Int16 {
        Int16(bitPattern: UInt16(truncatingIfNeeded: try readBigEndian(2)))
    }

    public mutating func readUInt16() throws(ProtocolError) -> UInt16 {
        UInt16(truncatingIfNeeded: try readBigEndian(2))
    }

    public mutating func readInt32() throws(ProtocolError) -> Int32 {
        Int32(bitPattern: UInt32(truncatingIfNeeded: try readBigEndian(4)))
    }

    public mutating func readUInt32() throws(ProtocolError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readBigEndian(4))
    }

    public mutating func readInt64() throws(ProtocolError) -> Int64 {
        Int64(bitPattern: try readBigEndian(8))
    }

    /// Kafka reads any non-zero byte as true.
    public mutating func readBool() throws(ProtocolError) -> Bool {
        try readUInt8() != 0
    }

    public mutating func readUUID() throws(ProtocolError) -> KafkaUUID {
        let high = try readBigEndian(8)
        let low = try readBigEndian(8)
        return KafkaUUID(high: high, low: low)
    }

    // MARK: Varints

    /// An `UNSIGNED_VARINT`: at most 5 bytes, 7 bits each, least-significant group first, at most 32 bits.
    public mutating func readUnsignedVarint() throws(ProtocolError) -> UInt32 {
        let start = offset
        var value: UInt32 = 0
        var shift: UInt32 = 0
        while true {
            guard offset < bytes.count else {
                throw .truncated(needed: 1, remaining: 0, offset: offset)
            }
            let byte = bytes[offset]
            offset += 1
            if shift == 28 {
                // The fifth byte may only carry the top 4 bits and must end the varint.
                guard byte & 0xF0 == 0 else {
                    offset = start
                    throw .malformedVarint(offset: start)
                }
                return value | UInt32(byte) << 28
            }
            value |= UInt32(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
    }

    // MARK: Raw bytes

    /// Reads exactly `count` bytes after checking they are there.
    public mutating func readBytes(_ count: Int) throws(ProtocolError) -> [UInt8] {
        guard count >= 0 else { throw .invalidLength(count, offset: offset) }
        try require(count)
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    /// Skips exactly `count` bytes after checking they are there.
    public mutating func skip(_ count: Int) throws(ProtocolError) {
        guard count >= 0 else { throw .invalidLength(count, offset: offset) }
        try require(count)
        offset += count
    }

    /// Decodes `count` bytes as UTF-8 after checking they are there.
    mutating func readUTF8(_ count: Int) throws(ProtocolError) -> String {
        try require(count)
        let start = offset
        guard let string = String(validating: bytes[start..<start + count], as: UTF8.self) else {
            throw .invalidUTF8(offset: start)
        }
        offset += count
        return string
    }

    // MARK: Helpers

    func require(_ count: Int) throws(ProtocolError) {
        guard count <= remaining else {
            throw .truncated(needed: count, remaining: remaining, offset: offset)
        }
    }

    private mutating func readBigEndian(_ width: Int) throws(ProtocolError) -> UInt64 {
        try require(width)
        var value: UInt64 = 0
        for index in offset..<offset + width {
            value = value << 8 | UInt64(bytes[index])
        }
        offset += width
        return value
    }
}
