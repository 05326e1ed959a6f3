import ProviderAPI
import ReconcileModel

/// Following long-running operations (ARM RPC async contract), in azure-core's order:
/// 1. `Azure-AsyncOperation`: GET it until `status` is terminal; `Failed`/`Canceled` carry `error`.
/// 2. `Location`: GET it while it answers 202; 200/201/204 is done.
/// 3. Neither: poll the resource itself until its `provisioningState` is terminal (a DELETE: until 404).
///
/// `Succeeded`, `Failed` and `Canceled` are terminal (case-insensitively); any other state is in progress; a
/// missing `provisioningState` means `Succeeded`. Every wait is the last response's `Retry-After` (or the
/// configured default), through the injected sleep. The whole operation is bounded by `lroTimeout`, measured
/// as the larger of wall-clock time and the time slept (so an injected sleep advances it too).
extension ARMClient {
    static func isTerminal(_ state: String) -> Bool { ["succeeded", "failed", "canceled"].contains(state.lowercased()) }

    /// The resource's `provisioningState` (`properties.provisioningState`, or top-level for older shapes);
    /// `Succeeded` when absent.
    static func provisioningState(of body: Value) -> String {
        body["properties"]?["provisioningState"]?.stringValue ?? body["provisioningState"]?.stringValue ?? "Succeeded"
    }

    func finishPut(_ id: String, initial: HTTPResponse, url: String) async throws -> Value {
        var clock = OperationClock(timeout: configuration.lroTimeout)
        let requestID = initial.header("x-ms-request-id")
        if let operation = initial.header("Azure-AsyncOperation") {
            try await pollAsyncOperation(operation, initial: initial, method: "PUT", url: url, requestID: requestID, clock: &clock)
            return try await finalResource(id, method: "PUT", url: url)
        }
        if let location = initial.header("Location") {
            _ = try await pollLocation(location, initial: initial, method: "PUT", url: url, clock: &clock)
            return try await finalResource(id, method: "PUT", url: url)
        }
        var body: Value? = initial.body.isEmpty ? nil : try decode(initial, method: "PUT", url: url)
        var last = initial
        while true {
            guard let current = body else {
                body = try await finalResource(id, method: "PUT", url: url)
                continue
            }
            let state = Self.provisioningState(of: current)
            if Self.isTerminal(state) {
                guard state.lowercased() == "succeeded" else {
                    throw ARMError.operation(state, error: current["properties"]?["error"], method: "PUT", url: url, requestID: requestID)
                }
                return current
            }
            try await clock.wait(retryAfter(last), sleep: sleep, what: "PUT \(ARMPath.short(url))", state: state)
            let (response, pollURL) = try await send("GET", id)
            guard (200..<300).contains(response.status) else {
                if response.status == 404 {
                    throw ARMError(kind: .retryable, status: 404, message: "ARM PUT \(ARMPath.short(url)): the resource vanished while being provisioned")
                }
                throw ARMError.response(response, method: "GET", url: pollURL)
            }
            body = try decode(response, method: "GET", url: pollURL)
            last = response
        }
    }

    func finishDelete(_ id: String, initial: HTTPResponse, url: String) async throws {
        if initial.status == 404 || initial.status == 204 { return }
        var clock = OperationClock(timeout: configuration.lroTimeout)
        let requestID = initial.header("x-ms-request-id")
        if let operation = initial.header("Azure-AsyncOperation") {
            try await pollAsyncOperation(operation, initial: initial, method: "DELETE", url: url, requestID: requestID, clock: &clock)
            return
        }
        if let location = initial.header("Location") {
            _ = try await pollLocation(location, initial: initial, method: "DELETE", url: url, clock: &clock)
            return
        }
        guard initial.status == 202 else { return }
        var last = initial
        var state = "Deleting"
        while true {
            try await clock.wait(retryAfter(last), sleep: sleep, what: "DELETE \(ARMPath.short(url))", state: state)
            let (response, pollURL) = try await send("GET", id)
            if response.status == 404 { return }
            guard (200..<300).contains(response.status) else { throw ARMError.response(response, method: "GET", url: pollURL) }
            let body = try decode(response, method: "GET", url: pollURL)
            state = Self.provisioningState(of: body)
            if ["failed", "canceled"].contains(state.lowercased()) {
                throw ARMError.operation(state, error: body["properties"]?["error"], method: "DELETE", url: url, requestID: requestID)
            }
            last = response
        }
    }

    private func pollAsyncOperation(
        _ operation: String, initial: HTTPResponse, method: String, url: String, requestID: String?, clock: inout OperationClock
    ) async throws {
        var last = initial
        var status = "InProgress"
        while true {
            try await clock.wait(retryAfter(last), sleep: sleep, what: "\(method) \(ARMPath.short(url))", state: status)
            let (response, pollURL) = try await send("GET", operation)
            guard (200..<300).contains(response.status) else { throw ARMError.response(response, method: "GET", url: pollURL) }
            let body = try decode(response, method: "GET", url: pollURL)
            status = body["status"]?.stringValue ?? "InProgress"
            if Self.isTerminal(status) {
                guard status.lowercased() == "succeeded" else {
                    throw ARMError.operation(status, error: body["error"], method: method, url: url, requestID: requestID)
                }
                return
            }
            last = response
        }
    }

    private func pollLocation(
        _ location: String, initial: HTTPResponse, method: String, url: String, clock: inout OperationClock
    ) async throws -> HTTPResponse {
        var last = initial
        while true {
            try await clock.wait(retryAfter(last), sleep: sleep, what: "\(method) \(ARMPath.short(url))", state: "InProgress")
            let (response, pollURL) = try await send("GET", location)
            switch response.status {
            case 202: last = response
            case 200, 201, 204: return response
            case 404 where method == "DELETE": return response
            default:
                var error = ARMError.response(response, method: "GET", url: pollURL)
                error.message = "ARM operation failed on \(method) \(ARMPath.short(url)): " + error.message
                throw error
            }
        }
    }

    /// The resource after a PUT's operation succeeded.
    private func finalResource(_ id: String, method: String, url: String) async throws -> Value {
        guard let body = try await get(id) else {
            throw ARMError(kind: .retryable, status: 404, message: "ARM \(method) \(ARMPath.short(url)) succeeded but the resource is not there (yet)")
        }
        return body
    }
}

/// Time spent on one long-running operation: max(wall clock, slept), so an injected sleep counts.
struct OperationClock {
    let timeout: Duration
    let start = ContinuousClock.now
    var slept: Duration = .zero

    var elapsed: Duration { max(ContinuousClock.now - start, slept) }

    /// Sleeps `interval` (clamped to what is left), or throws a retryable timeout when nothing is left.
    mutating func wait(_ interval: Duration, sleep: ARMClient.Sleep, what: String, state: String) async throws {
        let left = timeout - elapsed
        guard left > .zero else {
            throw ARMError(kind: .retryable, message: "ARM \(what) still \(state) after \(timeout); it may yet finish on its own, "
                + "and the next reconcile will observe where it got to")
        }
        let interval = min(interval, left)
        slept += interval
        try await sleep(interval)
    }
}
