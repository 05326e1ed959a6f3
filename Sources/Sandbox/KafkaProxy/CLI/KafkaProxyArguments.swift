public import ArgumentParser
import Foundation

/// `kafka-proxy server`'s command line as v0.3.11 spells it (the flags the reconciler generates and the ones a
/// runbook uses; `kafka-proxy.md` B.2, B.3). A flag it does not know is an error, as with cobra. Bootstrap mappings
/// may also come from `BOOTSTRAP_SERVER_MAPPING` (space-separated), as kafka-proxy reads it.
public struct KafkaProxyServerArguments: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the kafka proxy server (a stand-in for kafka-proxy v0.3.11).")

    @Option(name: .customLong("bootstrap-server-mapping"), help: ArgumentHelp("Mapping of Kafka bootstrap server address to local address (host:port,host:port(,advhost:advport))", valueName: "mapping"))
    var bootstrapServerMapping: [String] = []

    @Option(name: .customLong("external-server-mapping"), help: ArgumentHelp("Mapping of Kafka server address to external address (host:port,host:port). A listener for the external address is not started", valueName: "mapping"))
    var externalServerMapping: [String] = []

    @Option(name: .customLong("dial-address-mapping"), help: ArgumentHelp("Mapping of target broker address to new one (host:port,host:port). The mapping is performed during connection establishment", valueName: "mapping"))
    var dialAddressMapping: [String] = []

    @Flag(name: .customLong("dynamic-listeners-disable"), help: "Disable dynamic listeners.")
    var dynamicListenersDisable = false

    @Option(name: .customLong("dynamic-sequential-min-port"), help: ArgumentHelp("If set to non-zero, makes the dynamic listener use a sequential port starting with this value rather than a random port every time.", valueName: "port"))
    var dynamicSequentialMinPort = 0

    @Option(name: .customLong("dynamic-advertised-listener"), help: ArgumentHelp("Advertised address for dynamic listeners. If empty, default-listener-ip is used", valueName: "host"))
    var dynamicAdvertisedListener = ""

    @Option(name: .customLong("default-listener-ip"), help: ArgumentHelp("Default listener IP", valueName: "ip"))
    var defaultListenerIP = "0.0.0.0"

    @Option(name: .customLong("forbidden-api-keys"), parsing: .singleValue, help: ArgumentHelp("Forbidden Kafka request types. The restriction should prevent some Kafka operations e.g. 20 - DeleteTopics", valueName: "keys"))
    var forbiddenApiKeys: [String] = []

    @Option(name: .customLong("http-listen-address"), help: ArgumentHelp("Address that kafka-proxy is listening on", valueName: "host:port"))
    var httpListenAddress = "0.0.0.0:9080"

    @Option(name: .customLong("http-health-path"), help: ArgumentHelp("Path on which to health endpoint", valueName: "path"))
    var httpHealthPath = "/health"

    @Option(name: .customLong("http-metrics-path"), help: ArgumentHelp("Path on which to expose metrics", valueName: "path"))
    var httpMetricsPath = "/metrics"

    @Flag(name: .customLong("http-disable"), help: "Disable HTTP endpoints")
    var httpDisable = false

    @Option(name: .customLong("kafka-dial-timeout"), help: ArgumentHelp("How long to wait for the initial connection", valueName: "duration"))
    var kafkaDialTimeout = "15s"

    @Option(name: .customLong("kafka-read-timeout"), help: ArgumentHelp("How long to wait for a response", valueName: "duration"))
    var kafkaReadTimeout = "30s"

    @Option(name: .customLong("kafka-write-timeout"), help: ArgumentHelp("How long to wait for a transmit", valueName: "duration"))
    var kafkaWriteTimeout = "30s"

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Log format text or json", valueName: "format"))
    var logFormat = "text"

    @Option(name: .customLong("log-level"), help: ArgumentHelp("Log level debug, info, warning, error, fatal or panic", valueName: "level"))
    var logLevel = "info"

    public init() {}

    /// The configuration these flags (and `BOOTSTRAP_SERVER_MAPPING`, when no flag gives a mapping) ask for.
    public func proxyConfiguration(environment: [String: String]) throws(ProxyConfigurationError) -> ProxyConfiguration {
        var configuration = ProxyConfiguration()
        var mappings = bootstrapServerMapping
        if mappings.isEmpty, let fromEnvironment = environment["BOOTSTRAP_SERVER_MAPPING"] {
            mappings = fromEnvironment.split(separator: " ").map(String.init)
        }
        configuration.bootstrapMappings = try mappings.map { text throws(ProxyConfigurationError) in
            try ProxyConfiguration.Mapping(parsing: text, flag: "bootstrap-server-mapping")
        }
        configuration.externalMappings = try externalServerMapping.map { text throws(ProxyConfigurationError) in
            try ProxyConfiguration.Mapping(parsing: text, flag: "external-server-mapping")
        }
        for text in dialAddressMapping {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { throw ProxyConfigurationError("dial-address-mapping '\(text)': expected fromHost:fromPort,toHost:toPort") }
            configuration.dialMappings[try HostPort(parsing: parts[0])] = try HostPort(parsing: parts[1])
        }
        configuration.dynamicListenersDisabled = dynamicListenersDisable
        configuration.dynamicSequentialMinPort = dynamicSequentialMinPort
        configuration.dynamicAdvertisedListener = dynamicAdvertisedListener
        configuration.defaultListenerIP = defaultListenerIP
        for text in forbiddenApiKeys.flatMap({ $0.split(separator: ",") }) {
            guard let key = Int16(text.trimmingCharacters(in: .whitespaces)) else { throw ProxyConfigurationError("forbidden-api-keys '\(text)': not a number") }
            configuration.forbiddenApiKeys.insert(key)
        }
        configuration.httpListenAddress = try HostPort(parsing: httpListenAddress)
        configuration.httpHealthPath = httpHealthPath
        configuration.httpMetricsPath = httpMetricsPath
        configuration.httpDisabled = httpDisable
        configuration.dialTimeout = try Self.goDuration(kafkaDialTimeout, flag: "kafka-dial-timeout")
        configuration.readTimeout = try Self.goDuration(kafkaReadTimeout, flag: "kafka-read-timeout")
        configuration.writeTimeout = try Self.goDuration(kafkaWriteTimeout, flag: "kafka-write-timeout")
        guard ["text", "json"].contains(logFormat) else { throw ProxyConfigurationError("unsupported log format: \(logFormat)") }
        return configuration
    }

    public var jsonLogs: Bool { logFormat == "json" }

    /// A Go duration of one or more `<number><unit>` parts (`15s`, `1m30s`, `500ms`).
    static func goDuration(_ text: String, flag: String) throws(ProxyConfigurationError) -> Duration {
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("h", 3600), ("m", 60), ("s", 1)]
        var rest = Substring(text)
        var seconds = 0.0
        guard !rest.isEmpty else { throw ProxyConfigurationError("\(flag) '\(text)': invalid duration") }
        if rest == "0" { return .zero }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isNumber || $0 == "." }
            guard let value = Double(digits) else { throw ProxyConfigurationError("\(flag) '\(text)': invalid duration") }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { throw ProxyConfigurationError("\(flag) '\(text)': missing unit in duration") }
            rest = rest.dropFirst(unit.0.count)
            seconds += value * unit.1
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

/// `kafka-proxy`: the root command; `server` is the one subcommand the stand-in has.
public struct KafkaProxyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kafka-proxy",
        abstract: "A stand-in for grepplabs/kafka-proxy v0.3.11 (the sandbox's and the tests'): same flags, same rewriting, same limits.",
        version: "v0.3.11-standin",
        subcommands: [KafkaProxyServerArguments.self])

    public init() {}
}
