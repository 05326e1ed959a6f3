import Foundation
import Logging
public import ProviderAPI

/// Cloud API requests through swift-log: every one with `--log-http`, otherwise only those retried or failed (a
/// 404 is how a missing resource is observed, not a failure). The message is the request's line, `http: ...`;
/// the metadata carries `http.method`, `http.path`, `http.status`, `http.request_id` and `http.attempt`, so
/// `--log-format json` gives machines the fields. Failed requests log at `warning`, the others at `notice`.
struct LoggedHTTPLog: HTTPLogSink {
    let everything: Bool
    let logger: Logger

    func record(_ entry: HTTPLogRecord) {
        let failed = entry.status.map { $0 >= 400 && $0 != 404 } ?? true
        guard everything || failed || entry.note != nil else { return }
        var metadata: Logger.Metadata = [
            "http.method": "\(entry.method)", "http.path": "\(entry.path)", "http.attempt": "\(entry.attempt)",
        ]
        if let status = entry.status { metadata["http.status"] = "\(status)" }
        if let id = entry.requestID { metadata["http.request_id"] = "\(id)" }
        logger.log(level: failed ? .warning : .notice, "http: \(entry.line)", metadata: metadata)
    }
}

/// Discards HTTP log records.
public struct NullHTTPLog: HTTPLogSink {
    public init() {}
    public func record(_ entry: HTTPLogRecord) {}
}
