import KafkaProtocol

/// A request the proxy forwarded and whose response it waits for.
public struct PendingResponse: Sendable, Equatable {
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationID: Int32

    public init(apiKey: Int16, apiVersion: Int16, correlationID: Int32) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationID = correlationID
    }
}

/// What kafka-proxy v0.3.11 reads of each request before forwarding it untouched (`proxy/processor_default.go`):
/// the api key and version, the correlation id, and for Produce v0-10 the `acks` (0: no response will come).
public enum RequestInspection {
    static let validApiKeys: ClosedRange<Int16> = 0...120
    static let produceVersions: ClosedRange<Int16> = 0...10

    /// The response to wait for, or nil when none will come (Produce with `acks=0`). `payload` is the frame without
    /// its size. Throws when the proxy closes the connection instead.
    public static func inspect(_ payload: [UInt8], forbidden: Set<Int16> = []) throws(ProxyRefusal) -> PendingResponse? {
        let (request, expectsResponse) = try classify(payload, forbidden: forbidden)
        return expectsResponse ? request : nil
    }

    /// The request's key, version and correlation id, and whether a response will come; throws when the proxy
    /// closes the connection instead.
    public static func classify(_ payload: [UInt8], forbidden: Set<Int16> = []) throws(ProxyRefusal) -> (request: PendingResponse, expectsResponse: Bool) {
        var reader = ByteReader(payload)
        let key: Int16
        let version: Int16
        let correlationID: Int32
        do {
            key = try reader.readInt16()
            version = try reader.readInt16()
            correlationID = try reader.readInt32()
        } catch {
            throw .malformed("request header: \(error)")
        }
        guard validApiKeys.contains(key) else { throw .invalidApiKey(key) }
        guard !forbidden.contains(key) else { throw .forbiddenApiKey(key) }
        let pending = PendingResponse(apiKey: key, apiVersion: version, correlationID: correlationID)
        guard key == ApiKey.produce.rawValue else { return (pending, true) }
        guard produceVersions.contains(version) else { throw .unsupportedProduceVersion(version) }
        do {
            _ = try reader.readNullableString()  // client id (request header v1 and v2)
            let flexible = version >= 9
            if flexible { try reader.skipTagBuffer() }
            if version >= 3 { _ = try reader.readNullableString(compact: flexible) }  // transactional id
            let acks = try reader.readInt16()
            return (pending, acks != 0)
        } catch {
            throw .malformed("produce request: \(error)")
        }
    }
}
