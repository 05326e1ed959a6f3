import Foundation
import ReconcileModel
import YAML

/// Reads Kubernetes-style documents (`apiVersion`, `kind`, `metadata.name`, `spec`) from YAML files.
public enum ManifestLoader {
    public static let apiVersion = "reconcile.kafka/v1alpha1"
    public static let kinds = ["KafkaCluster", "AzurePrivateLinkExposure", "GcpPrivateServiceConnectExposure"]
    /// Name of the optional file listing sub-paths (one per line, `#` comments) that a directory load skips.
    public static let ignoreFileName = ".reconcileignore"

    /// Loads every `*.yaml`/`*.yml` below `directory` (sorted, hidden entries and ignored paths skipped).
    public static func load(directory: String) -> ManifestLoad {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
            return ManifestLoad(manifests: ManifestSet(), diagnostics: [
                Diagnostic(at: SourceLocation(file: directory, line: 1, column: 1), "manifests directory does not exist"),
            ])
        }
        let paths = isDir.boolValue ? yamlFiles(in: directory) : [directory]
        var files: [(String, [UInt8])] = []
        var diagnostics: [Diagnostic] = []
        for path in paths {
            if let data = FileManager.default.contents(atPath: path) {
                files.append((path, [UInt8](data)))
            } else {
                diagnostics.append(Diagnostic(at: SourceLocation(file: path, line: 1, column: 1), "cannot read file"))
            }
        }
        if files.isEmpty && diagnostics.isEmpty {
            diagnostics.append(Diagnostic(
                at: SourceLocation(file: directory, line: 1, column: 1),
                "no manifests found (expected *.yaml or *.yml files)"))
        }
        var result = load(files: files)
        result.diagnostics = (diagnostics + result.diagnostics).sortedForOutput()
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
                    DocumentDecoder(file: path, sink: sink).decode(document.root!, into: &set)
                }
            }
        }
        ManifestValidator(sink: sink).validate(&set)
        return ManifestLoad(manifests: set, diagnostics: sink.items.sortedForOutput())
    }

    static func yamlFiles(in directory: String) -> [String] {
        let root = URL(fileURLWithPath: directory)
        let ignored = ignoreList(in: directory)
        guard let walker = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        var out: [String] = []
        for case let url as URL in walker {
            let relative = String(url.path.dropFirst(root.path.count)).drop { $0 == "/" }
            if ignored.contains(where: { relative == $0 || relative.hasPrefix($0 + "/") }) {
                walker.skipDescendants()
                continue
            }
            guard ["yaml", "yml"].contains(url.pathExtension),
                (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
            else { continue }
            out.append(directory.hasSuffix("/") ? directory + relative : directory + "/" + relative)
        }
        return out.sorted()
    }

    static func ignoreList(in directory: String) -> [String] {
        guard let text = try? String(contentsOfFile: directory + "/" + ignoreFileName, encoding: .utf8) else { return [] }
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
    }
}
