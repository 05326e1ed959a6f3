import CloudHTTP
import Foundation
import ProviderAPI
import Synchronization
import TestSupport
import Testing

@Suite("RetryingTransport: when and how long to retry")
struct RetryDecisionTests {
    let get = HTTPRequest(method: "GET", url: "https://management.azure.com/subscriptions/s1?api-version=2024-01-01")

    private func transport(
        _ script: ScriptedTransport,
        policy: RetryPolicy = RetryPolicy(),
        sleeper: SleepRecorder = SleepRecorder(),
        random: RandomRecorder = RandomRecorder(fraction: 1),
        sink: CollectingLogSink = CollectingLogSink(),
        now: @escaping @Sendable () -> Date = ManualClock.fixed()
    ) -> RetryingTransport {
        RetryingTransport(wrapping: script, policy: policy, logSink: sink, now: now, sleep: sleeper.closure, random: random.closure)
    }

    @Test func backoffCeilingsDoubleUpToTheMaximum() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(8))
        #expect((1...6).map { policy.backoffCeiling(retry: $0) } == [1, 2, 4, 8, 8, 8].map { Duration.seconds($0) })
        #expect(RetryPolicy(baseDelay: .milliseconds(250), maxDelay: .seconds(30)).backoffCeiling(retry: 200) == .seconds(30))
    }

    @Test func fullJitterDrawsFromZeroToTheCeiling() async throws {
        let script = ScriptedTransport([status(503), status(503), status(503), status(503), status(503), status(200)])
        let sleeper = SleepRecorder()
        let random = RandomRecorder(fraction: 1)
        let policy = RetryPolicy(maxAttempts: 6, baseDelay: .seconds(1), maxDelay: .seconds(8))
        let response = try await transport(script, policy: policy, sleeper: sleeper, random: random).send(get)
        #expect(response.status == 200)
        #expect(random.recorded == [0...1, 0...2, 0...4, 0...8, 0...8])
        #expect(sleeper.recorded == [1, 2, 4, 8, 8].map { Duration.seconds($0) })
    }

    @Test("jittered delays stay within full-jitter bounds", arguments: [UInt64(1), 42, 9001])
    func jitterWithinBounds(seed: UInt64) async throws {
        let generator = Mutex(SplitMix64(state: seed))
        let draws: @Sendable (ClosedRange<Double>) -> Double = { range in
            generator.withLock { Double.random(in: range, using: &$0) }
        }
        let script = ScriptedTransport(Array(repeating: status(500), count: 7) + [status(200)])
        let sleeper = SleepRecorder()
        let policy = RetryPolicy(maxAttempts: 8, baseDelay: .milliseconds(100), maxDelay: .seconds(2))
        let retrying = RetryingTransport(wrapping: script, policy: policy, sleep: sleeper.closure, random: draws)
        #expect(try await retrying.send(get).status == 200)
        let delays = sleeper.recorded.map(\.inSeconds)
        #expect(delays.count == 7)
        for (index, delay) in delays.enumerated() {
            #expect(delay >= 0 && delay <= min(2, 0.1 * pow(2, Double(index))) + 1e-9, "retry \(index + 1): \(delay)")
        }
    }

    @Test("Retry-After in seconds replaces backoff and is capped", arguments: [("3", 3.0), ("0", 0.0), ("600", 60.0), ("1.5", 1.5)])
    func retryAfterSeconds(header: String, expected: Double) async throws {
        let script = ScriptedTransport([status(429, [("Retry-After", header)]), status(200)])
        let sleeper = SleepRecorder()
        let random = RandomRecorder(fraction: 1)
        let policy = RetryPolicy(maxRetryAfter: .seconds(60))
        #expect(try await transport(script, policy: policy, sleeper: sleeper, random: random).send(get).status == 200)
        #expect(sleeper.recorded == [.seconds(expected)])
        #expect(random.recorded.isEmpty)
    }

    @Test func retryAfterAsHTTPDateIsMeasuredFromNow() async throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        let script = ScriptedTransport([
            status(503, [("Retry-After", "Tue, 14 Nov 2023 22:13:27 GMT")]),
            status(503, [("Retry-After", "Tue, 14 Nov 2023 22:00:00 GMT")]),  // in the past: at once
            status(503, [("Retry-After", "Wed, 15 Nov 2023 22:13:20 GMT")]),  // a day away: capped
            status(200),
        ])
        let sleeper = SleepRecorder()
        let policy = RetryPolicy(maxRetryAfter: .seconds(30))
        #expect(try await transport(script, policy: policy, sleeper: sleeper, now: ManualClock.fixed(now)).send(get).status == 200)
        #expect(sleeper.recorded == [.seconds(7), .zero, .seconds(30)])
    }

    @Test func obsoleteHTTPDateFormsAreAccepted() {
        let expected = Date(timeIntervalSince1970: 784_111_777)
        #expect(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == expected)
        #expect(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == expected)
        #expect(RetryAfter.httpDate("Sun Nov  6 08:49:37 1994") == expected)
        #expect(RetryAfter.delay(parsing: "soon", now: expected) == nil)
        #expect(RetryAfter.delay(parsing: "-3", now: expected) == nil)
    }

    @Test func azureMillisecondHeadersWin() async throws {
        let script = ScriptedTransport([status(429, [("Retry-After", "9"), ("x-ms-retry-after-ms", "250")]), status(200)])
        let sleeper = SleepRecorder()
        _ = try await transport(script, sleeper: sleeper).send(get)
        #expect(sleeper.recorded == [.milliseconds(250)])
    }

    @Test("which statuses are retried", arguments: [
        (408, [(String, String)](), true), (429, [], true), (500, [], true), (502, [], true), (503, [], true), (504, [], true),
        (501, [], false), (501, [("Retry-After", "1")], true), (400, [("Retry-After", "1")], false), (404, [], false),
        (409, [], false), (200, [("Retry-After", "1")], false),
    ])
    func retryableStatuses(code: Int, headers: [(String, String)], retried: Bool) async throws {
        let script = ScriptedTransport([status(code, headers), status(299)])
        let response = try await transport(script).send(get)
        #expect(response.status == (retried ? 299 : code))
        #expect(script.requests.count == (retried ? 2 : 1))
    }

    @Test("only idempotent methods are retried", arguments: [
        ("GET", true), ("HEAD", true), ("PUT", true), ("DELETE", true), ("OPTIONS", true), ("POST", false), ("PATCH", false),
    ])
    func idempotency(method: String, retried: Bool) async throws {
        let script = ScriptedTransport([status(503), status(200)])
        let sink = CollectingLogSink()
        let response = try await transport(script, sink: sink).send(HTTPRequest(method: method, url: "http://127.0.0.1/x", body: []))
        #expect(response.status == (retried ? 200 : 503))
        if !retried {
            #expect(sink.records.map(\.note) == ["503, not retried: \(method) is not marked idempotent"])
        }
    }

    @Test func postMarkedIdempotentIsRetried() async throws {
        let tokenPOST = HTTPRequest(method: "POST", url: "https://login.example/t/oauth2/v2.0/token", body: Array("a=b".utf8))
        let policy = RetryPolicy().markingIdempotent { $0.method == "POST" && $0.url.hasSuffix("/oauth2/v2.0/token") }
        let script = ScriptedTransport([status(429), .fail(.connectFailed("refused")), status(200)])
        #expect(try await transport(script, policy: policy).send(tokenPOST).status == 200)
        #expect(script.requests.count == 3)
        #expect(script.requests.allSatisfy { $0 == tokenPOST })

        let other = ScriptedTransport([status(429), status(200)])
        let response = try await transport(other, policy: policy).send(HTTPRequest(method: "POST", url: "https://x/other"))
        #expect(response.status == 429)
    }

    @Test func theLastResponseIsReturnedAfterMaxAttempts() async throws {
        let script = ScriptedTransport((1...4).map { status(503, body: #"{"error":{"code":"Busy \#($0)"}}"#) })
        let sleeper = SleepRecorder()
        let sink = CollectingLogSink()
        let response = try await transport(script, sleeper: sleeper, sink: sink).send(get)
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self).contains("Busy 4"))
        #expect(script.requests.count == 4)
        #expect(sleeper.recorded.count == 3)
        #expect(sink.records.last?.note == "503, giving up after 4 attempts")
    }

    @Test func transportFailuresAreRetriedThenRethrown() async throws {
        let retried = ScriptedTransport([.fail(.connectFailed("refused")), .fail(.timedOut("slow")), status(200)])
        #expect(try await transport(retried).send(get).status == 200)

        let exhausted = ScriptedTransport(Array(repeating: .fail(.timedOut("slow")), count: 4))
        await #expect(throws: HTTPTransportError.timedOut("slow")) { try await transport(exhausted).send(get) }
        #expect(exhausted.requests.count == 4)
    }

    @Test("errors that are never retried", arguments: [
        HTTPTransportError.cancelled, .responseTooLarge(limit: 10), .other("TLS peer verification failed"),
    ])
    func notRetried(error: HTTPTransportError) async throws {
        let script = ScriptedTransport([.fail(error), status(200)])
        await #expect(throws: error) { try await transport(script).send(get) }
        #expect(script.requests.count == 1)
    }

    @Test func transportFailuresAreNotRetriedWhenThePolicySaysSo() async throws {
        let script = ScriptedTransport([.fail(.connectFailed("no route")), status(200)])
        let policy = RetryPolicy(retriesTransportFailures: false)
        await #expect(throws: HTTPTransportError.connectFailed("no route")) { try await transport(script, policy: policy).send(get) }
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellationDuringAWaitStopsAtOnce() async throws {
        let script = ScriptedTransport([status(503, [("Retry-After", "3600")]), status(200)])
        let sink = CollectingLogSink()
        let retrying = RetryingTransport(
            wrapping: script, policy: RetryPolicy(maxRetryAfter: .seconds(3600)), logSink: sink
        )
        let request = get
        let task = Task { try await retrying.send(request) }
        while sink.records.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        let started = ContinuousClock.now
        task.cancel()
        await #expect(throws: HTTPTransportError.cancelled) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(30))  // the wait asked for is an hour
        #expect(script.requests.count == 1)
    }

    @Test func alreadyCancelledTaskSendsNothing() async throws {
        let script = ScriptedTransport([status(200)])
        let retrying = transport(script)
        let request = get
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await retrying.send(request)
        }
        await #expect(throws: HTTPTransportError.cancelled) { try await task.value }
        #expect(script.requests.isEmpty)
    }
}
