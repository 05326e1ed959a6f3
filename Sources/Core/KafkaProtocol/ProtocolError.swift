/// Why bytes could not be decoded (or a value could not be encoded) as the Kafka wire protocol.
///
/// Every decoding path throws one of these instead of trapping, so a hostile or buggy peer can at worst make one
/// request fail. Offsets are relative to the start of the buffer the `ByteReader` was created over.
public enum ProtocolError: Error, Equatable, Hashable, Sendable {
    /// The buffer ended `needed` bytes into a field of which only `remaining` were left.
    case truncated(needed: Int, remaining: Int, offset: Int)
    /// A length or count prefix that no valid message can carry (e.g. negative other than the null marker).
    case invalidLength(Int, offset: Int)
    /// A length or count above a sanity limit, or above what the remaining bytes could hold.
    case tooLarge(Int, limit: Int, offset: Int)
    /// An `UNSIGNED_VARINT` longer than 5 bytes or beyond 32 bits.
    case malformedVarint(offset: Int)
    /// A string whose bytes are not UTF-8.
    case invalidUTF8(offset: Int)
    /// A null where the schema allows none (e.g. a null `STRING` or a null `ARRAY` in a non-nullable field).
    case unexpectedNull(offset: Int)
    /// Tagged fields not in strictly increasing tag order.
    case tagOrder(previous: UInt32, tag: UInt32, offset: Int)
    /// The message was decoded completely but `count` bytes were left over.
    case trailingBytes(count: Int, offset: Int)
    /// A response whose correlation id is not the one of the request it answers.
    case correlationMismatch(expected: Int32, received: Int32)
    /// An API version this codec does not implement (unknown to us, not necessarily to the broker).
    case unknownVersion(apiKey: Int16, version: Int16)
    /// A value that cannot be encoded as asked (e.g. too long, or not allowed by this version).
    case invalidValue(String)
}

extension ProtocolError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .truncated(let needed, let remaining, let offset):
            "truncated message: needed \(needed) bytes at offset \(offset), only \(remaining) left"
        case .invalidLength(let length, let offset):
            "invalid length \(length) at offset \(offset)"
        case .tooLarge(let value, let limit, let offset):
            "length/count \(value) at offset \(offset) exceeds the limit \(limit)"
        case .malformedVarint(let offset):
            "malformed unsigned varint at offset \(offset)"
        case .invalidUTF8(let offset):
            "string at offset \(offset) is not valid UTF-8"
        case .unexpectedNull(let offset):
            "unexpected null at offset \(offset)"
        case .tagOrder(let previous, let tag, let offset):
            "invalid or out-of-order tag \(tag) after \(previous) at offset \(offset)"
        case .trailingBytes(let count, let offset):
            "\(count) unexpected trailing bytes at offset \(offset)"
        case .correlationMismatch(let expected, let received):
            "response correlation id \(received) does not match the request's \(expected)"
        case .unknownVersion(let apiKey, let version):
            "\(ApiKey(rawValue: apiKey)) v\(version) is not implemented by this codec"
        case .invalidValue(let detail):
            "invalid value: \(detail)"
        }
    }
}
