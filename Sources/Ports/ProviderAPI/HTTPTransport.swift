/// One HTTP exchange. Headers keep their order; names compare case-insensitively.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: [UInt8]?
    /// Whole-request timeout in seconds.
    public var timeout: Double

    public init(method: String, url: String, headers: [(String, String)] = [], body: [UInt8]? = nil, timeout: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.timeout == b.timeout
            && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
    }

    public func hash(into h: inout Hasher) {
        h.combine(method)
        h.combine(url)
        h.combine(body)
    }
}

public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header with this name, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0.lowercased() == lower }?.1
    }
}

public enum HTTPTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    case connectFailed(String)
    case timedOut(String)
    case responseTooLarge(limit: Int)
    case cancelled
    case other(String)

    public var description: String {
        switch self {
        case .connectFailed(let m): "cannot connect: \(m)"
        case .timedOut(let m): "timed out: \(m)"
        case .responseTooLarge(let limit): "response larger than \(limit) bytes"
        case .cancelled: "cancelled"
        case .other(let m): m
        }
    }
}

/// Sends one request. Contract: no retries here (callers own retry policy); honours task cancellation;
/// never logs bodies or `Authorization` headers.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
