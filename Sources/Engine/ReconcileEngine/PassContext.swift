public import Logging

/// The pass a task belongs to, as a task-local: `Reconciler.reconcile` sets it for the whole pass, so code that
/// lives longer than one pass (providers, their HTTP logs, connection pools) and logs from inside it is tagged
/// with the pass without being handed a per-pass logger.
public enum PassContext {
    @TaskLocal public static var passID: String?
    /// The cluster a service pass is for (`reconcile serve` runs one pass per cluster).
    @TaskLocal public static var cluster: String?
    /// The manifests' revision the pass applies (`main@sha1:...`), when they come from a source that has one.
    @TaskLocal public static var revision: String?

    /// Adds `reconcile.pass` (and, in the service, `cluster` and `revision`) to every record logged inside a pass,
    /// for loggers built with it (swift-log's metadata providers; the handler must merge `metadataProvider?.get()`,
    /// as `ConsoleLogHandler` does).
    public static let metadataProvider = Logger.MetadataProvider {
        var metadata: Logger.Metadata = [:]
        if let passID { metadata["reconcile.pass"] = "\(passID)" }
        if let cluster { metadata["cluster"] = "\(cluster)" }
        if let revision { metadata["revision"] = "\(revision)" }
        return metadata
    }
}
