import ArgumentParser
import DesiredState
import Manifests
import PlanRendering
import ReconcileModel

/// `reconcile validate`: manifests only, offline. Every problem is reported at once with file, line, column.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check the manifests offline and report every problem with its file, line and column.")

    @OptionGroup var manifests: ManifestsOption

    @Option(name: .long, help: "Diagnostics format: text, or github for workflow annotations (::error file=...).")
    var format: DiagnosticFormatArgument = .text

    @ParentCommand var root: ReconcileCommand

    func validate() throws { try RootOptionCheck.refuse(root, in: "validate", taking: [.manifests]) }

    func run() throws {
        let status = Self.validate(manifests: manifests.manifests, format: format.format, console: .standard)
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    static func validate(manifests: String, format: DiagnosticRenderer.Format, console: Console) -> Int32 {
        let load = ManifestLoader.load(directory: manifests)
        var diagnostics = load.diagnostics
        if !diagnostics.hasErrors { diagnostics += DesiredStateCompiler.compile(load.manifests).diagnostics }
        if !diagnostics.isEmpty {
            let text = DiagnosticRenderer.render(diagnostics, format: format) + "\n"
            if format == .github { console.out(text) } else { console.err(text) }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        if errors > 0 {
            console.err("\(errors) error\(errors == 1 ? "" : "s") in \(manifests)\n")
            return ExitStatus.error
        }
        let set = load.manifests
        console.out("\(manifests): valid (\(set.files.count) file\(set.files.count == 1 ? "" : "s"), \(set.clusters.count) cluster\(set.clusters.count == 1 ? "" : "s"), \(set.exposures.count) exposure\(set.exposures.count == 1 ? "" : "s"))\n")
        return ExitStatus.success
    }
}

enum DiagnosticFormatArgument: String, ExpressibleByArgument, CaseIterable {
    case text, github
    var format: DiagnosticRenderer.Format { self == .github ? .github : .text }
}
