public import ProviderAPI
public import ReconcileModel

/// A failed Compute call, turned into a message a person can act on and a retry class.
public enum ComputeAPIError: Error, Sendable, CustomStringConvertible {
    /// An error status with Google's error body.
    case http(status: Int, body: Value, method: String, path: String)
    /// An operation that finished `DONE` with an `error`.
    case operationFailed(operation: Value, what: String)
    case transport(method: String, path: String, HTTPTransportError)
    case credentials(String)

    public var status: Int? {
        if case .http(let status, _, _, _) = self { return status }
        return nil
    }

    /// Google's `errors[].reason` of the answer (`notFound`, `alreadyExists`, `conditionNotMet`, ...).
    public var reason: String? {
        switch self {
        case .http(_, let body, _, _): body["error"]?["errors"]?.arrayValue?.first?["reason"]?.stringValue
        case .operationFailed(let op, _): op["error"]?["errors"]?.arrayValue?.first?["code"]?.stringValue
        default: nil
        }
    }

    /// Transient: throttled, rate limited, 5xx, a dropped connection, an operation refused for its rate.
    public var kind: ProviderError.Kind {
        switch self {
        case .http(let status, _, _, _):
            if status == 429 || status >= 500 || status == 408 { return .retryable }
            if status == 403, let reason, Self.rateLimitReasons.contains(reason) { return .retryable }
            return .terminal
        case .operationFailed:
            return reason.map { Self.retryableOperationCodes.contains($0) } == true ? .retryable : .terminal
        case .transport(_, _, let error):
            return error == .cancelled ? .terminal : .retryable
        case .credentials:
            return .terminal
        }
    }

    static let rateLimitReasons: Set<String> = ["rateLimitExceeded", "RATE_LIMIT_EXCEEDED", "userRateLimitExceeded"]
    static let retryableOperationCodes: Set<String> = [
        "RESOURCE_OPERATION_RATE_EXCEEDED", "QUOTA_EXCEEDED", "RATE_LIMIT_EXCEEDED", "INTERNAL_ERROR", "RESOURCE_NOT_READY",
    ]

    public var description: String {
        switch self {
        case .http(let status, let body, let method, let path):
            let message = body["error"]?["message"]?.stringValue ?? "HTTP \(status)"
            var text = "Compute \(method) \(path): \(status) \(reason ?? ""): \(message)"
            if status == 403, !(reason.map(Self.rateLimitReasons.contains) ?? false) {
                text += "; \(Self.roleHint(for: path))"
            }
            return text
        case .operationFailed(let op, let what):
            let errors = op["error"]?["errors"]?.arrayValue ?? []
            let detail = errors.map { "\($0["code"]?.stringValue ?? "ERROR"): \($0["message"]?.stringValue ?? "")" }.joined(separator: "; ")
            let http = op["httpErrorStatusCode"]?.intValue.map { " (HTTP \($0) \(op["httpErrorMessage"]?.stringValue ?? ""))" } ?? ""
            return "Compute operation \(op["name"]?.stringValue ?? "?") for \(what) failed\(http): \(detail.isEmpty ? "no details" : detail)"
        case .transport(let method, let path, let error):
            return "Compute \(method) \(path): \(error)"
        case .credentials(let why):
            return "GCP credentials unavailable: \(why)"
        }
    }

    /// The IAM role that grants what a refused call needs, from the collection in its path.
    static func roleHint(for path: String) -> String {
        let collection = ComputeKind.collection(ofPath: path) ?? ""
        let role: String
        switch collection {
        case "firewalls": role = "roles/compute.securityAdmin (Compute Security Admin)"
        case "instances", "instanceTemplates", "instanceGroupManagers": role = "roles/compute.instanceAdmin.v1 (Compute Instance Admin (v1))"
        case "backendServices", "forwardingRules", "healthChecks", "networkEndpointGroups", "serviceAttachments":
            role = "roles/compute.loadBalancerAdmin (Compute Load Balancer Admin) or roles/compute.networkAdmin"
        default: role = "roles/compute.networkAdmin (Compute Network Admin)"
        }
        return "the caller lacks a permission on \(collection.isEmpty ? "this resource" : collection): grant \(role) on the project"
    }

    func providerError(_ address: ResourceAddress) -> ProviderError {
        ProviderError(kind, address: address, description, summary: { if case .credentials = self { return "GCP credentials unavailable" }; return nil }())
    }
}
