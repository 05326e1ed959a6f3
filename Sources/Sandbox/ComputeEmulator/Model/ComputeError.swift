import ArmEmulator

/// An error as Compute returns it: `{"error": {"code", "message", "errors": [{"message", "domain", "reason"}]}}`.
struct ComputeError: Error, Sendable {
    var status: Int
    var reason: String
    var message: String

    var body: JSON {
        [
            "error": [
                "code": .number(Double(status)), "message": .string(message),
                "errors": [["message": .string(message), "domain": "global", "reason": .string(reason)]],
            ]
        ]
    }

    static func notFound(_ path: String) -> ComputeError {
        ComputeError(status: 404, reason: "notFound", message: "The resource '\(path)' was not found")
    }

    static func alreadyExists(_ path: String) -> ComputeError {
        ComputeError(status: 409, reason: "alreadyExists", message: "The resource '\(path)' already exists")
    }

    static func invalid(_ message: String) -> ComputeError {
        ComputeError(status: 400, reason: "invalid", message: message)
    }

    static func conditionNotMet(_ message: String) -> ComputeError {
        ComputeError(status: 412, reason: "conditionNotMet", message: message)
    }

    static func inUse(_ path: String, by user: String) -> ComputeError {
        ComputeError(
            status: 400, reason: "resourceInUseByAnotherResource",
            message: "The resource '\(path)' is already being used by '\(user)'")
    }

    static let rateLimited = ComputeError(
        status: 403, reason: "rateLimitExceeded",
        message: "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com' (injected fault).")
}
