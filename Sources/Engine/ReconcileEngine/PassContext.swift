public import Logging

/// The pass a task belongs to, as a task-local: `Reconciler.reconcile` sets it for the whole pass, so code that
/// lives longer than one pass (providers, their HTTP logs, connection pools) and logs from inside it is tagged
/// with the pass without being handed a per-pass logger.
public enum PassContext {
    @TaskLocal public static var passID: String?

    /// Adds `reconcile.pass` to every record logged inside a pass, for loggers built with it (swift-log's
    /// metadata providers; the handler must merge `metadataProvider?.get()`, as `ConsoleLogHandler` does).
    public static let metadataProvider = Logger.MetadataProvider {
        passID.map { ["reconcile.pass": "\($0)"] } ?? [:]
    }
}
