import KafkaProtocol

/// The responses kafka-proxy v0.3.11 decodes and re-encodes (`kafka-proxy.md` B.1, B.4): Metadata v0-12
/// (`brokers[].host/port`) and FindCoordinator v0-4 (`host/port`, and v4's `coordinators[]`). Everything else in
/// the frame is kept byte for byte: the rewriter splices new host and port fields into the original bytes (tagged
/// fields of the header and of each broker included), so only the addresses and the frame length change.
public enum AddressRewriting {
    public static let metadataVersions: ClosedRange<Int16> = 0...12
    public static let findCoordinatorVersions: ClosedRange<Int16> = 0...4
    /// Response header versions are known for these keys only (the proxy's table ends at ListClientMetricsResources).
    public static let knownResponseKeys: ClosedRange<Int16> = 0...74

    /// Maps a broker address found in a response (`host`, `port`) to the address to put there instead; throws to
    /// close the connection (no listener for that broker).
    public typealias AddressMap = (_ host: String, _ port: Int32) throws(ProxyRefusal) -> (host: String, port: Int32)

    /// `payload` (a response frame without its size) with its broker addresses rewritten, or unchanged for responses
    /// the proxy passes through. Throws when the proxy closes the connection instead.
    public static func rewrite(_ payload: [UInt8], answering request: PendingResponse, map: AddressMap) throws(ProxyRefusal) -> [UInt8] {
        guard knownResponseKeys.contains(request.apiKey) else { throw .unknownResponseApiKey(request.apiKey) }
        switch request.apiKey {
        case ApiKey.metadata.rawValue:
            guard metadataVersions.contains(request.apiVersion) else {
                throw .unsupportedResponseVersion(key: request.apiKey, version: request.apiVersion)
            }
            return try splice(payload, "Metadata v\(request.apiVersion)") { reader throws(ProtocolError) in
                try metadataAddresses(&reader, version: request.apiVersion)
            } map: { site throws(ProxyRefusal) in try map(site.host, site.port) }
        case ApiKey.findCoordinator.rawValue:
            guard findCoordinatorVersions.contains(request.apiVersion) else {
                throw .unsupportedResponseVersion(key: request.apiKey, version: request.apiVersion)
            }
            return try splice(payload, "FindCoordinator v\(request.apiVersion)") { reader throws(ProtocolError) in
                try coordinatorAddresses(&reader, version: request.apiVersion)
            } map: { site throws(ProxyRefusal) in
                // An error answer carries node -1 and no address: nothing to rewrite.
                site.nodeID < 0 ? (site.host, site.port) : try map(site.host, site.port)
            }
        default:
            return payload
        }
    }

    /// Where one broker address sits in the original bytes: `range` covers the host string and the port.
    struct Site {
        var nodeID: Int32
        var host: String
        var port: Int32
        /// The host's encoding start, and the end of the port.
        var range: Range<Int>
        var compact: Bool
    }

    private static func splice(
        _ payload: [UInt8], _ what: String, sites find: (inout ByteReader) throws(ProtocolError) -> [Site],
        map: (Site) throws(ProxyRefusal) -> (host: String, port: Int32)
    ) throws(ProxyRefusal) -> [UInt8] {
        var reader = ByteReader(payload)
        let sites: [Site]
        do {
            sites = try find(&reader)
        } catch {
            throw .malformed("\(what) response: \(error)")
        }
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 64)
        var copied = 0
        for site in sites {
            let (host, port) = try map(site)
            out.append(contentsOf: payload[copied..<site.range.lowerBound])
            var writer = ByteWriter()
            do { try writer.writeString(host, compact: site.compact) } catch { throw .malformed("\(what): host \(host): \(error)") }
            writer.writeInt32(port)
            out.append(contentsOf: writer.bytes)
            copied = site.range.upperBound
        }
        out.append(contentsOf: payload[copied...])
        return out
    }

    /// Response header, throttle time (v3+), then `brokers`: node id, host, port, rack (v1+), tagged fields (v9+).
    private static func metadataAddresses(_ reader: inout ByteReader, version: Int16) throws(ProtocolError) -> [Site] {
        let flexible = version >= 9
        _ = try reader.readInt32()  // correlation id
        if flexible { try reader.skipTagBuffer() }
        if version >= 3 { _ = try reader.readInt32() }  // throttle time
        let count = try reader.readArrayCount(compact: flexible, minElementSize: 8) ?? 0
        var sites: [Site] = []
        for _ in 0..<count {
            let nodeID = try reader.readInt32()
            let start = reader.offset
            let host = try reader.readString(compact: flexible)
            let port = try reader.readInt32()
            sites.append(Site(nodeID: nodeID, host: host, port: port, range: start..<reader.offset, compact: flexible))
            if version >= 1 { _ = try reader.readNullableString(compact: flexible) }  // rack
            if flexible { try reader.skipTagBuffer() }
        }
        return sites
    }

    /// v0: error, node, host, port. v1-v3: throttle, error, message, node, host, port (v3 compact, tagged fields).
    /// v4: throttle, then `coordinators[]` of key, node, host, port, error, message, tagged fields.
    private static func coordinatorAddresses(_ reader: inout ByteReader, version: Int16) throws(ProtocolError) -> [Site] {
        let flexible = version >= 3
        _ = try reader.readInt32()  // correlation id
        if flexible { try reader.skipTagBuffer() }
        if version >= 1 { _ = try reader.readInt32() }  // throttle time
        func site() throws(ProtocolError) -> Site {
            let nodeID = try reader.readInt32()
            let start = reader.offset
            let host = try reader.readString(compact: flexible)
            let port = try reader.readInt32()
            return Site(nodeID: nodeID, host: host, port: port, range: start..<reader.offset, compact: flexible)
        }
        guard version >= 4 else {
            _ = try reader.readInt16()  // error code
            if version >= 1 { _ = try reader.readNullableString(compact: flexible) }  // error message
            return [try site()]
        }
        let count = try reader.readArrayCount(compact: true, minElementSize: 12) ?? 0
        var sites: [Site] = []
        for _ in 0..<count {
            _ = try reader.readString(compact: true)  // key
            sites.append(try site())
            _ = try reader.readInt16()  // error code
            _ = try reader.readNullableString(compact: true)  // error message
            try reader.skipTagBuffer()
        }
        return sites
    }
}
