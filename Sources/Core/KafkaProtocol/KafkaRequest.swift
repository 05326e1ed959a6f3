/// A request of one Kafka API at one version, which knows how to encode itself and decode its response.
///
/// Conforming types encode only the body; the extension adds the request header (v1, or v2 when the version is
/// flexible), the optional INT32 size prefix, and response-header handling (v0, or v1 when flexible, except where a
/// request overrides `responseHeaderVersion`, as ApiVersions does per KIP-511).
public protocol KafkaRequest: Sendable {
    associatedtype Response: Sendable

    static var apiKey: ApiKey { get }
    /// The versions this codec implements for the API.
    static var supportedVersions: ClosedRange<Int16> { get }
    /// The first version using flexible (compact, tagged) encodings.
    static var firstFlexibleVersion: Int16 { get }

    /// The version to send; must lie in `supportedVersions`.
    var version: Int16 { get }
    /// The response header version: 1 for flexible versions, else 0, unless the API says otherwise.
    var responseHeaderVersion: Int16 { get }

    func encodeBody(into writer: inout ByteWriter) throws(ProtocolError)
    func decodeResponseBody(from reader: inout ByteReader) throws(ProtocolError) -> Response
}

extension KafkaRequest {
    public var isFlexible: Bool { version >= Self.firstFlexibleVersion }

    public var requestHeaderVersion: Int16 { isFlexible ? 2 : 1 }

    public var responseHeaderVersion: Int16 { isFlexible ? 1 : 0 }

    /// Header + body, without the INT32 size prefix.
    public func encode(correlationID: Int32, clientID: String?) throws(ProtocolError) -> [UInt8] {
        var writer = ByteWriter()
        try encode(into: &writer, correlationID: correlationID, clientID: clientID)
        return writer.bytes
    }

    /// INT32 size + header + body: the bytes to write to the socket.
    public func encodeFramed(correlationID: Int32, clientID: String?) throws(ProtocolError) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeInt32(0)
        try encode(into: &writer, correlationID: correlationID, clientID: clientID)
        writer.patchInt32(Int32(writer.count - 4), at: 0)
        return writer.bytes
    }

    /// Decodes a response frame's payload (header + body, without the size prefix).
    public func decodeResponse(payload: [UInt8]) throws(ProtocolError) -> (correlationID: Int32, response: Response) {
        var reader = ByteReader(payload)
        let header = try ResponseHeader.decode(from: &reader, version: responseHeaderVersion)
        let response = try decodeResponseBody(from: &reader)
        try reader.expectEnd()
        return (header.correlationID, response)
    }

    /// Decodes a response body (the bytes after the response header); every byte must be consumed.
    public func decodeResponse(body: [UInt8]) throws(ProtocolError) -> Response {
        var reader = ByteReader(body)
        let response = try decodeResponseBody(from: &reader)
        try reader.expectEnd()
        return response
    }

    /// Throws `unknownVersion` unless `version` is implemented.
    public func checkVersion() throws(ProtocolError) {
        guard Self.supportedVersions.contains(version) else {
            throw .unknownVersion(apiKey: Self.apiKey.rawValue, version: version)
        }
    }

    private func encode(into writer: inout ByteWriter, correlationID: Int32, clientID: String?) throws(ProtocolError) {
        try checkVersion()
        let header = RequestHeader(
            apiKey: Self.apiKey, apiVersion: version, correlationID: correlationID, clientID: clientID
        )
        try header.encode(into: &writer, version: requestHeaderVersion)
        try encodeBody(into: &writer)
    }
}

/// Request header v1 (`ApiKey, ApiVersion, CorrelationId, ClientId`), and v2 which appends a `TAG_BUFFER`.
/// `ClientId` is an INT16-length string in both, so any broker can read the header of any ApiVersions request.
public struct RequestHeader: Equatable, Sendable {
    public var apiKey: ApiKey
    public var apiVersion: Int16
    public var correlationID: Int32
    public var clientID: String?

    public init(apiKey: ApiKey, apiVersion: Int16, correlationID: Int32, clientID: String?) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationID = correlationID
        self.clientID = clientID
    }

    public func encode(into writer: inout ByteWriter, version: Int16) throws(ProtocolError) {
        writer.writeInt16(apiKey.rawValue)
        writer.writeInt16(apiVersion)
        writer.writeInt32(correlationID)
        try writer.writeNullableString(clientID)
        if version >= 2 { writer.writeEmptyTagBuffer() }
    }

    public static func decode(from reader: inout ByteReader, version: Int16) throws(ProtocolError) -> RequestHeader {
        let apiKey = ApiKey(rawValue: try reader.readInt16())
        let apiVersion = try reader.readInt16()
        let correlationID = try reader.readInt32()
        let clientID = try reader.readNullableString()
        if version >= 2 { try reader.skipTagBuffer() }
        return RequestHeader(apiKey: apiKey, apiVersion: apiVersion, correlationID: correlationID, clientID: clientID)
    }
}

/// Response header v0 (`CorrelationId`) and v1 (`CorrelationId` + `TAG_BUFFER`).
public struct ResponseHeader: Equatable, Sendable {
    public var correlationID: Int32

    public init(correlationID: Int32) { self.correlationID = correlationID }

    public static func decode(from reader: inout ByteReader, version: Int16) throws(ProtocolError) -> ResponseHeader {
        let correlationID = try reader.readInt32()
        if version >= 1 { try reader.skipTagBuffer() }
        return ResponseHeader(correlationID: correlationID)
    }

    public func encode(into writer: inout ByteWriter, version: Int16) {
        writer.writeInt32(correlationID)
        if version >= 1 { writer.writeEmptyTagBuffer() }
    }
}
