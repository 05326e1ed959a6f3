public import KafkaProtocol

/// Why a Kafka request did not produce a usable answer.
public enum KafkaClientError: Error, Equatable, Hashable, Sendable {
    /// The name did not resolve, or the TCP connection was refused, unreachable or timed out. `detail` says which,
    /// and the address dialled when a dialer mapped `host:port` elsewhere.
    case connectFailed(host: String, port: Int, detail: String)
    /// No complete response within the request timeout; `what` names the request and the peer.
    case timeout(String)
    /// The peer closed (or reset) the connection while `request` (e.g. `Metadata(3) v12`) waited for its answer,
    /// or the connection was already closed (`request` nil). `peer` is `host:port` and the address dialled.
    case connectionClosed(peer: String, request: String?)
    /// The peer accepted TCP connections but closed them without answering ApiVersions (`tried` lists the
    /// versions sent). Every Kafka broker answers ApiVersions v0, so this is no version problem: nothing that
    /// speaks Kafka serves there (a broker down or restarting behind a load balancer or proxy that still
    /// accepts connections, or another service on that port).
    case noKafkaAnswer(peer: String, tried: String)
    /// The broker does not implement a version this client can use. `version` is nil when the advertised ranges
    /// do not overlap (or the API is not advertised), and the version sent when the broker closed the connection
    /// right after the request, which is how brokers reject unknown versions of APIs other than ApiVersions.
    case unsupportedVersion(api: ApiKey, version: Int16?)
    /// The bytes could not be encoded or decoded as the Kafka protocol.
    case `protocol`(ProtocolError)
    /// The broker answered with an error code (top-level, or for the one resource/partition asked about).
    case brokerError(code: KafkaErrorCode, message: String?)
    /// The calling task was cancelled; the connection was closed.
    case cancelled
}

extension KafkaClientError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .connectFailed(let host, let port, let detail):
            "cannot connect to Kafka at \(host):\(port): \(detail)"
        case .timeout(let what):
            "timed out: \(what)"
        case .connectionClosed(let peer, let request?):
            "\(peer) closed the connection while \(request) waited for its answer"
        case .connectionClosed(let peer, nil):
            "the connection to \(peer) was already closed"
        case .noKafkaAnswer(let peer, let tried):
            "\(peer) accepted the connection but closed it without answering \(tried): no Kafka broker answers there "
                + "(down or restarting behind a load balancer or proxy, or not a Kafka listener)"
        case .unsupportedVersion(let api, nil):
            "the broker supports no version of \(api) this client implements"
        case .unsupportedVersion(let api, let version?):
            "the broker closed the connection after \(api) v\(version) (unsupported version)"
        case .protocol(let error):
            "Kafka protocol error: \(error)"
        case .brokerError(let code, let message?):
            "the broker returned \(code): \(message)"
        case .brokerError(let code, nil):
            "the broker returned \(code)"
        case .cancelled:
            "the Kafka request was cancelled"
        }
    }
}
