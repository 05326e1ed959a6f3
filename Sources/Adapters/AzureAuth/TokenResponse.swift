import Foundation
import ProviderAPI

/// The JSON a token endpoint returns, from Entra ID (`expires_in` as a number) or IMDS (numbers
/// possibly as strings, plus an absolute `expires_on`), success or error alike.
struct TokenResponse: Decodable {
    var accessToken: String?
    var expiresIn: Double?
    var expiresOn: Double?
    var error: String?
    var errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case expiresIn = "expires_in"
        case expiresOn = "expires_on"
        case error
        case errorDescription = "error_description"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try? c.decodeIfPresent(String.self, forKey: .accessToken)
        expiresIn = Self.number(c, .expiresIn)
        expiresOn = Self.number(c, .expiresOn)
        error = try? c.decodeIfPresent(String.self, forKey: .error)
        errorDescription = try? c.decodeIfPresent(String.self, forKey: .errorDescription)
    }

    /// Parses `body`; nil when it is not a JSON object.
    static func parse(_ body: [UInt8]) -> TokenResponse? {
        try? JSONDecoder().decode(TokenResponse.self, from: Data(body))
    }

    /// The token, expiring at `expires_on` when present (as azure-identity does for IMDS), else
    /// `now + expires_in`. Nil when the token or both expiry fields are missing.
    func accessToken(now: Date) -> AccessToken? {
        guard let accessToken, !accessToken.isEmpty else { return nil }
        if let expiresOn, expiresOn > 0 {
            return AccessToken(token: accessToken, expiresAt: Date(timeIntervalSince1970: expiresOn))
        }
        if let expiresIn, expiresIn > 0 {
            return AccessToken(token: accessToken, expiresAt: now.addingTimeInterval(expiresIn))
        }
        return nil
    }

    /// `invalid_client: AADSTS7000215: ...` with every secret in `redacting` masked, at most 600
    /// characters; nil when the body names no error.
    func errorMessage(redacting secrets: [String]) -> String? {
        guard error != nil || errorDescription != nil else { return nil }
        var text = [error, errorDescription].compactMap { $0 }.joined(separator: ": ")
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        text = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
        return text.count > 600 ? String(text.prefix(600)) + "…" : text
    }

    /// A JSON number, or a string holding one (IMDS sends `"expires_in": "86399"`).
    private static func number(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> Double? {
        if let value = try? c.decodeIfPresent(Double.self, forKey: key) { return value }
        if let text = try? c.decodeIfPresent(String.self, forKey: key) { return Double(text.trimmingCharacters(in: .whitespaces)) }
        return nil
    }
}
