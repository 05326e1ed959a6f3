public import ProviderAPI
public import ReconcileModel

/// A failed ARM call or long-running operation, phrased for a person and classified for retry.
///
/// `description` reads like
/// `ARM 400 InvalidResourceReference on PUT .../loadBalancers/kafka-lb: <message> (request id <id>)`, followed
/// by a hint for codes with a well-known remedy. Retry classes: 408, 409 (another operation, conflicts), 429
/// and 5xx, transport failures and LRO timeouts are `.retryable`; every other 4xx and a failed operation
/// (unless its code says otherwise) is `.terminal`.
public struct ARMError: Error, Sendable, Hashable, CustomStringConvertible {
    public var kind: ProviderError.Kind
    /// The HTTP status, when a response arrived.
    public var status: Int?
    /// ARM's `error.code`, e.g. `AuthorizationFailed`.
    public var code: String?
    /// The whole human-readable text.
    public var message: String
    /// `x-ms-request-id` of the failing response, for a support ticket.
    public var requestID: String?

    public init(kind: ProviderError.Kind, status: Int? = nil, code: String? = nil, message: String, requestID: String? = nil) {
        self.kind = kind
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    public var description: String { message }

    /// The error as the `ResourceProvider` port reports it.
    public func providerError(_ address: ResourceAddress?) -> ProviderError { ProviderError(kind, address: address, message) }

    /// Codes meaning "another operation holds this resource": waiting and trying again is the remedy.
    public static let anotherOperationCodes: Set<String> = ["retryableerrorduetoanotheroperation", "anotheroperationinprogress"]

    /// Compute says it with 409 `OperationNotAllowed`, a code it also uses for quota; only the message tells.
    public var isAnotherOperation: Bool {
        guard let code = code?.lowercased() else { return false }
        if Self.anotherOperationCodes.contains(code) { return true }
        return code == "operationnotallowed" && message.lowercased().contains("another operation")
    }

    /// An error response: the `{"error": {...}}` envelope when there is one, the status alone otherwise.
    static func response(_ response: HTTPResponse, method: String, url: String) -> ARMError {
        let requestID = response.header("x-ms-request-id")
        let envelope = try? JSONText.decode(response.body)
        let detail = envelope.flatMap { ErrorDetail(envelope: $0) }
        var text = "ARM \(response.status)"
        if let code = detail?.code { text += " \(code)" }
        text += " on \(method) \(ARMPath.short(url))"
        if let detail {
            text += ": " + detail.text
        } else if let snippet = bodySnippet(response.body) {
            text += ": " + snippet
        }
        text += trailer(requestID: requestID, correlationID: response.header("x-ms-correlation-request-id"))
        if let hint = ARMErrorHints.hint(code: detail?.code, status: response.status, method: method, url: url, message: detail?.message) { text += ". Hint: " + hint }
        return ARMError(
            kind: classify(status: response.status), status: response.status, code: detail?.code, message: text, requestID: requestID)
    }

    /// A long-running operation that ended `Failed` or `Canceled`; `error` is the operation's `error` object.
    static func operation(_ status: String, error: Value?, method: String, url: String, requestID: String?) -> ARMError {
        let detail = error.flatMap { ErrorDetail(error: $0) }
        var text = "ARM operation \(status) on \(method) \(ARMPath.short(url))"
        text += ": " + (detail.map { "\($0.code.map { "\($0): " } ?? "")\($0.text)" } ?? "no error details were returned")
        text += trailer(requestID: requestID, correlationID: nil)
        if let hint = ARMErrorHints.hint(code: detail?.code, status: nil, method: method, url: url, message: detail?.message) { text += ". Hint: " + hint }
        let retryable = status.lowercased() == "canceled" || detail?.code.map(ARMErrorHints.isRetryableOperationCode) == true
        return ARMError(kind: retryable ? .retryable : .terminal, code: detail?.code, message: text, requestID: requestID)
    }

    /// A request that got no response.
    static func transport(_ error: any Error, method: String, url: String) -> ARMError {
        let kind: ProviderError.Kind
        if case HTTPTransportError.responseTooLarge = error { kind = .terminal } else { kind = .retryable }
        return ARMError(kind: kind, message: "ARM \(method) \(ARMPath.short(url)) failed: \(error)")
    }

    static func classify(status: Int) -> ProviderError.Kind {
        switch status {
        case 408, 409, 429, 500...599: .retryable
        default: .terminal
        }
    }

    private static func trailer(requestID: String?, correlationID: String?) -> String {
        switch (requestID, correlationID) {
        case (let r?, let c?): " (request id \(r), correlation id \(c))"
        case (let r?, nil): " (request id \(r))"
        case (nil, let c?): " (correlation id \(c))"
        case (nil, nil): ""
        }
    }

    private static func bodySnippet(_ body: [UInt8]) -> String? {
        let text = String(decoding: body.prefix(300), as: UTF8.self).split(whereSeparator: \.isNewline).joined(separator: " ")
        let trimmed = text.trimmingPrefixAndSuffixBlanks
        return trimmed.isEmpty ? nil : trimmed
    }
}

/// The parts of an ARM `error` object worth showing: code, message, target and the details' messages.
struct ErrorDetail {
    var code: String?
    var message: String?
    var target: String?
    var details: [String]

    init?(envelope: Value) {
        guard let error = envelope["error"] else { return nil }
        self.init(error: error)
    }

    init?(error: Value) {
        guard case .object = error else { return nil }
        code = error["code"]?.stringValue
        message = error["message"]?.stringValue
        target = error["target"]?.stringValue
        details = (error["details"]?.arrayValue ?? []).compactMap { d in
            let code = d["code"]?.stringValue
            let message = d["message"]?.stringValue
            guard code != nil || message != nil else { return nil }
            return [code, message].compactMap { $0 }.joined(separator: ": ")
        }
        if code == nil, message == nil { return nil }
    }

    var text: String {
        var s = message ?? "(no message)"
        if let target, !target.isEmpty { s += " [target \(target)]" }
        if !details.isEmpty { s += " (details: " + details.joined(separator: "; ") + ")" }
        return s
    }
}

extension String {
    var trimmingPrefixAndSuffixBlanks: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
