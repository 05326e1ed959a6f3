import Foundation

/// Where a command writes: the plan and requested data go to `out`, progress and diagnostics to `err`.
/// Tests capture both; the CLI writes to the real streams.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void
    /// Whether stdout is a terminal (colour is only used on one).
    public var isTTY: Bool
    public var environment: [String: String]

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void, isTTY: Bool, environment: [String: String]) {
        self.out = out
        self.err = err
        self.isTTY = isTTY
        self.environment = environment
    }

    public static var standard: Console {
        Console(
            out: { FileHandle.standardOutput.write(Data($0.utf8)) },
            err: { FileHandle.standardError.write(Data($0.utf8)) },
            isTTY: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
    }
}
