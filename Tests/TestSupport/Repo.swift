public import Foundation

/// Paths of the repository under test and of `../shared` beside it (present in CI).
public enum Repo {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    public static let examples = ["azure-private-link", "gcp-psc-port-mapping", "gcp-kafka-proxy", "existing-cluster", "second-consumer", "gcp-second-consumer"]

    public static func example(_ name: String) -> String { root.appendingPathComponent("manifests/examples/\(name)").path }

    /// A fresh temporary directory holding a copy of example `name`'s YAML files, each passed through `edit`
    /// (file name, text) first, for tests that change manifests.
    public static func copyExample(_ name: String, into directory: URL? = nil, edit: (String, String) -> String = { $1 }) throws -> URL {
        let dir = directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("example-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: example(name)) where file.hasSuffix(".yaml") {
            let text = try String(contentsOfFile: example(name) + "/" + file, encoding: .utf8)
            try edit(file, text).write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        return dir
    }
}
