import CloudHTTP
import Foundation
import ProviderAPI
import TestSupport
import Testing

@Suite("RetryingTransport: one log record per attempt, never a secret")
struct RetryLoggingTests {
    @Test func everyAttemptIsRecorded() async throws {
        let clock = ManualClock(tick: 0.25)  // every read of the clock moves it by 0.25 s
        let script = ScriptedTransport([
            status(429, [("Retry-After", "2"), ("x-ms-request-id", "req-1")]),
            .fail(.connectFailed("Couldn't connect to server")),
            status(200, [("X-Ms-Request-Id", "req-3")]),
        ])
        let sink = CollectingLogSink()
        let retrying = RetryingTransport(
            wrapping: script, logSink: sink, now: clock.closure, sleep: { _ in }, random: { $0.upperBound }
        )
        let url = "https://management.azure.com/subscriptions/s1/resourceGroups/rg?api-version=2024-01-01&sig=abc"
        _ = try await retrying.send(HTTPRequest(method: "GET", url: url))

        let records = sink.records
        #expect(records.map(\.attempt) == [1, 2, 3])
        #expect(records.allSatisfy { $0.method == "GET" && $0.path == "/subscriptions/s1/resourceGroups/rg" })
        #expect(records.map(\.status) == [429, nil, 200])
        #expect(records.map(\.requestID) == ["req-1", nil, "req-3"])
        #expect(records.map(\.note) == [
            "429, retrying in 2.0s",
            "cannot connect: Couldn't connect to server, retrying in 1.0s",
            nil,
        ])
        #expect(records.allSatisfy { $0.durationSeconds > 0 })
        #expect(records[0].line == "GET /subscriptions/s1/resourceGroups/rg -> 429 in 0.250s (request id req-1) [attempt 1: 429, retrying in 2.0s]")
        #expect(!sink.lines.joined().contains("api-version"))
    }

    @Test func googleRequestIDsAreRecorded() async throws {
        for header in ["x-goog-request-id", "X-Request-Id"] {
            let sink = CollectingLogSink()
            let script = ScriptedTransport([status(200, [(header, "g-7")])])
            _ = try await RetryingTransport(wrapping: script, logSink: sink).send(HTTPRequest(method: "GET", url: "https://compute.googleapis.com/compute/v1/projects/p"))
            #expect(sink.records.first?.requestID == "g-7")
        }
    }

    @Test func secretsInHeadersAndBodiesNeverReachRecordsOrErrors() async throws {
        let request = HTTPRequest(
            method: "POST",
            url: "https://login.example/tenant/oauth2/v2.0/token?code=SECRET",
            headers: [("Authorization", "Bearer SECRET"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("grant_type=client_credentials&client_secret=SECRET".utf8)
        )
        let script = ScriptedTransport([
            status(503, [("Retry-After", "0"), ("Set-Cookie", "SECRET")], body: "SECRET"),
            .fail(.connectFailed("Failed to connect to login.example port 443")),
            .fail(.timedOut("Operation timed out")),
        ])
        let sink = CollectingLogSink()
        let policy = RetryPolicy(maxAttempts: 3).markingIdempotent { _ in true }
        let retrying = RetryingTransport(wrapping: script, policy: policy, logSink: sink, sleep: { _ in })
        var errorText = ""
        do {
            _ = try await retrying.send(request)
            Issue.record("expected the last timeout to be rethrown")
        } catch {
            errorText = String(describing: error) + String(reflecting: error)
        }
        #expect(sink.records.count == 3)
        let everything = sink.records.map { "\($0.line) \($0) \(String(reflecting: $0))" }.joined() + errorText
        #expect(!everything.contains("SECRET"))
    }

    @Test("paths never carry the query or the authority", arguments: [
        ("https://management.azure.com/subscriptions/s?api-version=1", "/subscriptions/s"),
        ("https://user:pw@host:8443/a/b#frag", "/a/b"),
        ("https://host", "/"),
        ("https://host?x=1", "/"),
        ("/relative/path?q=1", "/relative/path"),
    ])
    func paths(url: String, path: String) {
        #expect(RequestDescription.path(of: url) == path)
    }

    @Test func streamSinkWritesOneLinePerRecord() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("CloudHTTPTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("log.txt")
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let handle = try FileHandle(forWritingTo: file)
        let sink = StreamLogSink(handle, prefix: "http: ")
        sink.record(HTTPLogRecord(method: "GET", path: "/a", status: 200, durationSeconds: 0.5, requestID: nil))
        sink.record(HTTPLogRecord(method: "PUT", path: "/b", status: nil, durationSeconds: 1, requestID: "r", attempt: 2, note: "timed out"))
        try handle.close()
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text == """
            http: GET /a -> 200 in 0.500s
            http: PUT /b -> no response in 1.000s (request id r) [attempt 2: timed out]

            """)
        NullLogSink().record(HTTPLogRecord(method: "GET", path: "/", status: 200, durationSeconds: 0, requestID: nil))
    }
}
