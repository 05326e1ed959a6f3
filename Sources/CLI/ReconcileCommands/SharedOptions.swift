public import ArgumentParser

// Options the root pass shares with some subcommands, one option group each.
//
// Why groups: swift-argument-parser parses the root command leniently over the whole command line, so an option
// the root declares is taken by the root wherever it appears, even after a subcommand's name; a subcommand that
// declared an option of the same name itself would never see its value (that hid `verify --output json`). An
// option group is decoded once per type and handed to every command that declares the same group, so a shared
// option declared as a group reaches the subcommand and shows in its `--help`. A subcommand declares exactly the
// groups that apply to it; the root's other options are refused there (`RootOptionCheck`).
//
// Values are optional underneath so that "given on the command line" can be told from "left at its default".

/// `--manifests DIR`: where the YAML manifests are loaded from (recursively).
public struct ManifestsOption: ParsableArguments, Sendable {
    @Option(name: .customLong("manifests"), help: ArgumentHelp(
        "Directory of manifests (YAML), loaded recursively (default: manifests).", valueName: "dir"))
    var given: String?

    /// The directory to load; `manifests` when the option was not given.
    public var manifests: String { given ?? "manifests" }

    public init() {}
}

/// `--state DIR|URL`: where the reconciler's state (locks, inventory, journal) lives: a directory, or etcd
/// (`StateBackend`), with the TLS files and lease TTL an etcd backend takes.
public struct StateOption: ParsableArguments, Sendable {
    @Option(name: .customLong("state"), help: ArgumentHelp(
        "Where the reconciler's state lives (locks, inventory, journal): a directory (default: state), or etcd: "
            + "etcd://HOST:PORT[,HOST:PORT...][/PREFIX], etcd+https://... for TLS (user and password from "
            + "RECONCILE_ETCD_USERNAME and RECONCILE_ETCD_PASSWORD).", valueName: "dir|url"))
    var given: String?

    @Option(name: .customLong("state-ca"), help: ArgumentHelp("etcd over TLS: PEM file of the CA that signed the members' certificates.", valueName: "file"))
    var stateCA: String?

    @Option(name: .customLong("state-cert"), help: ArgumentHelp("etcd over TLS: PEM client certificate (etcd --client-cert-auth).", valueName: "file"))
    var stateCert: String?

    @Option(name: .customLong("state-key"), help: ArgumentHelp("etcd over TLS: the client certificate's PEM key.", valueName: "file"))
    var stateKey: String?

    @Option(name: .customLong("state-lease-ttl"), help: ArgumentHelp(
        "etcd: seconds a lock outlives its holder's last keepalive (default: 15; at least 2).", valueName: "seconds"))
    var stateLeaseTTL = 15

    /// The `--state` text; `state` when the option was not given.
    public var state: String { given ?? "state" }

    public init() {}

    /// Refuses a malformed backend, TLS files for a directory, and a TTL below 2 s before anything runs (exit 64).
    public func validate() throws {
        let backend: StateBackend
        do { backend = try StateBackend.parse(state) } catch { throw ValidationError(error.description) }
        if !backend.isShared, stateCA != nil || stateCert != nil || stateKey != nil {
            throw ValidationError("--state-ca, --state-cert and --state-key apply to an etcd+https:// state backend")
        }
        if (stateCert == nil) != (stateKey == nil) { throw ValidationError("--state-cert and --state-key go together") }
        if stateLeaseTTL < 2 { throw ValidationError("--state-lease-ttl must be at least 2 seconds") }
    }
}

/// `--output text|json`: the plan (root pass) or the verification report (`verify`) as text or JSON.
public struct OutputOption: ParsableArguments, Sendable {
    @Option(name: .customLong("output"), help: ArgumentHelp(
        "Output format: text or json (default: text): the plan (docs/plan-json.md), or verify's report.", valueName: "format"))
    var given: OutputFormatArgument?

    /// The format; text when the option was not given.
    public var output: OutputFormatArgument { given ?? .text }

    public init() {}
}

/// `--resolve HOST:PORT=ADDRESS:PORT` (repeatable): reach a Kafka listener or advertised name at another address.
public struct ResolveOption: ParsableArguments, Sendable {
    @Option(name: .customLong("resolve"), help: ArgumentHelp(
        "Reach a Kafka listener or advertised name at another address, like curl's --resolve (repeatable): a tunnel "
            + "to the brokers, or (verify) an advertised name before DNS has it.",
        valueName: "host:port=address:port"))
    public var resolve: [String] = []

    public init() {}

    /// Refuses malformed entries before anything runs (exit 64).
    public func validate() throws { _ = try ResolveTable(resolve) }
}

public enum OutputFormatArgument: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
    var format: ReconcilePass.OutputFormat { self == .json ? .json : .text }
}
