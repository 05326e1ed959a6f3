import Foundation
import ProviderAPI
@testable import ReconcileCommands
import Testing
import TestSupport

/// Cloud API requests are logged through swift-log, like the apply's progress.
@Suite("HTTP request log through swift-log")
struct HTTPLogTests {
    static let ok = HTTPLogRecord(method: "GET", path: "/subscriptions/s/resourceGroups/g", status: 200, durationSeconds: 0.01, requestID: "r-1")
    static let throttled = HTTPLogRecord(
        method: "PUT", path: "/subscriptions/s/resourceGroups/g", status: 429, durationSeconds: 0.02, requestID: "r-2", attempt: 2,
        note: "retry in 1s")
    static let missing = HTTPLogRecord(method: "GET", path: "/x", status: 404, durationSeconds: 0.01, requestID: nil)

    @Test("By default only retried or failed requests are logged (a 404 is how absence is observed); text keeps the `http:` line")
    func defaults() {
        let console = CapturedConsole()
        let log = LoggedHTTPLog(everything: false, logger: ConsoleLogHandler.logger(format: .text, console: console.console()))
        for record in [Self.ok, Self.missing, Self.throttled] { log.record(record) }
        #expect(console.err == "http: \(Self.throttled.line)\n", "\(console.err)")
    }

    @Test("--log-http with --log-format json: every request as a JSON line with its fields")
    func everythingAsJSON() throws {
        let console = CapturedConsole()
        let log = LoggedHTTPLog(everything: true, logger: ConsoleLogHandler.logger(format: .json, console: console.console()))
        log.record(Self.ok)
        log.record(Self.throttled)
        let records = try console.err.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])
        }
        #expect(records.count == 2)
        #expect(records[0]["level"] == "notice" && records[0]["http.status"] == "200" && records[0]["http.request_id"] == "r-1")
        #expect(records[1]["level"] == "warning" && records[1]["http.status"] == "429" && records[1]["http.attempt"] == "2")
        #expect(records[1]["message"] == "http: \(Self.throttled.line)")
    }
}
