public import ReconcileModel
import YAML

/// Manifest files as read from a directory: their bytes (sorted by path), the problems met reading them, and a
/// digest of both.
public struct ManifestFiles: Sendable {
    public let files: [(path: String, bytes: [UInt8])]
    public let diagnostics: [Diagnostic]
    /// FNV-1a over every path and its bytes (and the read problems): equal digests, equal manifests.
    public let digest: String
}

/// Reads Kubernetes-style documents (`apiVersion`, `kind`, `metadata.name`, `spec`) from YAML files.
public enum ManifestLoader {
    public static let apiVersion = "reconcile.kafka/v1alpha1"
    public static let kinds = ["KafkaCluster", "AzurePrivateLinkExposure", "GcpPrivateServiceConnectExposure"]
    /// Name of the optional file listing sub-paths (one per line, `#` comments) that a directory load skips.
    public static let ignoreFileName = ".reconcileignore"

    /// Loads every `*.yaml`/`*.yml` below `directory` (or the one file it names), following symbolic links; hidden
    /// entries and ignored paths are skipped. What looks like a manifest but cannot be read is an error at its path
    /// (see ``ManifestDirectory`` for the walk's contract).
    public static func load(directory: String) -> ManifestLoad { load(read(directory: directory)) }

    /// The manifest files below `directory` as they are now, read but not parsed, with a digest of their paths and
    /// bytes: a watcher compares digests and parses (``load(_:)``) only when they differ.
    public static func read(directory: String) -> ManifestFiles {
        let found = ManifestDirectory.read(directory, maxBytes: YAMLLimits().maxBytes)
        var diagnostics = found.diagnostics
        if found.files.isEmpty && diagnostics.isEmpty {
            diagnostics.append(Diagnostic(
                at: SourceLocation(file: directory, line: 1, column: 1),
                "no manifests found (expected *.yaml or *.yml files)"))
        }
        let sorted = found.files.sorted { $0.path < $1.path }
        let digest = Fingerprint.of(chunks: sorted.flatMap { [Array($0.path.utf8), $0.bytes] } + diagnostics.map { Array($0.description.utf8) })
        return ManifestFiles(files: sorted, diagnostics: diagnostics, digest: digest)
    }

    /// Decodes what ``read(directory:)`` found, its read problems first.
    public static func load(_ read: ManifestFiles) -> ManifestLoad {
        var result = load(files: read.files)
        result.diagnostics = (read.diagnostics + result.diagnostics).sortedForOutput()
        return result
    }

    /// Decodes and cross-checks already-read files. Pure: no file system access.
    public static func load(files: [(path: String, bytes: [UInt8])]) -> ManifestLoad {
        let sink = DiagnosticSink()
        var set = ManifestSet()
        for (path, bytes) in files.sorted(by: { $0.path < $1.path }) {
            set.files.append(path)
            switch YAMLParser.parse(bytes) {
            case .failure(let error):
                sink.error(path.location(error.mark), "", "invalid YAML: \(error.message)")
            case .success(let documents):
                let nonEmpty = documents.filter { $0.root != nil }
                if nonEmpty.isEmpty { sink.error(SourceLocation(file: path, line: 1, column: 1), "", "file contains no documents") }
                for document in nonEmpty {
                    NodeReader.reportUnknownTags(in: document.root!, file: path, sink: sink)
                    DocumentDecoder(file: path, sink: sink).decode(document.root!, into: &set)
                }
            }
        }
        ManifestValidator(sink: sink).validate(&set)
        return ManifestLoad(manifests: set, diagnostics: sink.items.sortedForOutput())
    }
}
