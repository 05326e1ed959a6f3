import CloudHTTP
import CurlTransport
import Foundation
import ProviderAPI
import Synchronization
import Testing
import TestSupport

/// ``RetryingTransport`` over the real ``CurlTransport`` against the scripted loopback server.
/// (These live here because this test target is the one depending on both CloudHTTP and CurlTransport.)
@Suite("RetryingTransport over CurlTransport", .timeLimit(.minutes(1)))
struct RetryingCurlEndToEndTests {
    @Test func throttledTwiceThenOK() async throws {
        let throttled = Reply.json(
            #"{"error":{"code":"TooManyRequests"}}"#, status: 429, headers: [["Retry-After", "0"], ["x-ms-request-id", "r-429"]]
        )
        let routes: [String: [Reply]] = ["/subscriptions/s1": [throttled, throttled, .json(#"{"id":"/subscriptions/s1"}"#, headers: [["x-ms-request-id", "r-ok"]])]]
        try await withServer(routes) { server in
            let sink = CollectingLogSink()
            let waits = Mutex<[Duration]>([])
            let transport = RetryingTransport(
                wrapping: CurlTransport(), logSink: sink,
                sleep: { delay in
                    waits.withLock { $0.append(delay) }
                    try await Task.sleep(for: delay)
                }
            )
            let response = try await transport.send(HTTPRequest(method: "GET", url: "\(server.baseURL)/subscriptions/s1?api-version=2022-12-01"))
            #expect(response.status == 200)
            #expect(waits.withLock { $0 } == [.zero, .zero])  // Retry-After: 0 is honoured, not the backoff
            #expect(sink.records.map(\.status) == [429, 429, 200])
            #expect(sink.records.map(\.attempt) == [1, 2, 3])
            #expect(sink.records.map(\.requestID) == ["r-429", "r-429", "r-ok"])
            #expect(sink.records.map(\.note) == ["429, retrying in 0.0s", "429, retrying in 0.0s", nil])
            #expect(sink.records.allSatisfy { $0.path == "/subscriptions/s1" })
            let requests = try await server.recorded()
            #expect(requests.count == 3)
        }
    }

    @Test func droppedConnectionOnceThenOK() async throws {
        try await withServer(["/flaky": [.dropConnection, .json(#"{"ok":true}"#)]]) { server in
            let sink = CollectingLogSink()
            let transport = RetryingTransport(
                wrapping: CurlTransport(), policy: RetryPolicy(baseDelay: .milliseconds(10)), logSink: sink
            )
            let response = try await transport.send(HTTPRequest(method: "PUT", url: "\(server.baseURL)/flaky", body: Array("{}".utf8)))
            #expect(response.status == 200)
            #expect(sink.records.count == 2)
            #expect(sink.records.first?.status == nil)
            #expect(sink.records.first?.note?.contains("retrying in") == true)
        }
    }

    @Test func aDroppedPOSTIsNotRepeated() async throws {
        try await withServer(["/create": [.dropConnection, .json("{}")]]) { server in
            let transport = RetryingTransport(wrapping: CurlTransport(), policy: RetryPolicy(baseDelay: .milliseconds(10)))
            let error = await caught { try await transport.send(HTTPRequest(method: "POST", url: "\(server.baseURL)/create")) }
            #expect(error is HTTPTransportError)
            let requests = try await server.recorded()
            #expect(requests.count == 1)
        }
    }

    @Test func connectionRefusedIsRetriedThenRethrownWithoutSecrets() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let sink = CollectingLogSink()
        let transport = RetryingTransport(
            wrapping: CurlTransport(), policy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1)), logSink: sink
        )
        let request = HTTPRequest(
            method: "GET", url: "\(closed.url)/x?sig=SECRET", headers: [("Authorization", "Bearer SECRET")]
        )
        let error = await caught { try await transport.send(request) }
        guard case .connectFailed? = error as? HTTPTransportError else {
            Issue.record("expected connectFailed, got \(String(describing: error))")
            return
        }
        #expect(sink.records.count == 3)
        #expect(!(sink.lines.joined() + String(describing: error)).contains("SECRET"))
    }
}
