import ArgumentParser
import FileStateStore
import Foundation
import GitSource
import CurlTransport
import Hummingbird
import KafkaRolling
import Logging
import ProviderAPI
import ReconcileEngine
import ReconcileService
import Scheduling
import ServiceAPI
import ServiceLifecycle
import UnixSignals
import SSHTransport

/// `reconcile serve`: the long-lived GitOps service. It reads the manifests from a git repository (or a local
/// directory), reconciles every cluster on each new revision, on an interval, on a webhook or on request, holds
/// disruptive changes outside the windows the manifests allow, and serves its status, metrics and webhooks over
/// HTTP. SIGTERM or SIGINT stops it gracefully: no new pass starts, a roll finishes the broker it is on, and the
/// process exits 0; a second signal, or the grace period ending, stops at the next safe point.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the reconciler as a long-lived service: manifests from git or a directory, passes on changes, drift, webhooks and requests, an HTTP API and metrics.",
        discussion: """
            The manifests come from --git-url (with --git-branch, --git-tag or --git-commit, and --git-path), or from \
            --manifests DIR, watched. Logs are JSON lines on stderr, each with the pass id, cluster and revision. \
            Exit codes: 0 after a graceful stop, 1 when it cannot start, 64 usage.
            """)

    @OptionGroup var manifests: ManifestsOption
    @OptionGroup var stateDirectory: StateOption
    @OptionGroup var resolve: ResolveOption

    @Option(name: .long, help: ArgumentHelp("A git repository to read the manifests from (https or ssh, through the system git).", valueName: "url"))
    var gitUrl: String?
    @Option(name: .long, help: ArgumentHelp("The branch to follow (default: main).", valueName: "name"))
    var gitBranch: String?
    @Option(name: .long, help: ArgumentHelp("A tag to follow (wins over --git-branch).", valueName: "name"))
    var gitTag: String?
    @Option(name: .long, help: ArgumentHelp("A fixed commit (wins over --git-tag and --git-branch).", valueName: "sha"))
    var gitCommit: String?
    @Option(name: .long, help: ArgumentHelp("The manifests' directory inside the repository (default: its root).", valueName: "path"))
    var gitPath: String = ""
    @Option(name: .long, help: ArgumentHelp("Deadline of each git command, in seconds (default: 60).", valueName: "seconds"))
    var gitTimeout: Int = 60
    @Option(name: .long, help: ArgumentHelp(
        "Apply only commits signed by a key in this SSH allowed-signers file; an unsigned or untrusted head is not applied.", valueName: "file"))
    var gitAllowedSigners: String?
    @Option(name: .long, help: ArgumentHelp(
        "Apply only commits signed (OpenPGP) by one of the ASCII-armoured public keys in this file; an unsigned or untrusted head is not applied.",
        valueName: "file"))
    var gitGpgKeys: String?
    @Option(name: .long, help: ArgumentHelp("Where the git checkout lives (default: STATE/source).", valueName: "dir"))
    var gitWorkdir: String?

    @Option(name: .long, help: ArgumentHelp("How often the source is checked for a new revision (default: 1m).", valueName: "duration"))
    var sourcePoll: String = "1m"
    @Option(name: .long, help: ArgumentHelp("How often each cluster is reconciled to detect drift (default: 5m, ±10% jitter).", valueName: "duration"))
    var interval: String = "5m"
    @Option(name: .long, help: ArgumentHelp("Clusters reconciled at once (default: 4).", valueName: "n"))
    var maxParallel: Int = 4
    @Option(name: .long, help: ArgumentHelp(
        "How long a graceful stop may take (a roll finishing its broker) before passes are cancelled (default: 10m).", valueName: "duration"))
    var gracePeriod: String = "10m"

    @Option(name: .long, help: ArgumentHelp(
        "This replica's name among replicas sharing an etcd state backend (default: HOST-PID); each cluster is led by one "
            + "replica at a time.", valueName: "name"))
    var replica: String?

    @Option(name: .long, help: ArgumentHelp("HTTP listen address (default: 127.0.0.1:8484; a non-loopback address needs --token-file).", valueName: "host:port"))
    var listen: String = "127.0.0.1:8484"
    @Option(name: .long, help: ArgumentHelp("A file holding the bearer token the API's mutating calls (and, off loopback, every call) require.", valueName: "file"))
    var tokenFile: String?
    @Option(name: .long, help: ArgumentHelp(
        "A webhook receiver (repeatable): github, gitlab or generic, a name, and a file holding its secret; served at /hook/<id>, logged at start.",
        valueName: "kind:name:secret-file"))
    var webhook: [String] = []
    @Option(name: .long, help: ArgumentHelp("Post a JSON notification here on drift, a failed pass, a halted roll or a change held by a window (repeatable).", valueName: "url"))
    var notify: [String] = []
    @Option(name: .long, help: ArgumentHelp("Post Slack-compatible notifications (an incoming-webhook URL) (repeatable).", valueName: "url"))
    var notifySlack: [String] = []
    @Option(name: .long, help: ArgumentHelp("Lowest log level written: trace, debug, info, notice, warning, error (default: info).", valueName: "level"))
    var logLevel: String = "info"

    @ParentCommand var root: ReconcileCommand

    func validate() throws {
        try RootOptionCheck.refuse(root, in: "serve", taking: [.manifests, .state, .resolve], allowingPassOptions: ["--local-hosts", "--log-http"])
        for (name, text) in [("--source-poll", sourcePoll), ("--interval", interval), ("--grace-period", gracePeriod)] {
            guard let seconds = Self.seconds(text), seconds > 0 else { throw ValidationError("\(name) \(text): expected a duration such as 30s, 5m or 1h") }
        }
        guard maxParallel >= 1 else { throw ValidationError("--max-parallel must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level \(logLevel): expected trace, debug, info, notice, warning or error") }
        _ = try Self.split(listen)
    }

    /// How the options combine (checked when it runs, so that each option alone still parses; exit 64 all the same).
    func checkCombination() throws {
        if gitUrl != nil, manifests.given != nil { throw ValidationError("give --git-url or --manifests, not both") }
        if gitUrl == nil, gitBranch != nil || gitTag != nil || gitCommit != nil || !gitPath.isEmpty || gitAllowedSigners != nil || gitGpgKeys != nil {
            throw ValidationError("--git-branch, --git-tag, --git-commit, --git-path, --git-allowed-signers and --git-gpg-keys need --git-url")
        }
        if gitAllowedSigners != nil, gitGpgKeys != nil { throw ValidationError("give --git-allowed-signers (SSH signatures) or --git-gpg-keys (OpenPGP), not both") }
        let (host, _) = try Self.split(listen)
        if !Self.isLoopback(host), tokenFile == nil {
            throw ValidationError("--listen \(listen) is not a loopback address: give --token-file so that every call needs the token")
        }
    }

    func run() async throws {
        try checkCombination()
        let console = Console.standard
        var logger = ConsoleLogHandler.logger("reconcile.serve", format: .json, console: console)
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        do {
            try await serve(logger: logger)
        } catch let error as ServeError {
            logger.critical("cannot start: \(error.message)")
            throw ExitCode(ExitStatus.error)
        }
    }

    struct ServeError: Error { var message: String }

    func serve(logger: Logger) async throws {
        let token: String?
        do {
            token = try tokenFile.map { try Self.secret(from: $0) }
            if let token, token.count < 16 { throw ServeError(message: "the token in \(tokenFile!) is shorter than 16 characters") }
        } catch let error as ServeError { throw error } catch { throw ServeError(message: "cannot read --token-file: \(error)") }
        var receivers: [WebhookReceiver] = []
        for text in webhook {
            do { receivers.append(try WebhookReceiver.parse(text, readFile: Self.secret(from:))) } catch { throw ServeError(message: "\(error)") }
        }
        let source: any ManifestSource
        if let gitUrl {
            let verification = gitAllowedSigners.map { GitSourceSpec.Verification.ssh(allowedSigners: $0) }
                ?? gitGpgKeys.map { GitSourceSpec.Verification.gpg(publicKeys: $0) }
            let spec = GitSourceSpec(
                url: gitUrl, ref: .from(branch: gitBranch, tag: gitTag, commit: gitCommit), path: gitPath, timeout: .seconds(gitTimeout),
                verification: verification)
            do {
                // The clone is a cache: beside local state, or in the temporary directory when the state is shared.
                let defaultWorkdir = (try? stateDirectory.backend.isShared) == true
                    ? FileManager.default.temporaryDirectory.appendingPathComponent("reconcile-source").path : stateDirectory.state + "/source"
                source = GitManifestSource(source: try GitSource(spec: spec, workDirectory: gitWorkdir ?? defaultWorkdir))
            } catch { throw ServeError(message: "\(error)") }
        } else {
            source = DirectorySource(directory: manifests.manifests)
        }

        let metrics = ServiceMetrics()
        let pollSeconds = Self.seconds(sourcePoll) ?? 60, intervalSeconds = Self.seconds(interval) ?? 300
        let dialer = try ResolveTable(resolve.resolve).dialer
        let httpLog = LoggedHTTPLog(everything: root.pass.logHttp, logger: logger)
        // Master connections outlive the interval, so a converged tick reuses them (one round of reads).
        let ssh = OpenSSHRemoteHost(maxConcurrentHosts: 256, controlPersistSeconds: Int(intervalSeconds) + 120)
        let remote: any RemoteHost = root.pass.localHosts.map { LocalRemoteHost(root: $0) } ?? ssh
        let store: any StateStore
        do { store = try stateDirectory.makeStore() } catch { throw ServeError(message: "\(error)") }
        let providers = StandardProviders.registry(
            remote: remote, dialer: dialer, httpLog: httpLog, cloudLog: { family, log in metrics.cloudRequests(provider: family, forwardingTo: log) })
        let reconciler = Reconciler(
            providers: providers, store: store, clock: ContinuousClock(), now: Date.init, logger: logger, factsReader: KafkaFactsReader(dialer: dialer))
        var observers: [any ServiceObserver] = [metrics]
        if !notify.isEmpty || !notifySlack.isEmpty {
            observers.append(Notifier(
                targets: notify.map { .init(url: $0, format: .json) } + notifySlack.map { .init(url: $0, format: .slack) },
                transport: CurlTransport(), logger: logger))
        }
        let settings = PassSchedule.Settings(interval: .milliseconds(Int64(intervalSeconds * 1000)))
        let service = ReconcileService(
            reconciler: reconciler, source: source, settings: settings, maxParallel: maxParallel,
            sourcePoll: .milliseconds(Int64(pollSeconds * 1000)), observers: observers, logger: logger,
            replica: replica ?? "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)")

        let (host, port) = try Self.split(listen)
        let api = ServiceAPI(
            service: service, metrics: metrics,
            settings: .init(token: token, tokenForReads: !Self.isLoopback(host), webhooks: receivers, healthyWithin: 2 * pollSeconds + 60),
            storeReachable: {
                do { _ = try await store.clusters(); return nil } catch { return "\(error)" }
            }, logger: logger)
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)  // Hummingbird's own info lines are not the service's
        let application = Application(
            router: api.router(), configuration: .init(address: .hostname(host, port: port), serverName: "reconcile"),
            onServerRunning: { [listen] channel in
                let bound = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? listen
                logger.notice("listening", metadata: ["address": "\(bound)"])
            }, logger: quiet)
        for receiver in receivers {
            logger.notice("webhook \(receiver.name) (\(receiver.kind.rawValue)) at \(receiver.path)", metadata: ["webhook": "\(receiver.name)"])
        }
        let shown = gitUrl.map { "git \(GitSourceSpec.shownURL($0))" } ?? "directory \(manifests.manifests)"
        logger.notice("reconcile serve starting", metadata: [
            "source": "\(shown)", "interval": "\(interval)", "source_poll": "\(sourcePoll)", "state": "\((try? stateDirectory.backend.description) ?? stateDirectory.state)",
        ])
        let grace = Self.seconds(gracePeriod) ?? 600
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: application),
                // Shut down first (services stop in reverse order): the API keeps answering while passes drain.
                .init(service: LoopService(service, logger: logger), successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: quiet)
        configuration.maximumGracefulShutdownDuration = .milliseconds(Int64(grace * 1000))
        let group = ServiceGroup(configuration: configuration)
        do {
            try await group.run()
        } catch {
            await ssh.shutdown()
            throw ServeError(message: "\(error)")
        }
        await ssh.shutdown()
        logger.notice("reconcile serve stopped")
    }

    static func seconds(_ text: String) -> Double? {
        DurationText.parse(text).map { Double($0.components.seconds) }
    }

    static func secret(from path: String) throws -> String {
        try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func split(_ listen: String) throws -> (String, Int) {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen \(listen): expected host:port")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
