/// One API's supported version range, as a broker advertises it.
public struct ApiVersionRange: Equatable, Hashable, Sendable {
    public var apiKey: Int16
    public var minVersion: Int16
    public var maxVersion: Int16

    public init(apiKey: Int16, minVersion: Int16, maxVersion: Int16) {
        self.apiKey = apiKey
        self.minVersion = minVersion
        self.maxVersion = maxVersion
    }

    public var versions: ClosedRange<Int16>? { minVersion <= maxVersion ? minVersion...maxVersion : nil }
}

/// The ApiVersions response. The tagged feature fields of v3+ are skipped.
public struct ApiVersionsResponse: Equatable, Sendable {
    public var errorCode: KafkaErrorCode
    public var apiKeys: [ApiVersionRange]
    /// 0 when the decoded body had none (v0, and the UNSUPPORTED_VERSION body).
    public var throttleTimeMs: Int32
    /// The schema version the body was decoded with: the requested one, or 0 for the UNSUPPORTED_VERSION body.
    public var decodedVersion: Int16

    public init(
        errorCode: KafkaErrorCode, apiKeys: [ApiVersionRange], throttleTimeMs: Int32 = 0, decodedVersion: Int16
    ) {
        self.errorCode = errorCode
        self.apiKeys = apiKeys
        self.throttleTimeMs = throttleTimeMs
        self.decodedVersion = decodedVersion
    }

    /// The broker's range for `api`, or nil when it does not advertise the API.
    public func range(for api: ApiKey) -> ApiVersionRange? {
        apiKeys.first { $0.apiKey == api.rawValue }
    }

    /// The version to use for `api`: `min(clientMax, brokerMax)` when it is `>= max(clientMin, brokerMin)`.
    public func negotiatedVersion(for api: ApiKey, client: ClosedRange<Int16>) -> Int16? {
        VersionNegotiation.negotiate(client: client, broker: range(for: api))
    }

    /// The ApiVersions version to retry with after `UNSUPPORTED_VERSION` for `requested`: the broker's advertised
    /// ApiVersions maximum capped at `clientMax` and below `requested` (so retries always make progress), or 0
    /// when the broker did not say.
    public func fallbackVersion(requested: Int16, clientMax: Int16 = 3) -> Int16 {
        guard let entry = range(for: .apiVersions) else { return 0 }
        return max(0, min(entry.maxVersion, clientMax, requested - 1))
    }

    /// Decodes a body of `version`, which must extend to the end of `reader`.
    ///
    /// The INT16 error code sits at the same offset in every version. When it is `UNSUPPORTED_VERSION` the broker
    /// used the v0 schema (KIP-511), so the rest is decoded as v0; a rest that is not a valid v0 body (librdkafka
    /// 2.0.2's mock broker sends a compact/classic hybrid) is skipped, leaving just the error code, so that the
    /// client still falls back (to v0, as there is no ApiVersions entry).
    public static func decode(
        from reader: inout ByteReader, version: Int16
    ) throws(ProtocolError) -> ApiVersionsResponse {
        guard ApiVersionsRequest.supportedVersions.contains(version) else {
            throw .unknownVersion(apiKey: ApiKey.apiVersions.rawValue, version: version)
        }
        let errorCode = KafkaErrorCode(rawValue: try reader.readInt16())
        guard errorCode == .unsupportedVersion else {
            return try decodeBody(from: &reader, errorCode: errorCode, schema: version)
        }
        var attempt = reader
        if let response = try? decodeBody(from: &attempt, errorCode: errorCode, schema: 0), attempt.isAtEnd {
            reader = attempt
            return response
        }
        try reader.skip(reader.remaining)
        return ApiVersionsResponse(errorCode: errorCode, apiKeys: [], decodedVersion: 0)
    }

    private static func decodeBody(
        from reader: inout ByteReader, errorCode: KafkaErrorCode, schema: Int16
    ) throws(ProtocolError) -> ApiVersionsResponse {
        let compact = schema >= ApiVersionsRequest.firstFlexibleVersion
        let apiKeys = try reader.readArray(compact: compact, minElementSize: compact ? 7 : 6) {
            (reader: inout ByteReader) throws(ProtocolError) in
            let range = ApiVersionRange(
                apiKey: try reader.readInt16(), minVersion: try reader.readInt16(), maxVersion: try reader.readInt16()
            )
            if compact { try reader.skipTagBuffer() }
            return range
        }
        let throttleTimeMs = schema >= 1 ? try reader.readInt32() : 0
        if compact { try reader.skipTagBuffer() }
        return ApiVersionsResponse(
            errorCode: errorCode, apiKeys: apiKeys, throttleTimeMs: throttleTimeMs, decodedVersion: schema
        )
    }

    /// Encodes the body as `version` would carry it (for test doubles; the tagged feature fields are left out).
    public func encode(into writer: inout ByteWriter, version: Int16) {
        let compact = version >= ApiVersionsRequest.firstFlexibleVersion
        writer.writeInt16(errorCode.rawValue)
        writer.writeArrayCount(apiKeys.count, compact: compact)
        for range in apiKeys {
            writer.writeInt16(range.apiKey)
            writer.writeInt16(range.minVersion)
            writer.writeInt16(range.maxVersion)
            if compact { writer.writeEmptyTagBuffer() }
        }
        if version >= 1 { writer.writeInt32(throttleTimeMs) }
        if compact { writer.writeEmptyTagBuffer() }
    }
}
