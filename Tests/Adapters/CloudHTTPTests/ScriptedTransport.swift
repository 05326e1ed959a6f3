import Foundation
import ProviderAPI
import Synchronization

/// An ``HTTPTransport`` that plays back a script of responses and errors, one per `send`, and
/// remembers the requests it was given. Running past the end of the script is a test failure.
final class ScriptedTransport: HTTPTransport {
    enum Step: Sendable {
        case respond(HTTPResponse)
        case fail(HTTPTransportError)
    }

    private let state: Mutex<(steps: [Step], requests: [HTTPRequest])>

    init(_ steps: [Step]) {
        state = Mutex((steps, []))
    }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let step: Step? = state.withLock { state in
            state.requests.append(request)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        switch step {
        case .respond(let response)?: return response
        case .fail(let error)?: throw error
        case nil: throw HTTPTransportError.other("script exhausted")
        }
    }
}

/// Records the waits asked for without waiting.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])

    var recorded: [Duration] { delays.withLock { $0 } }

    var closure: @Sendable (Duration) async throws -> Void {
        { [self] delay in
            delays.withLock { $0.append(delay) }
            try Task.checkCancellation()
        }
    }
}

/// Records the ranges the jitter was drawn from and answers a fixed fraction of each.
final class RandomRecorder: Sendable {
    private let ranges = Mutex<[ClosedRange<Double>]>([])
    private let fraction: Double

    init(fraction: Double) { self.fraction = fraction }

    var recorded: [ClosedRange<Double>] { ranges.withLock { $0 } }

    var closure: @Sendable (ClosedRange<Double>) -> Double {
        { [self] range in
            ranges.withLock { $0.append(range) }
            return range.lowerBound + (range.upperBound - range.lowerBound) * fraction
        }
    }
}

func status(_ code: Int, _ headers: [(String, String)] = [], body: String = "") -> ScriptedTransport.Step {
    .respond(HTTPResponse(status: code, headers: headers, body: Array(body.utf8)))
}

extension Duration {
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
