import Foundation

/// A JSON object as a token endpoint, STS, IAM Credentials or the metadata server answers it.
struct JSONAnswer {
    private let object: [String: Any]?

    init(_ body: [UInt8]) {
        object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    var isObject: Bool { object != nil }

    /// A non-empty string member.
    func string(_ key: String) -> String? {
        guard let value = object?[key] as? String, !value.isEmpty else { return nil }
        return value
    }

    /// A number member, or a string holding one (some services send `"expires_in": "3599"`).
    func number(_ key: String) -> Double? {
        if let text = object?[key] as? String { return Double(text.trimmingCharacters(in: .whitespaces)) }
        return (object?[key] as? NSNumber)?.doubleValue
    }

    /// `invalid_grant: Invalid JWT Signature.` (OAuth, STS) or `PERMISSION_DENIED: Permission … denied`
    /// (Google APIs: `{"error": {"code", "status", "message"}}`), with every secret masked, on one line and at
    /// most 600 characters; nil when the body names no error.
    func errorSummary(redacting secrets: [String]) -> String? {
        var parts: [String] = []
        if let nested = object?["error"] as? [String: Any] {
            parts = [nested["status"] as? String, nested["message"] as? String].compactMap { $0 }
        } else {
            parts = [string("error"), string("error_description")].compactMap { $0 }
        }
        guard !parts.isEmpty else { return nil }
        var text = parts.joined(separator: ": ")
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        text = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.count > 600 ? String(text.prefix(600)) + "…" : text
    }
}
