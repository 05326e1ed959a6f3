/// One parsed HTTP/1.1 request.
struct HTTPRequest: Sendable {
    var method: String
    /// The request target as sent: path plus `?query`.
    var target: String
    var version: String
    /// Header names lowercased; repeated headers joined with ", ".
    var headers: [String: String]
    var body: [UInt8]

    /// The percent-decoded path, without the query.
    var path: String {
        let raw = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return FormEncoding.percentDecode(raw)
    }

    /// The raw query string (after `?`, possibly empty).
    var rawQuery: String {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : ""
    }

    /// Query parameters, names lowercased (ARM treats them case-insensitively), values decoded; the first wins.
    var query: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in FormEncoding.decode(rawQuery) where result[name.lowercased()] == nil {
            result[name.lowercased()] = value
        }
        return result
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Whether the client asked to keep the connection open (HTTP/1.1 default yes, 1.0 default no).
    var keepAlive: Bool {
        let connection = header("connection")?.lowercased() ?? ""
        if version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }
}

/// One HTTP response; the server adds `Content-Length` and `Connection`.
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var body: [UInt8] = []

    init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: value.bytes)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.lowercased() == name.lowercased() }
        headers.append((name, value))
    }

    /// The bytes on the wire. HEAD responses and 204/304 carry no body.
    func serialized(close: Bool, headOnly: Bool) -> [UInt8] {
        let sendsBody = !headOnly && status != 204 && status != 304
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(sendsBody || headOnly ? body.count : 0)\r\n"
        head += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n"
        return Array(head.utf8) + (sendsBody ? body : [])
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 411: "Length Required"
        case 412: "Precondition Failed"
        case 413: "Payload Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }
}

/// `application/x-www-form-urlencoded` and percent-decoding.
enum FormEncoding {
    static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]).replacingPlus())
            let value = parts.count > 1 ? percentDecode(String(parts[1]).replacingPlus()) : ""
            return (name, value)
        }
    }

    static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let char = Character(Unicode.Scalar(byte))
            if char.isASCII && (char.isLetter || char.isNumber || "-._~".contains(char)) {
                out.append(char)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

extension String {
    fileprivate func replacingPlus() -> String { String(map { $0 == "+" ? " " : $0 }) }
}
