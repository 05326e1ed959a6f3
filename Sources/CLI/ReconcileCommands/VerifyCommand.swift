import ArgumentParser
import ProviderAPI
import Foundation
import KafkaClient
import KafkaRolling
import Manifests
import PlanRendering
import ReconcileEngine
import ReconcileModel
import SSHTransport

/// `reconcile verify`: the runbooks' checks, automated, for every cluster and exposure.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every broker is listed as the manifests say through INTERNAL and every exposure, and that each advertised address reaches the right broker.",
        discussion: "Exit 0 only when everything matches.")

    @OptionGroup var manifests: ManifestsOption

    @Option(name: .long, help: "Only this cluster (repeatable).")
    var cluster: [String] = []

    @OptionGroup var output: OutputOption

    @OptionGroup var resolve: ResolveOption

    @Flag(name: .long, help: "Fail when an advertised name does not resolve here (by default only noted).")
    var requireAdvertised = false

    @Flag(name: .long, help: "Fail when a Private Link Service cannot be read (no credentials, no access); by default only noted. A service that is read and missing always fails.")
    var requireCloud = false

    @ParentCommand var root: ReconcileCommand

    func validate() throws { try RootOptionCheck.refuse(root, in: "verify", taking: [.manifests, .output, .resolve]) }

    func run() async throws {
        let console = Console.standard
        let status = await Self.verify(
            manifests: manifests.manifests, clusters: cluster, json: output.output == .json,
            dialer: try ResolveTable(resolve.resolve).dialer, requireAdvertised: requireAdvertised, requireCloud: requireCloud, console: console,
            providers: StandardProviders.registry(
                remote: OpenSSHRemoteHost(maxConcurrentHosts: 1), httpLog: LoggedHTTPLog(everything: false, logger: ConsoleLogHandler.logger(format: .text, console: console))))
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    static func verify(
        manifests: String, clusters: [String], json: Bool, dialer: any Dialer, requireAdvertised: Bool, requireCloud: Bool = false,
        console: Console,
        providers: any ProviderSource = ProviderClosure { _, _ in [] }
    ) async -> Int32 {
        let load = ManifestLoader.load(directory: manifests)
        guard !load.diagnostics.hasErrors else {
            console.err(DiagnosticRenderer.render(load.diagnostics, format: .text) + "\n")
            return ExitStatus.error
        }
        let selected = load.manifests.clusters.filter { clusters.isEmpty || clusters.contains($0.name.value) }
        if selected.isEmpty {
            console.err("error: no cluster to verify\n")
            return ExitStatus.error
        }
        let endpoints = StandardProviders.brokerEndpoints(load.manifests)
        var reports: [VerificationReport] = []
        for cluster in selected.sorted(by: { $0.name.value < $1.name.value }) {
            var rolling = StandardProviders.rollingCluster(cluster, manifests: load.manifests, endpoints: endpoints)
            if load.manifests.clustersNeedingFacts.contains(where: { $0.name.value == cluster.name.value }) {
                let port = cluster.internalListener.port.value
                let facts = await KafkaFactsReader(dialer: dialer).facts(ClusterFactsRequest(
                    cluster: cluster.name.value, bootstrap: cluster.brokers.map { "\($0.address.value):\(port)" }, listenerPort: port))
                rolling.proxies = StandardProviders.proxyExposures(cluster, manifests: load.manifests, facts: facts)
            }
            var report = await ClusterVerifier(cluster: rolling, dialer: dialer, requireAdvertised: requireAdvertised).verify()
            report.services = await ConsumerServices.check(
                cluster: cluster.name.value, manifests: load.manifests, providers: providers, requireCloud: requireCloud)
            reports.append(report)
        }
        console.out(json ? VerificationRenderer.json(reports) : reports.map(VerificationRenderer.text).joined())
        return reports.allSatisfy(\.ok) ? ExitStatus.success : ExitStatus.error
    }
}
