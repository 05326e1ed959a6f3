/// ApiVersions (key 18), including the KIP-511 fallback: a version newer than the broker knows gets the v0
/// error body `INT16 35 | INT32 1 | INT16 18 | INT16 min | INT16 max` (response header v0 always).
public enum ApiVersionsHandler {
    public struct Response: Sendable, Equatable {
        public var errorCode: Int16
        public var apiKeys: [(key: Int16, min: Int16, max: Int16)]
        public var throttleTimeMs: Int32 = 0

        public init(errorCode: Int16, apiKeys: [(key: Int16, min: Int16, max: Int16)]) {
            self.errorCode = errorCode
            self.apiKeys = apiKeys
        }

        public static func == (lhs: Response, rhs: Response) -> Bool {
            lhs.errorCode == rhs.errorCode && lhs.throttleTimeMs == rhs.throttleTimeMs
                && lhs.apiKeys.elementsEqual(rhs.apiKeys) { $0 == $1 }
        }

        /// The body (after the v0 response header) in `version`'s layout.
        public func encoded(version: Int16) -> [UInt8] {
            let flexible = version >= 3
            var writer = WireWriter()
            writer.int16(errorCode)
            writer.array(apiKeys, compact: flexible) { writer, entry in
                writer.int16(entry.key)
                writer.int16(entry.min)
                writer.int16(entry.max)
                writer.emptyTaggedFields(if: flexible)
            }
            if version >= 1 { writer.int32(throttleTimeMs) }
            writer.emptyTaggedFields(if: flexible)
            return writer.bytes
        }
    }

    /// The response body for a request of `version` whose body starts at `reader`.
    public static func handle(version: Int16, reader: inout WireReader, context: RequestContext) throws -> [UInt8] {
        let table = context.apiVersions
        guard let own = table.ranges[ApiKey.apiVersions.rawValue], own.contains(version) else {
            let range = table.ranges[ApiKey.apiVersions.rawValue] ?? 0...0
            return Response(
                errorCode: ErrorCode.unsupportedVersion,
                apiKeys: [(ApiKey.apiVersions.rawValue, range.lowerBound, range.upperBound)]
            ).encoded(version: 0)
        }
        if version >= 3 {
            let name = try reader.compactString()
            let softwareVersion = try reader.compactString()
            try reader.skipTaggedFields()
            guard isValidSoftwareField(name), isValidSoftwareField(softwareVersion) else {
                return Response(errorCode: ErrorCode.invalidRequest, apiKeys: []).encoded(version: version)
            }
        }
        let keys = table.sorted.map { (key: $0.key, min: $0.range.lowerBound, max: $0.range.upperBound) }
        return Response(errorCode: ErrorCode.none, apiKeys: keys).encoded(version: version)
    }

    /// `[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?`
    static func isValidSoftwareField(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { return false }
        func alphanumeric(_ s: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
        }
        return alphanumeric(first) && alphanumeric(last)
            && scalars.allSatisfy { alphanumeric($0) || $0 == "-" || $0 == "." }
    }
}
