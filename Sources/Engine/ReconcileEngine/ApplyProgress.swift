import Execution
import Logging
import ReconcileModel

/// How the apply is logged: one record per apply event (the plan itself is a value for the caller to render).
/// Messages read as a person's progress line; the metadata carries the address, cluster and action for
/// machines. Levels follow the project's mapping: steps `notice`, skips `warning`, failures `error`.
enum ApplyProgress {
    static func log(_ event: ApplyEvent, to logger: Logger) {
        let change: Change?
        let level: Logger.Level
        switch event {
        case .started(let c), .succeeded(let c): (change, level) = (c, .notice)
        case .failed(let c, _): (change, level) = (c, .error)
        case .skipped(let c, _): (change, level) = (c, .warning)
        case .progress(let c, _): (change, level) = (c, .notice)
        }
        var metadata: Logger.Metadata = [:]
        if let change {
            metadata["resource"] = "\(change.address)"
            metadata["cluster"] = "\(change.address.cluster)"
            metadata["action"] = "\(change.action.rawValue)"
        }
        logger.log(level: level, "\(line(for: event))", metadata: metadata)
    }

    static func line(for event: ApplyEvent) -> String {
        switch event {
        case .started(let c): return "\(c.address): \(verb(c.action))..."
        case .succeeded(let c): return "\(c.address): \(verb(c.action)) complete"
        case .failed(let c, let message): return "\(c.address): \(verb(c.action)) FAILED: \(message)"
        case .skipped(let c, let because): return "\(c.address): skipped (waits for \(because.joined(separator: ", ")))"
        case .progress(let c, let waitingFor): return "\(c.map { "\($0.address): " } ?? "")waiting for \(waitingFor.joined(separator: "; "))"
        }
    }

    static func summary(_ report: ApplyReport) -> String {
        "Apply \(report.isSuccess ? "complete" : "incomplete"): \(report.succeeded.count) succeeded, \(report.failed.count) failed, \(report.skipped.count) skipped."
    }

    private static func verb(_ action: Action) -> String {
        switch action {
        case .create: "creating"
        case .update: "updating"
        case .expand: "adding new ports to"
        case .replace: "replacing"
        case .delete: "destroying"
        case .forget: "forgetting"
        case .writeBrokerConfig: "writing server.properties"
        case .restartBroker: "restarting"
        }
    }
}
