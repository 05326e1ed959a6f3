/// Why kafka-proxy v0.3.11 closes a client connection (`kafka-proxy.md` B.1): the messages are the ones it logs.
public enum ProxyRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// A request whose api key is outside 0...120 (what a TLS client hello looks like to a plain listener).
    case invalidApiKey(Int16)
    /// `--forbidden-api-keys`.
    case forbiddenApiKey(Int16)
    /// Produce v11 and later: the proxy cannot tell whether a response will come.
    case unsupportedProduceVersion(Int16)
    /// A response to a key its header table does not know (75 and later).
    case unknownResponseApiKey(Int16)
    /// Metadata after v12, FindCoordinator after v4: the proxy cannot rewrite the addresses.
    case unsupportedResponseVersion(key: Int16, version: Int16)
    /// A response that does not answer the oldest request in flight.
    case correlationMismatch(expected: Int32, got: Int32)
    /// A frame that cannot be read.
    case malformed(String)
    /// A broker address in a response with no listener (dynamic listeners disabled, or one could not be bound).
    case noListener(String)

    public var description: String {
        switch self {
        case .invalidApiKey(let key): "api key \(key) is invalid, possible cause: using plain connection instead of TLS"
        case .forbiddenApiKey(let key): "api key \(key) is forbidden"
        case .unsupportedProduceVersion(let version): "produce version \(version) is not supported"
        case .unknownResponseApiKey(let key): "ResponseHeaderVersion: unknown ApiKey \(key)"
        case .unsupportedResponseVersion(let key, let version): "Unsupported response schema version \(version) for key \(key)"
        case .correlationMismatch(let expected, let got): "correlation id mismatch: expected \(expected), got \(got)"
        case .malformed(let why): "malformed frame: \(why)"
        case .noListener(let why): why
        }
    }
}
