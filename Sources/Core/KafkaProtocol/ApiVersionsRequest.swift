/// ApiVersions (key 18): v0-v2 have an empty body; v3+ carry the client software name and version.
///
/// The response always uses response header v0 (KIP-511), and a broker that does not know the requested version
/// answers with the v0 body and `UNSUPPORTED_VERSION`, which `decodeResponseBody` handles.
public struct ApiVersionsRequest: KafkaRequest {
    public typealias Response = ApiVersionsResponse

    public static let apiKey = ApiKey.apiVersions
    public static let supportedVersions: ClosedRange<Int16> = 0...4
    public static let firstFlexibleVersion: Int16 = 3

    public var version: Int16
    public var clientSoftwareName: String
    public var clientSoftwareVersion: String

    public init(
        version: Int16 = 3, clientSoftwareName: String = "kafka-reconciler", clientSoftwareVersion: String = "1.0.0"
    ) {
        self.version = version
        self.clientSoftwareName = clientSoftwareName
        self.clientSoftwareVersion = clientSoftwareVersion
    }

    /// KIP-511: always response header v0, even for flexible versions.
    public var responseHeaderVersion: Int16 { 0 }

    public func encodeBody(into writer: inout ByteWriter) throws(ProtocolError) {
        guard isFlexible else { return }
        for value in [clientSoftwareName, clientSoftwareVersion] where !Self.isValidSoftwareField(value) {
            throw .invalidValue(
                "client software name/version \"\(value)\" must match [a-zA-Z0-9](?:[a-zA-Z0-9\\-.]*[a-zA-Z0-9])?")
        }
        try writer.writeCompactString(clientSoftwareName)
        try writer.writeCompactString(clientSoftwareVersion)
        writer.writeEmptyTagBuffer()
    }

    public func decodeResponseBody(from reader: inout ByteReader) throws(ProtocolError) -> ApiVersionsResponse {
        try ApiVersionsResponse.decode(from: &reader, version: version)
    }

    /// The broker's regex: `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`; otherwise it answers INVALID_REQUEST.
    static func isValidSoftwareField(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        func alnum(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }
}
