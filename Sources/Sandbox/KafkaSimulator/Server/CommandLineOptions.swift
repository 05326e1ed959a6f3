/// `kafka-broker-sim --config PATH/server.properties [--cluster-dir DIR] [--log FILE] [--pid-file FILE]
/// [--override key=value]...` (the config may also be the only positional argument, as for kafka-server-start).
public struct CommandLineOptions: Sendable, Equatable {
    public var configPath: String
    public var clusterDirectory: String?
    public var logPath: String?
    public var pidFile: String?
    public var overrides: [String: String] = [:]

    public static let usage = """
        usage: kafka-broker-sim --config PATH/server.properties [--cluster-dir DIR] [--log FILE] [--pid-file FILE]
                                [--override key=value]...
        A Kafka (KRaft) broker double: binds every listener of server.properties and answers ApiVersions, Metadata,
        DescribeCluster, DescribeQuorum and DescribeConfigs from the state shared through the cluster directory
        (simulator.cluster.dir, default /tmp/kafka-broker-sim/<simulator.cluster.id>). SIGTERM stops it gracefully.
        """

    public enum ParseResult: Equatable {
        case run(CommandLineOptions)
        case help
        case usageError(String)
    }

    public static func parse(_ arguments: [String]) -> ParseResult {
        var config: String?
        var options = CommandLineOptions(configPath: "")
        var index = 0
        func next(_ flag: String) -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            let argument = arguments[index]
            var flag = argument
            var inline: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            func value() -> String? { inline ?? next(flag) }
            switch flag {
            case "-h", "--help": return .help
            case "--config":
                guard let path = value() else { return .usageError("--config needs a path") }
                config = path
            case "--cluster-dir":
                guard let path = value() else { return .usageError("--cluster-dir needs a directory") }
                options.clusterDirectory = path
            case "--log":
                guard let path = value() else { return .usageError("--log needs a file") }
                options.logPath = path
            case "--pid-file":
                guard let path = value() else { return .usageError("--pid-file needs a file") }
                options.pidFile = path
            case "--override":
                guard let pair = value(), let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                    return .usageError("--override needs key=value")
                }
                options.overrides[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
            default:
                if argument.hasPrefix("-") { return .usageError("unknown option \(argument)") }
                guard config == nil else { return .usageError("unexpected argument \(argument)") }
                config = argument
            }
            index += 1
        }
        guard let config, !config.isEmpty else { return .usageError("--config is required") }
        options.configPath = config
        return .run(options)
    }
}
