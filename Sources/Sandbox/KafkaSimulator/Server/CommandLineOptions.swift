import ArgumentParser

/// What the `kafka-broker-sim` command line asks for (parsed by `SimulatorArguments`).
public struct CommandLineOptions: Sendable, Equatable {
    public var configPath: String
    public var clusterDirectory: String?
    public var logPath: String?
    public var pidFile: String?
    public var overrides: [String: String] = [:]

    /// The help text (swift-argument-parser's, from `SimulatorArguments`).
    public static var usage: String { SimulatorArguments.helpMessage() }

    public enum ParseResult: Equatable {
        case run(CommandLineOptions)
        case help
        case usageError(String)
    }

    /// Parses with swift-argument-parser (`SimulatorArguments`): `--help` is `.help`, anything it refuses a
    /// `.usageError` with its message.
    public static func parse(_ arguments: [String]) -> ParseResult {
        do {
            return .run(try SimulatorArguments.parse(arguments).options)
        } catch {
            if SimulatorArguments.exitCode(for: error) == .success { return .help }
            return .usageError(SimulatorArguments.message(for: error))
        }
    }
}
