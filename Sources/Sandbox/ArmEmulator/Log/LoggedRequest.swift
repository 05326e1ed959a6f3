/// One request as the emulator saw it. The JSON-lines log (``ArmEmulator/Configuration/requestLogPath``) and
/// `GET /_emulator/requests` use these field names; `body` is the parsed JSON body (VM secrets redacted) or null.
public struct LoggedRequest: Sendable, Codable, Equatable {
    /// 1, 2, 3, … in arrival order.
    public var seq: Int
    public var method: String
    /// The decoded path, as sent (case preserved).
    public var path: String
    /// The raw query string without `?`.
    public var query: String
    /// The `api-version` query parameter, if any.
    public var apiVersion: String?
    /// The status sent, or that would have been sent for `dropAfterProcessing`; 0 when no response was produced.
    public var status: Int
    /// The `x-ms-request-id` of the response.
    public var requestID: String
    public var durationMs: Int
    /// The fault action applied (``FaultRule/Action`` raw value), if any.
    public var fault: String?
    public var body: JSON?

    package init(
        seq: Int, method: String, path: String, query: String, apiVersion: String?, status: Int, requestID: String, durationMs: Int,
        fault: String?, body: JSON?
    ) {
        self.seq = seq
        self.method = method
        self.path = path
        self.query = query
        self.apiVersion = apiVersion
        self.status = status
        self.requestID = requestID
        self.durationMs = durationMs
        self.fault = fault
        self.body = body
    }
}

extension JSON: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if let int = intValue { try container.encode(int) } else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension LoggedRequest {
    /// The record as a JSON value (what one log line holds).
    package var json: JSON {
        var object: JSON = [
            "seq": .number(Double(seq)), "method": .string(method), "path": .string(path), "query": .string(query),
            "apiVersion": apiVersion.map(JSON.string) ?? .null, "status": .number(Double(status)),
            "requestID": .string(requestID), "durationMs": .number(Double(durationMs)),
            "fault": fault.map(JSON.string) ?? .null, "body": body ?? .null,
        ]
        object["body"] = body ?? .null
        return object
    }
}
