import ArgumentParser
import ProviderAPI
import DesiredState
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
            let rolling = StandardProviders.rollingCluster(cluster, manifests: load.manifests, endpoints: endpoints)
            var report = await ClusterVerifier(cluster: rolling, dialer: dialer, requireAdvertised: requireAdvertised).verify()
            report.services = await services(of: cluster.name.value, manifests: load.manifests, providers: providers, requireCloud: requireCloud)
            reports.append(report)
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

    /// Each resource consumers connect through (`ResourceSpec.consumerService`: an Azure Private Link Service, a
    /// GCP service attachment), read through its provider, whatever the cloud: present, with what the provider
    /// observed (an alias, the endpoint connections). One that cannot be read is only noted unless `requireCloud`
    /// (verify is also run by people who can reach the brokers but hold no cloud credentials); one that is read
    /// and missing is always a problem.
    static func services(
        of cluster: String, manifests: ManifestSet, providers source: any ProviderSource, requireCloud: Bool
    ) async -> [VerificationReport.Service] {
        func unreadable(_ spec: ResourceSpec, _ why: String) -> VerificationReport.Service {
            let text = "cannot read it: \(why)"
            return requireCloud
                ? .init(kind: spec.consumerService, address: spec.address.description, notes: [], problem: text)
                : .init(kind: spec.consumerService, address: spec.address.description,
                        notes: ["not checked, \(text) (pass --require-cloud to fail on this)"])
        }
        let specs = DesiredStateCompiler.compile(manifests).resources(of: cluster).filter { $0.consumerService != nil }
        guard !specs.isEmpty else { return [] }
        let providers = source.providers(for: manifests, needing: Set(specs.map(\.address.provider)), inventories: [])
        var out: [VerificationReport.Service] = []
        for (type, group) in Dictionary(grouping: specs, by: \.address.type).sorted(by: { $0.key < $1.key }) {
            guard let provider = providers.first(where: { $0.resourceTypes.contains(type) }) else {
                out += group.map { unreadable($0, "no provider in this build") }
                continue
            }
            let observed: [ObservedResource]
            do {
                observed = try await provider.observe(desired: group, inventory: [])
            } catch {
                out += group.map { unreadable($0, "\(error)") }
                continue
            }
            out += group.map { spec in
                guard let seen = observed.first(where: { $0.address == spec.address }) else {
                    return .init(kind: spec.consumerService, address: spec.address.description, notes: [],
                                 problem: "does not exist; run `reconcile` to create it")
                }
                if let error = seen.error { return unreadable(spec, error) }
                return .init(kind: spec.consumerService, address: spec.address.description, notes: seen.notes)
            }
        }
        return out
    }

    static func text(_ report: VerificationReport) -> String {
        var out = "Cluster \(report.cluster)\n"
        for service in report.services {
            out += "\n\(service.kind ?? "Service") \(service.address)\(service.problem.map { ": \($0)" } ?? "")\n"
            for note in service.notes { out += "  \(note)\n" }
        }
        for section in report.sections {
            out += "\n\(section.listener) (bootstrap \(section.bootstrap))\n"
            for line in section.lines { out += "\(line.node) -> \(line.result)\n" }
        }
        out += "\nVerdict:\n"
        for service in report.services where service.problem != nil {
            out += "  \(service.address): FAILED\n    - \(service.problem!)\n"
        }
        for verdict in report.verdicts {
            out += "  broker \(verdict.broker): \(verdict.ok ? "OK" : "FAILED")\n"
            for finding in verdict.findings { out += "    - \(finding)\n" }
        }
        out += report.ok ? "All brokers match the manifests.\n" : "Some brokers do not match the manifests.\n"
        return out
    }
}
