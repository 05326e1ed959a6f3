import Execution
import ReconcileModel

/// One line per apply event, for stderr (the plan itself goes to stdout).
enum ProgressText {
    static func line(for event: ApplyEvent) -> String {
        switch event {
        case .started(let c): return "\(c.address): \(verb(c.action))...\n"
        case .succeeded(let c): return "\(c.address): \(verb(c.action)) complete\n"
        case .failed(let c, let message): return "\(c.address): \(verb(c.action)) FAILED: \(message)\n"
        case .skipped(let c, let because): return "\(c.address): skipped (waits for \(because.joined(separator: ", ")))\n"
        case .progress(let c, let waitingFor): return "\(c.map { "\($0.address): " } ?? "")waiting for \(waitingFor.joined(separator: "; "))\n"
        }
    }

    static func summary(_ report: ApplyReport) -> String {
        "Apply \(report.isSuccess ? "complete" : "incomplete"): \(report.succeeded.count) succeeded, \(report.failed.count) failed, \(report.skipped.count) skipped.\n"
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
