import ArgumentParser
import DesiredState
import Foundation
import KafkaClient
import KafkaRolling
import Manifests
import PlanRendering
import ReconcileModel

/// `reconcile verify`: the runbooks' checks, automated, for every cluster and exposure.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every broker is listed as the manifests say through INTERNAL and every exposure, and that each advertised address reaches the right broker.",
        discussion: "Exit 0 only when everything matches.")

    @OptionGroup var paths: PathOptions

    @Option(name: .long, help: "Only this cluster (repeatable).")
    var cluster: [String] = []

    @Option(name: .long, help: "Output format: text or json.")
    var output: OutputFormatArgument = .text

    @Option(name: .long, help: "Resolve an advertised name like curl's --resolve: HOST:PORT=ADDRESS:PORT (repeatable).")
    var resolve: [String] = []

    @Flag(name: .long, help: "Fail when an advertised name does not resolve here (by default only noted).")
    var requireAdvertised = false

    func validate() throws { _ = try ResolveTable(resolve) }

    func run() async throws {
        let status = await Self.verify(
            manifests: paths.manifests, clusters: cluster, json: output == .json,
            dialer: try ResolveTable(resolve).dialer, requireAdvertised: requireAdvertised, console: .standard)
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    static func verify(
        manifests: String, clusters: [String], json: Bool, dialer: any Dialer, requireAdvertised: Bool, console: Console
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
        let endpoints = ProviderRegistry.brokerEndpoints(load.manifests)
        var reports: [VerificationReport] = []
        for cluster in selected.sorted(by: { $0.name.value < $1.name.value }) {
            let rolling = ProviderRegistry.rollingCluster(cluster, manifests: load.manifests, endpoints: endpoints)
            reports.append(await ClusterVerifier(cluster: rolling, dialer: dialer, requireAdvertised: requireAdvertised).verify())
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = (try? encoder.encode(reports)) ?? Data()
            console.out(String(decoding: data, as: UTF8.self) + "\n")
        } else {
            for report in reports { console.out(text(report)) }
        }
        return reports.allSatisfy(\.ok) ? ExitStatus.success : ExitStatus.error
    }

    static func text(_ report: VerificationReport) -> String {
        var out = "Cluster \(report.cluster)\n"
        for section in report.sections {
            out += "\n\(section.listener) (bootstrap \(section.bootstrap))\n"
            for line in section.lines { out += "\(line.node) -> \(line.result)\n" }
        }
        out += "\nVerdict:\n"
        for verdict in report.verdicts {
            out += "  broker \(verdict.broker): \(verdict.ok ? "OK" : "FAILED")\n"
            for finding in verdict.findings { out += "    - \(finding)\n" }
        }
        out += report.ok ? "All brokers match the manifests.\n" : "Some brokers do not match the manifests.\n"
        return out
    }
}
