import ArgumentParser

/// What the `arm-emulator` command line asks for (parsed by `EmulatorArguments`): the emulator's configuration
/// and the file to write its port to.
public struct EmulatorCommandLine: Sendable {
    public var configuration = ArmEmulator.Configuration()
    public var portFile: String?

    /// The help text (swift-argument-parser's, from `EmulatorArguments`).
    public static var usage: String { EmulatorArguments.helpMessage() }

    public enum ParseResult: Sendable {
        case run(EmulatorCommandLine)
        case help
        case usageError(String)
    }

    /// Parses with swift-argument-parser (`EmulatorArguments`): `--help` is `.help`, anything it refuses a
    /// `.usageError` with its message.
    public static func parse(_ arguments: [String]) -> ParseResult {
        do {
            return .run(try EmulatorArguments.parse(arguments).commandLine)
        } catch {
            if EmulatorArguments.exitCode(for: error) == .success { return .help }
            return .usageError(EmulatorArguments.message(for: error))
        }
    }
}
