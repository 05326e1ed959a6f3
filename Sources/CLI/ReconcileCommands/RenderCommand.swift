import ArgumentParser
import DesiredState
import Manifests
import PlanRendering
import ReconcileModel

/// `reconcile render`: one broker's `server.properties` exactly as a fresh file would be written.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Print a broker's server.properties settings as the reconciler would write them.")

    @OptionGroup var manifests: ManifestsOption

    @Option(name: .long, help: "KafkaCluster name.")
    var cluster: String

    @Option(name: .long, help: "Broker node id.")
    var broker: Int

    @ParentCommand var root: ReconcileCommand

    func validate() throws { try RootOptionCheck.refuse(root, in: "render", taking: [.manifests]) }

    func run() throws {
        let status = Self.render(manifests: manifests.manifests, cluster: cluster, broker: broker, console: .standard)
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    static func render(manifests: String, cluster: String, broker: Int, console: Console) -> Int32 {
        let load = ManifestLoader.load(directory: manifests)
        guard !load.diagnostics.hasErrors else {
            console.err(DiagnosticRenderer.render(load.diagnostics, format: .text) + "\n")
            return ExitStatus.error
        }
        let state = DesiredStateCompiler.compile(load.manifests)
        guard let brokers = state.brokerConfigs[cluster] else {
            let names = load.manifests.clusters.map(\.name.value).sorted().joined(separator: ", ")
            console.err("error: no KafkaCluster named `\(cluster)` in \(manifests) (clusters: \(names))\n")
            return ExitStatus.error
        }
        if load.manifests.isProxiedOnly(cluster) {
            console.err("error: cluster `\(cluster)` is exposed only through kafka-proxy: the reconciler does not manage its brokers' server.properties\n")
            return ExitStatus.error
        }
        guard let props = brokers[broker] else {
            console.err("error: cluster `\(cluster)` has no broker with node id \(broker) (ids: \(brokers.keys.sorted().map(String.init).joined(separator: ", ")))\n")
            return ExitStatus.error
        }
        console.out(props.fileText)
        return ExitStatus.success
    }
}
