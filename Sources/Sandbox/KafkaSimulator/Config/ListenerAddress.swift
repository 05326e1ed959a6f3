/// One `NAME://host:port` entry of `listeners` or `advertised.listeners`.
public struct ListenerAddress: Sendable, Equatable, Codable {
    /// Upper-cased, as Kafka normalises listener names.
    public var name: String
    /// Without IPv6 brackets; empty means "all interfaces" (bind) or the host name (advertise).
    public var host: String
    public var port: Int

    public init(name: String, host: String, port: Int) {
        self.name = name.uppercased()
        self.host = host
        self.port = port
    }

    /// Host and port as a client would dial them (IPv6 in brackets).
    public var hostPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses one entry as Kafka's `^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)` does.
    public static func parse(_ text: String) throws -> ListenerAddress {
        let entry = text.trimmingWhitespace
        let characters = Array(entry)
        guard
            let separator = characters.indices.first(where: { Array(characters[$0...].prefix(3)) == [":", "/", "/"] })
        else {
            throw ConfigError("Unable to parse \(entry) to a broker endpoint")
        }
        let name = String(characters[..<separator])
        var rest = Substring(String(characters[(separator + 3)...]))
        let host: String
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else {
                throw ConfigError("Unable to parse \(entry) to a broker endpoint")
            }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { throw ConfigError("Unable to parse \(entry) to a broker endpoint") }
            rest = rest.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else {
                throw ConfigError("Unable to parse \(entry) to a broker endpoint")
            }
            host = String(rest[..<colon])
            rest = rest[rest.index(after: colon)...]
        }
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-%._:")
        guard !name.isEmpty, host.allSatisfy(allowed.contains), let port = Int(rest), (0...65535).contains(port) else {
            throw ConfigError("Unable to parse \(entry) to a broker endpoint")
        }
        return ListenerAddress(name: name, host: host, port: port)
    }

    /// Splits a list value on `\s*,\s*`, dropping empty entries, and parses each.
    public static func parseList(_ value: String?) throws -> [ListenerAddress] {
        try ConfigList.split(value).map(parse)
    }
}

/// Kafka's list splitting: trim, split on commas with surrounding white space, drop empty items.
public enum ConfigList {
    public static func split(_ value: String?) -> [String] {
        guard let value else { return [] }
        return value.split(separator: ",", omittingEmptySubsequences: false)
            .map { String($0).trimmingWhitespace }
            .filter { !$0.isEmpty }
    }

    /// `a:b,c:d` into a map (upper-cased keys and values when `upper`).
    public static func map(_ value: String?, upper: Bool = true) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in split(value) {
            guard let colon = item.firstIndex(of: ":") else {
                throw ConfigError("Map entry \(item) is not of the form KEY:VALUE")
            }
            let key = String(item[..<colon]).trimmingWhitespace
            let value = String(item[item.index(after: colon)...]).trimmingWhitespace
            result[upper ? key.uppercased() : key] = upper ? value.uppercased() : value
        }
        return result
    }
}

/// A configuration Kafka would refuse to start with (or one the simulator cannot run).
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension String {
    /// Trims space, tab, CR, LF and form feed (Java's `String.trim` trims every char ≤ U+0020).
    var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0.value > 0x20 }) else { return "" }
        let last = scalars.lastIndex(where: { $0.value > 0x20 })!
        return String(scalars[first...last])
    }
}
