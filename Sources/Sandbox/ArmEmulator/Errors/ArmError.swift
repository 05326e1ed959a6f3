/// An ARM error response: status plus the common-types v5 envelope
/// `{"error": {"code", "message", "target"?, "details": [], "additionalInfo": []}}`.
///
/// Codes are the service's own where known (see `docs/arm-emulator.md` for the ones the emulator chose).
struct ArmError: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var target: String?
    var details: [ArmError] = []
    /// Extra response headers (e.g. `Retry-After` on 429).
    var headers: [(String, String)] = []

    init(_ status: Int, _ code: String, _ message: String, target: String? = nil, headers: [(String, String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.headers = headers
    }

    /// The inner `error` object.
    var body: JSON {
        var error: JSON = [
            "code": .string(code), "message": .string(message),
            "details": .array(details.map(\.body)), "additionalInfo": [],
        ]
        if let target { error["target"] = .string(target) }
        return error
    }

    var envelope: JSON { ["error": body] }

    // MARK: Common errors

    static func badRequest(_ code: String, _ message: String, target: String? = nil) -> ArmError {
        ArmError(400, code, message, target: target)
    }

    static func invalidContent(_ detail: String) -> ArmError {
        .badRequest("InvalidRequestContent", "The request content was invalid and could not be deserialized: '\(detail)'.")
    }

    /// A body that does not match the resource's schema (missing required property, wrong type, bad enum value).
    static func invalidFormat(_ detailCode: String, _ message: String, target: String? = nil) -> ArmError {
        var error = ArmError.badRequest("InvalidRequestFormat", "Cannot parse the request.", target: target)
        error.details = [ArmError(400, detailCode, message, target: target)]
        return error
    }

    static func resourceNotFound(type: String, name: String, resourceGroup: String) -> ArmError {
        ArmError(
            404, "ResourceNotFound",
            "The Resource '\(type)/\(name)' under resource group '\(resourceGroup)' was not found. "
                + "For more details please go to https://aka.ms/ARMResourceNotFoundFix")
    }

    static func resourceGroupNotFound(_ name: String) -> ArmError {
        ArmError(404, "ResourceGroupNotFound", "Resource group '\(name)' could not be found.")
    }

    static func invalidReference(_ referenced: String, by resource: String) -> ArmError {
        .badRequest(
            "InvalidResourceReference",
            "Resource \(referenced) referenced by resource \(resource) was not found. Please make sure that the "
                + "referenced resource exists, and that both resources are in the same region.",
            target: referenced)
    }

    static func anotherOperation(resource: String, operationID: String, compute: Bool, retryAfter: Int) -> ArmError {
        if compute {
            return ArmError(
                409, "OperationNotAllowed",
                "Operation is not allowed since the resource \(resource) has another operation in progress "
                    + "(operation id \(operationID)). Retry after it completes.")
        }
        return ArmError(
            429, "RetryableErrorDueToAnotherOperation",
            "Operation PutOrDelete on \(resource) cannot be performed because another operation "
                + "(id \(operationID)) is in progress on it. Retry after \(retryAfter) seconds.",
            headers: [("Retry-After", String(retryAfter))])
    }
}
