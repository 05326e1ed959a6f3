import Sockets

/// Turns an advertised `host:port` into the IPv4 address and port to connect to.
///
/// Injected so that tests (and verification runs before DNS exists) can map advertised names like
/// `b1.<suffix>:9093` to other addresses, like curl's `--resolve`. Implementations may block (the connection calls
/// them off the Swift cooperative pool).
public protocol Dialer: Sendable {
    /// The dotted-quad IPv4 address and the port to connect to for `host:port`.
    func resolve(host: String, port: Int) throws -> (address: String, port: Int)
}

/// Resolves with the system resolver (`getaddrinfo`, IPv4 only) and keeps the port.
public struct SystemDialer: Dialer {
    public init() {}

    public func resolve(host: String, port: Int) throws -> (address: String, port: Int) {
        let addresses: [SocketAddress]
        do { addresses = try SocketAddress.resolve(host: host, port: nil, ipv4Only: true) } catch {
            throw DialerError(detail: "cannot resolve \(host): \(error.reason)")
        }
        guard let first = addresses.first else { throw DialerError(detail: "no IPv4 address for \(host)") }
        guard let address = first.host else { throw DialerError(detail: "inet_ntop failed") }
        return (address, port)
    }
}

/// A fixed name → address table, like curl's `--resolve`, with an optional fallback for unmapped names.
///
/// Keys are `host:port` (exact) or `host` (any port); values are `ip:port`, or `ip` to keep the port. Without a
/// fallback, unmapped names fail, so tests never reach the network by accident.
public struct StaticDialer: Dialer {
    public var table: [String: String]
    public var fallback: (any Dialer)?

    public init(_ table: [String: String], fallback: (any Dialer)? = nil) {
        self.table = table
        self.fallback = fallback
    }

    public func resolve(host: String, port: Int) throws -> (address: String, port: Int) {
        guard let target = table["\(host):\(port)"] ?? table[host] else {
            guard let fallback else { throw DialerError(detail: "\(host):\(port) is not in the static dialer table") }
            return try fallback.resolve(host: host, port: port)
        }
        let (address, mappedPort) = try Self.split(target, defaultPort: port)
        guard SocketAddress.ipv4(address, port: mappedPort) != nil else {
            throw DialerError(detail: "\(address) is not an IPv4 address")
        }
        return (address, mappedPort)
    }

    static func split(_ target: String, defaultPort: Int) throws -> (String, Int) {
        guard let colon = target.lastIndex(of: ":") else { return (target, defaultPort) }
        let portText = target[target.index(after: colon)...]
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw DialerError(detail: "invalid port in static dialer target \(target)")
        }
        return (String(target[..<colon]), port)
    }
}

/// A resolution failure; the connection reports it as `KafkaClientError.connectFailed`.
public struct DialerError: Error, Sendable, CustomStringConvertible {
    public var detail: String

    public init(detail: String) { self.detail = detail }

    public var description: String { detail }
}
