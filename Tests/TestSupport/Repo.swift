public import Foundation

/// Paths of the repository under test and of `../shared` beside it (present in CI).
public enum Repo {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let shared = root.deletingLastPathComponent().appendingPathComponent("shared")
    public static let examples = ["azure-private-link", "gcp-psc-port-mapping", "gcp-kafka-proxy", "existing-cluster", "second-consumer", "gcp-second-consumer"]

    public static func example(_ name: String) -> String { root.appendingPathComponent("manifests/examples/\(name)").path }
}
