/// What the application answers to one request.
package enum HTTPOutcome: Sendable {
    case respond(HTTPResponse)
    /// Close the connection without any response (reset), as a failing network would.
    case drop
}

/// One HTTP request as the emulator sees it (the server converts it from the wire; see ``HTTPServer``).
package struct HTTPRequest: Sendable {
    package var method: String
    /// The request target as sent: path plus `?query`.
    package var target: String
    /// Header names lowercased; repeated headers joined with ", ".
    package var headers: [String: String]
    package var body: [UInt8]

    package init(method: String, target: String, headers: [String: String], body: [UInt8]) {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
    }

    /// The percent-decoded path, without the query.
    package var path: String {
        let raw = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return FormEncoding.percentDecode(raw)
    }

    /// The raw query string (after `?`, possibly empty).
    package var rawQuery: String {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : ""
    }

    /// Query parameters, names lowercased (ARM treats them case-insensitively), values decoded; the first wins.
    package var query: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in FormEncoding.decode(rawQuery) where result[name.lowercased()] == nil {
            result[name.lowercased()] = value
        }
        return result
    }

    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// One HTTP response; the server adds `Content-Length` (and `Connection: close` when the client asked for it).
package struct HTTPResponse: Sendable {
    package var status: Int
    package var headers: [(String, String)] = []
    package var body: [UInt8] = []

    package init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    package static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers, body: value.bytes)
    }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    package mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.0.lowercased() == name.lowercased() }
        headers.append((name, value))
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
