public import ArgumentParser

/// The `kafka-broker-sim` command line, parsed by swift-argument-parser: `--config PATH/server.properties` (or the
/// path as the only positional argument, as for kafka-server-start), `--cluster-dir DIR`, `--log FILE`,
/// `--pid-file FILE`, `--override key=value`….
public struct SimulatorArguments: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kafka-broker-sim",
        abstract: "A Kafka (KRaft) broker double: binds every listener of server.properties and answers ApiVersions, Metadata, DescribeCluster, DescribeQuorum and DescribeConfigs.",
        discussion: """
            The state is shared through the cluster directory (simulator.cluster.dir, default \
            /tmp/kafka-broker-sim/<simulator.cluster.id>). SIGTERM stops it gracefully.
            """)

    @Option(help: ArgumentHelp("The broker's server.properties.", valueName: "path"))
    var config: String?

    @Argument(help: ArgumentHelp("The broker's server.properties, as kafka-server-start takes it.", valueName: "server.properties"))
    var positionalConfig: String?

    @Option(help: ArgumentHelp("The directory the simulated cluster shares (overrides simulator.cluster.dir).", valueName: "dir"))
    var clusterDir: String?

    @Option(help: ArgumentHelp("Append the broker's log to this file.", valueName: "file"))
    var log: String?

    @Option(help: ArgumentHelp("Write the process id to this file.", valueName: "file"))
    var pidFile: String?

    @Option(help: ArgumentHelp("Override one property of the file (repeatable).", valueName: "key=value"))
    var override: [String] = []

    public init() {}

    public func validate() throws {
        if config != nil && positionalConfig != nil { throw ValidationError("give the config once: --config or a path, not both") }
        guard let path = config ?? positionalConfig, !path.isEmpty else { throw ValidationError("--config is required") }
        for pair in override where pair.firstIndex(of: "=").map({ $0 == pair.startIndex }) ?? true {
            throw ValidationError("--override needs key=value")
        }
    }

    /// The options these arguments ask for (after `validate()`).
    public var options: CommandLineOptions {
        var options = CommandLineOptions(configPath: config ?? positionalConfig ?? "", clusterDirectory: clusterDir, logPath: log, pidFile: pidFile)
        for pair in override {
            let equals = pair.firstIndex(of: "=")!
            options.overrides[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return options
    }
}
