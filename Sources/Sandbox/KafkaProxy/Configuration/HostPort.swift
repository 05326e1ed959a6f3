import Foundation

/// A `host:port` as kafka-proxy reads it (Go's `net.SplitHostPort`: the last colon splits, IPv6 in brackets), kept
/// as the exact text too: kafka-proxy matches brokers by the exact `host:port` string they advertise.
public struct HostPort: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[v6]:port`; the port is 0...65535.
    public init(parsing text: String) throws(ProxyConfigurationError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":") else {
            throw ProxyConfigurationError("address \(text): missing port in address")
        }
        var host = String(trimmed[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { throw ProxyConfigurationError("address \(text): missing ']' in address") }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw ProxyConfigurationError("address \(text): too many colons in address")
        }
        guard let port = Int(trimmed[trimmed.index(after: colon)...]), (0...65535).contains(port) else {
            throw ProxyConfigurationError("address \(text): invalid port")
        }
        self.init(host: host, port: port)
    }

    /// `host:port`, brackets around an IPv6 host (Go's `net.JoinHostPort`).
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// A flag value kafka-proxy would refuse at start-up.
public struct ProxyConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
