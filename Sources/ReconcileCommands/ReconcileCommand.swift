public import ArgumentParser
import FileStateStore
import SSHTransport
import ProviderAPI
import Foundation

/// `reconcile`: one pass over the manifests. With `--dry-run` it only plans; without, it applies.
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
        subcommands: [ValidateCommand.self, RenderCommand.self, VerifyCommand.self, StateCommand.self])

    @OptionGroup public var paths: PathOptions

    @Flag(name: .long, help: "Plan only: take no lock, write nothing, change nothing anywhere.")
    public var dryRun = false

    @Flag(name: .long, help: "Exit 2 when the plan has changes (0 when it has none).")
    public var detailedExitcode = false

    @Option(name: .long, help: "Plan output format: text or json.")
    public var output: OutputFormatArgument = .text

    @Option(name: .long, help: ArgumentHelp("Reach brokers through a local stand-in for SSH: host H is the directory DIR/H (the sandbox).", visibility: .hidden))
    public var localHosts: String?

    @Option(name: .long, help: "Reach a Kafka listener or advertised name at another address, like curl's --resolve: HOST:PORT=ADDRESS:PORT (repeatable): a tunnel to the brokers, or (verify) an advertised name before DNS has it.")
    public var resolve: [String] = []

    @Flag(name: .long, help: "Print every cloud API request (method, path, status, duration, request id) to stderr; by default only retried or failed ones.")
    public var logHttp = false

    @Option(name: .long, help: "Limit the plan to matching addresses (CLUSTER[/TYPE[/NAME]], `*` matches one segment) and what they depend on. Repeatable.")
    public var target: [String] = []

    @Option(name: .long, help: "Confirm, for this run only, deleting or replacing a protected resource (a VM, resource group, load balancer or its frontend, Private Link Service, instance, forwarding rule or service attachment): ADDRESS or a pattern (CLUSTER/TYPE/NAME, `*` matches one segment). Repeatable.")
    public var allowDestroy: [String] = []

    public init() {}

    public func validate() throws { _ = try ResolveTable(resolve) }

    public func run() async throws {
        let dialer = try ResolveTable(resolve).dialer
        let httpLog = ConsoleHTTPLog(everything: logHttp, console: .standard)
        // The per-cluster bound (`ssh.maxConcurrentHosts`) is applied by the broker provider; this is only a ceiling.
        let ssh = OpenSSHRemoteHost(maxConcurrentHosts: 256)
        let remote: any RemoteHost = localHosts.map { LocalRemoteHost(root: $0) } ?? ssh
        let pass = ReconcilePass(
            providers: { ProviderRegistry.standard(
                for: $0, inventories: $1, remote: remote, dialer: dialer, httpLog: httpLog) },
            store: FileStateStore(directory: URL(fileURLWithPath: paths.state)),
            console: .standard)
        let status = await pass.run(.init(
            manifests: paths.manifests, dryRun: dryRun, detailedExitCode: detailedExitcode,
            output: output.format, targets: target, allowDestroy: allowDestroy))
        await ssh.shutdown()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}

/// Where manifests are read from and state is kept.
public struct PathOptions: ParsableArguments {
    @Option(name: .long, help: "Directory of manifests (YAML), loaded recursively.")
    public var manifests = "manifests"

    @Option(name: .long, help: "Directory of the reconciler's state (locks, inventory, journal).")
    public var state = "state"

    public init() {}
}

public enum OutputFormatArgument: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
    var format: ReconcilePass.OutputFormat { self == .json ? .json : .text }
}

/// The executable's entry point (keeps the executable free of argument-parsing imports).
public enum ReconcileMain {
    public static func run() async { await ReconcileCommand.main() }
}
