public import Foundation
import Logging
public import Manifests
import Execution
import PlanRendering
public import ProviderAPI
public import ReconcileEngine
public import ReconcileModel

/// The CLI's face of the engine: loads the manifests, runs one pass on a long-lived `Reconciler`, renders the
/// plan, the progress and the outcome, and maps it to the exit status. Keep one `ReconcilePass` to run many
/// passes on the same providers (their connection pools and token caches).
public struct ReconcilePass: Sendable {
    public enum OutputFormat: String, Sendable, CaseIterable { case text, json }

    public struct Options: Sendable {
        public var manifests: String
        public var dryRun: Bool
        public var detailedExitCode: Bool
        public var output: OutputFormat
        public var targets: [String]
        /// `--allow-destroy` selectors: the one-run confirmation for deleting or replacing protected resources.
        public var allowDestroy: [String]

        public init(
            manifests: String, dryRun: Bool, detailedExitCode: Bool = false, output: OutputFormat = .text, targets: [String] = [],
            allowDestroy: [String] = []
        ) {
            self.manifests = manifests
            self.dryRun = dryRun
            self.detailedExitCode = detailedExitCode
            self.output = output
            self.targets = targets
            self.allowDestroy = allowDestroy
        }
    }

    let reconciler: Reconciler<ContinuousClock>
    let console: Console

    /// - Parameters:
    ///   - providers: the providers of each pass (a `ProviderRegistry` keeps cloud providers between passes).
    ///   - runID: fixes every pass's id (tests); by default each pass gets a fresh one.
    ///   - logFormat: how the pass's log records (the apply's progress) are written to the console's error stream.
    public init(
        providers: any ProviderSource, store: any StateStore, console: Console, now: @escaping @Sendable () -> Date = Date.init,
        runID: String? = nil, observeConcurrency: Int = 8, logFormat: ConsoleLogHandler.Format = .text,
        factsReader: (any ClusterFactsReader)? = nil
    ) {
        let newPassID: @Sendable () -> String
        if let runID { newPassID = { runID } } else { newPassID = { UUID().uuidString.lowercased() } }
        self.reconciler = Reconciler(
            providers: providers, store: store, clock: ContinuousClock(), now: now, newPassID: newPassID,
            observeConcurrency: observeConcurrency,
            logger: ConsoleLogHandler.logger(format: logFormat, console: console), factsReader: factsReader)
        self.console = console
    }

    /// Providers built by a closure for each pass (brokers' SSH endpoints come from the manifests; a cloud whose
    /// exposures left the manifests is still in the inventory).
    public init(
        providers: @escaping @Sendable (ManifestSet, [Inventory]) -> [any ResourceProvider], store: any StateStore, console: Console,
        now: @escaping @Sendable () -> Date = Date.init, runID: String? = nil, observeConcurrency: Int = 8,
        logFormat: ConsoleLogHandler.Format = .text
    ) {
        self.init(providers: ProviderClosure(providers), store: store, console: console, now: now, runID: runID,
                  observeConcurrency: observeConcurrency, logFormat: logFormat)
    }

    /// A pass over a fixed set of providers.
    public init(
        providers: [any ResourceProvider], store: any StateStore, console: Console,
        now: @escaping @Sendable () -> Date = Date.init, runID: String? = nil, observeConcurrency: Int = 8,
        logFormat: ConsoleLogHandler.Format = .text
    ) {
        self.init(providers: { _, _ in providers }, store: store, console: console, now: now, runID: runID,
                  observeConcurrency: observeConcurrency, logFormat: logFormat)
    }

    /// Runs one pass and returns the process exit status.
    public func run(_ options: Options) async -> Int32 {
        let load = ManifestLoader.load(directory: options.manifests)
        report(load.diagnostics)
        guard !load.diagnostics.hasErrors else { return ExitStatus.error }
        let request = PassRequest(
            manifests: load.manifests, mode: options.dryRun ? .dryRun : .apply, targets: options.targets,
            allowDestroy: options.allowDestroy)
        let console = self.console
        let result = await reconciler.reconcile(request) { event in
            switch event {
            case .planned(let plan):
                // A provider that could observe nothing is explained once, before the plan that says so per address.
                for failure in plan.errors { console.err("error: \(failure)\n") }
                Self.render(plan, options.output, console: console)
            case .applying:
                break  // the engine logs each step (ConsoleLogHandler prints it)
            }
        }
        return status(of: result, options)
    }

    /// Reports how the pass ended and maps it to the exit status.
    private func status(of result: PassResult, _ options: Options) -> Int32 {
        report(result.diagnostics)
        defer { for warning in result.warnings { console.err("warning: \(warning)\n") } }
        switch result.stop {
        case .invalidDesiredState?:
            return ExitStatus.error
        case .locked(let message)?, .state(let message)?:
            console.err("error: \(message)\n")
            return ExitStatus.error
        case .unmatchedTargets(let unmatched)?:
            let list = unmatched.map { "--target \($0)" }.joined(separator: ", ")
            let example = result.plan?.changes.first?.address.description ?? "tidb-kafka/azure.loadBalancer/kafka-lb"
            console.err("error: \(list) \(unmatched.count == 1 ? "matches" : "match") no address in the manifests or the state "
                + "(addresses are CLUSTER/TYPE/NAME, e.g. \(example); a prefix selects everything below it, `*` matches one segment)\n")
            return ExitStatus.error
        case .problems(let count)?:
            console.err("error: the plan has \(count) problem(s); nothing was applied\n")
            return ExitStatus.error
        case nil:
            break
        }
        if let report = result.apply { return report.isSuccess ? ExitStatus.success : ExitStatus.error }
        // Held changes are pending too: the real world still differs from the manifests.
        if options.dryRun, options.detailedExitCode, result.plan.map({ $0.hasChanges || !$0.held.isEmpty }) == true { return ExitStatus.changesPending }
        return ExitStatus.success
    }

    private static func render(_ plan: Plan, _ format: OutputFormat, console: Console) {
        switch format {
        case .json:
            console.out(JSONPlanRenderer().render(plan) + "\n")
        case .text:
            let color = TextPlanRenderer.shouldUseColor(isTTY: console.isTTY, environment: console.environment)
            console.out(TextPlanRenderer(color: color).render(plan) + "\n")
        }
    }

    private func report(_ diagnostics: [Diagnostic]) {
        guard !diagnostics.isEmpty else { return }
        console.err(DiagnosticRenderer.render(diagnostics, format: .text) + "\n")
    }
}
