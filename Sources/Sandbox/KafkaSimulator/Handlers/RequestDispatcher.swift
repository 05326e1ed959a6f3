/// Turns one request frame into a response frame, or into "close the connection" as Kafka does for an unknown
/// API key, an unsupported version of anything but ApiVersions, or a body it cannot parse.
public enum RequestDispatcher {
    public enum Outcome: Sendable, Equatable {
        /// The complete response frame (size prefix included).
        case respond([UInt8])
        case close(reason: String)
    }

    public static func dispatch(_ frame: [UInt8], context: RequestContext) -> Outcome {
        guard let fixed = RequestHeader.peek(frame) else { return .close(reason: "request shorter than a header") }
        let table = context.apiVersions

        if fixed.apiKey == ApiKey.apiVersions.rawValue {
            var reader = WireReader(frame)
            if table.supports(fixed.apiKey, fixed.apiVersion) {
                guard (try? RequestHeader.parse(&reader, flexible: fixed.apiVersion >= 3)) != nil else {
                    return .close(reason: "malformed ApiVersions header")
                }
            }
            // An unsupported version is answered without parsing anything past the correlation id.
            guard
                let body = try? ApiVersionsHandler.handle(version: fixed.apiVersion, reader: &reader, context: context)
            else {
                return .close(reason: "malformed ApiVersions v\(fixed.apiVersion) body")
            }
            return .respond(
                WireWriter.frame(ResponseHeader.encoded(correlationId: fixed.correlationId, flexible: false) + body))
        }

        guard let key = ApiKey(rawValue: fixed.apiKey), table.supports(fixed.apiKey, fixed.apiVersion) else {
            return .close(reason: "unsupported API key \(fixed.apiKey) version \(fixed.apiVersion)")
        }
        let flexible = key.isFlexible(fixed.apiVersion)
        var reader = WireReader(frame)
        do {
            _ = try RequestHeader.parse(&reader, flexible: flexible)
            let body: [UInt8]
            switch key {
            case .metadata:
                body = try MetadataHandler.handle(version: fixed.apiVersion, reader: &reader, context: context)
            case .findCoordinator:
                body = try FindCoordinatorHandler.handle(version: fixed.apiVersion, reader: &reader, context: context)
            case .describeConfigs:
                body = try DescribeConfigsHandler.handle(version: fixed.apiVersion, reader: &reader, context: context)
            case .describeQuorum:
                body = try DescribeQuorumHandler.handle(version: fixed.apiVersion, reader: &reader, context: context)
            case .describeCluster:
                body = try DescribeClusterHandler.handle(version: fixed.apiVersion, reader: &reader, context: context)
            case .apiVersions: return .close(reason: "unreachable")
            }
            return .respond(
                WireWriter.frame(ResponseHeader.encoded(correlationId: fixed.correlationId, flexible: flexible) + body))
        } catch {
            return .close(reason: "malformed \(key) v\(fixed.apiVersion) request: \(error)")
        }
    }

    /// A short name for request logging.
    public static func name(of apiKey: Int16) -> String {
        switch ApiKey(rawValue: apiKey) {
        case .metadata: "Metadata"
        case .findCoordinator: "FindCoordinator"
        case .apiVersions: "ApiVersions"
        case .describeConfigs: "DescribeConfigs"
        case .describeQuorum: "DescribeQuorum"
        case .describeCluster: "DescribeCluster"
        case nil: "UNKNOWN(\(apiKey))"
        }
    }
}
