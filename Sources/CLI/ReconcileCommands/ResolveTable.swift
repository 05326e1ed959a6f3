import ArgumentParser
import KafkaClient

/// `--resolve HOST:PORT=ADDRESS:PORT` entries, like curl's: Kafka connections to HOST:PORT go to ADDRESS:PORT
/// instead (a tunnel, or the sandbox's loopback stand-ins); every other address is dialed as it is.
struct ResolveTable {
    var entries: [String: String] = [:]

    init(_ arguments: [String]) throws {
        for entry in arguments {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts.allSatisfy({ $0.contains(":") }) else {
                throw ValidationError("--resolve takes HOST:PORT=ADDRESS:PORT, not `\(entry)`")
            }
            entries[parts[0]] = parts[1]
        }
    }

    var dialer: any Dialer { StaticDialer(entries, fallback: SystemDialer()) }
}
