import Foundation

/// One long-running operation (ARM async contract): started by a PUT or DELETE, advanced by polls.
///
/// Each poll of its `Azure-AsyncOperation` or `Location` URL, and each request that runs into it
/// (a GET of the resource, a conflicting PUT/DELETE), counts as one observation. The operation reports
/// `InProgress` for `remainingPolls` observations and completes on the next one.
struct Operation: Sendable {
    enum Kind: Sendable {
        case put(created: Bool)
        case delete
    }

    enum Status: Sendable {
        case inProgress
        case succeeded
        case failed(ArmError)
    }

    var id: String
    var namespace: String
    var subscription: String
    var location: String
    var kind: Kind
    /// What the operation acts on (a child ID for subnet and connection operations).
    var target: ResourceID
    var remainingPolls: Int
    var status: Status = .inProgress
    var apiVersion: String
    var startTime: Date
    var endTime: Date?
    /// Set by a `failOperation` fault: the error the operation ends with.
    var failure: ArmError?

    var isCompute: Bool { namespace.lowercased() == "microsoft.compute" }
    var isResourceGroup: Bool { namespace.lowercased() == "microsoft.resources" }

    var isRunning: Bool {
        if case .inProgress = status { return true }
        return false
    }

    var statusText: String {
        switch status {
        case .inProgress: "InProgress"
        case .succeeded: "Succeeded"
        case .failed: "Failed"
        }
    }

    /// The `Azure-AsyncOperation` URL path (with query) for this operation.
    var asyncOperationPath: String {
        if isResourceGroup { return locationPath }
        return "/subscriptions/\(subscription)/providers/\(namespace)/locations/\(location)/operations/\(id)"
            + "?api-version=\(apiVersion)"
    }

    /// The `Location` URL path (with query).
    var locationPath: String {
        if isResourceGroup { return "/subscriptions/\(subscription)/operationresults/\(id)?api-version=\(apiVersion)" }
        if isCompute {
            return "/subscriptions/\(subscription)/providers/\(namespace)/locations/\(location)/operations/\(id)"
                + "?monitor=true&api-version=\(apiVersion)"
        }
        return "/subscriptions/\(subscription)/providers/\(namespace)/locations/\(location)/operationResults/\(id)"
            + "?api-version=\(apiVersion)"
    }

    /// The async-operation status body (`{id, name, status, startTime, endTime?, error?}`).
    func statusBody(baseURL: String) -> JSON {
        var body: JSON = [
            "id": .string(baseURL + asyncOperationPath.split(separator: "?")[0]), "name": .string(id),
            "status": .string(statusText), "startTime": .string(Timestamp.iso8601(startTime)),
        ]
        if let endTime { body["endTime"] = .string(Timestamp.iso8601(endTime)) }
        if case .failed(let error) = status { body["error"] = error.body }
        return body
    }
}

/// ISO 8601 timestamps as ARM writes them.
enum Timestamp {
    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
