import Foundation
public import Logging
public import ReconcileEngine

/// The CLI's swift-log handler, writing to a `Console`'s error stream.
///
/// - `text`: the message alone, one line each, for people (progress lines such as
///   `tidb-kafka/azure.loadBalancer/kafka-lb: creating...`).
/// - `json`: one JSON object per line for machines: `time` (RFC 3339, UTC), `level`, `message`, `label`, and
///   every metadata key (`reconcile.pass`, `resource`, `cluster`, `action`, ...) as a string.
///
/// Records below `logLevel` (default `notice`, swift-log's advice for console output) are dropped.
public struct ConsoleLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public var logLevel: Logger.Level = .notice
    let label: String
    let format: Format
    let console: Console

    public init(label: String, format: Format, console: Console, metadataProvider: Logger.MetadataProvider? = PassContext.metadataProvider) {
        self.label = label
        self.format = format
        self.console = console
        self.metadataProvider = metadataProvider
    }

    /// A logger writing to `console` in `format` (the CLI builds every logger of a command this way). Records
    /// logged inside a pass carry `reconcile.pass` (`PassContext`), whoever logs them.
    public static func logger(_ label: String = "reconcile", format: Format, console: Console) -> Logger {
        Logger(label: label) { label in ConsoleLogHandler(label: label, format: format, console: console) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        switch format {
        case .text:
            console.err("\(event.message)\n")
        case .json:
            var object: [String: String] = [
                "time": Date().formatted(.iso8601), "level": event.level.rawValue, "message": "\(event.message)", "label": label,
            ]
            let merged = (metadataProvider?.get() ?? [:]).merging(metadata) { _, new in new }.merging(event.metadata ?? [:]) { _, new in new }
            for (key, value) in merged { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            console.err(String(decoding: data, as: UTF8.self) + "\n")
        }
    }
}
