public import ArgumentParser
import KafkaRolling
import FileStateStore
import SSHTransport
import ProviderAPI
import Foundation

/// `reconcile`: one pass over the manifests. With `--dry-run` it only plans; without, it applies.
///
/// Options: `--manifests`, `--state`, `--output` and `--resolve` are option groups the subcommands that take them
/// declare too, so their values reach those subcommands (see `SharedOptions.swift`); the pass's own options are
/// `PassOptions`. A subcommand refuses every root option it does not take (`RootOptionCheck`), instead of
/// silently ignoring it.
public struct ReconcileCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Keep self-hosted Kafka exposed through Azure Private Link and GCP Private Service Connect as the manifests say.",
        discussion: """
            Loads the manifests, observes the clouds, the brokers' server.properties and the cluster's health, prints \
            a plan, and (without --dry-run) applies it: cloud changes in dependency order, config writes, then \
            rolling restarts one broker at a time.

            Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error, 2 changes pending (only with \
            --detailed-exitcode), 64 usage.
            """,
        version: "0.1.0",
        subcommands: [ValidateCommand.self, RenderCommand.self, VerifyCommand.self, StateCommand.self, ServeCommand.self])

    @OptionGroup public var manifests: ManifestsOption
    @OptionGroup public var stateDirectory: StateOption
    @OptionGroup public var pass: PassOptions
    @OptionGroup public var output: OutputOption
    @OptionGroup public var resolve: ResolveOption

    public init() {}

    public func run() async throws {
        let dialer = try ResolveTable(resolve.resolve).dialer
        let httpLog = LoggedHTTPLog(
            everything: pass.logHttp, logger: ConsoleLogHandler.logger(format: pass.logFormat.format, console: .standard))
        // The per-cluster bound (`ssh.maxConcurrentHosts`) is applied by the broker provider; this is only a ceiling.
        let ssh = OpenSSHRemoteHost(maxConcurrentHosts: 256)
        let remote: any RemoteHost = pass.localHosts.map { LocalRemoteHost(root: $0) } ?? ssh
        let reconcilePass = ReconcilePass(
            providers: StandardProviders.registry(remote: remote, dialer: dialer, httpLog: httpLog),
            store: try stateDirectory.makeStore(),
            console: .standard, logFormat: pass.logFormat.format, factsReader: KafkaFactsReader(dialer: dialer))
        let status = await reconcilePass.run(.init(
            manifests: manifests.manifests, dryRun: pass.dryRun, detailedExitCode: pass.detailedExitcode,
            output: output.output.format, targets: pass.target, allowDestroy: pass.allowDestroy))
        await ssh.shutdown()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}

/// The options only the root pass takes; no subcommand declares this group, and each refuses its options.
public struct PassOptions: ParsableArguments, Sendable {
    @Flag(name: .long, help: "Plan only: take no lock, write nothing, change nothing anywhere.")
    public var dryRun = false

    @Flag(name: .long, help: "Exit 2 when the plan has changes (0 when it has none).")
    public var detailedExitcode = false

    @Option(name: .long, help: ArgumentHelp(
        "Limit the plan to matching addresses (CLUSTER[/TYPE[/NAME]], `*` matches one segment) and what they depend on. "
            + "Repeatable; a selector that matches nothing is an error.", valueName: "address"))
    public var target: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "Confirm, for this run only, deleting or replacing a protected resource (a VM, resource group, NIC, load balancer "
            + "or its frontend, Private Link Service, instance, forwarding rule or service attachment): an address or a "
            + "pattern (CLUSTER[/TYPE[/NAME]], `*` matches one segment). Repeatable.", valueName: "address"))
    public var allowDestroy: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "How progress is logged to stderr: text (a line per step) or json (one JSON object per line, with the pass id, resource, cluster and action).",
            valueName: "format"))
    public var logFormat: LogFormatArgument = .text

    @Flag(name: .long, help: "Print every cloud API request (method, path, status, duration, request id) to stderr; by default only retried or failed ones.")
    public var logHttp = false

    @Option(name: .long, help: ArgumentHelp("Reach brokers through a local stand-in for SSH: host H is the directory DIR/H (the sandbox).", visibility: .hidden))
    public var localHosts: String?

    public init() {}

    /// The spelling of each of these options that the command line gave.
    var given: [String] {
        var names: [String] = []
        if dryRun { names.append("--dry-run") }
        if detailedExitcode { names.append("--detailed-exitcode") }
        if !target.isEmpty { names.append("--target") }
        if !allowDestroy.isEmpty { names.append("--allow-destroy") }
        if logHttp { names.append("--log-http") }
        if logFormat != .text { names.append("--log-format") }
        if localHosts != nil { names.append("--local-hosts") }
        return names
    }
}

/// The executable's entry point (keeps the executable free of argument-parsing imports).
public enum ReconcileMain {
    public static func run() async { await ReconcileCommand.main() }
}

/// `--log-format`.
public enum LogFormatArgument: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
    var format: ConsoleLogHandler.Format { self == .json ? .json : .text }
}
