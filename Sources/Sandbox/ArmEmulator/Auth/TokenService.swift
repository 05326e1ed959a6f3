import Foundation

/// The emulator's stand-ins for Microsoft Entra ID and IMDS, and the bearer-token check of ARM calls.
///
/// - `POST /{tenant}/oauth2/v2.0/token` (form-encoded `grant_type=client_credentials`, `client_id`, `scope`, and
///   `client_secret` or `client_assertion` + `client_assertion_type`) → `{token_type, expires_in, ext_expires_in,
///   access_token}`; errors are AAD-shaped `{error, error_description, error_codes}` with 400/401.
/// - `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…` with `Metadata: true` →
///   `{access_token, expires_in, expires_on, ext_expires_in, not_before, resource, token_type}` (numbers as strings).
///
/// Issued tokens are accepted by ARM calls, as are ``ArmEmulator/Configuration/acceptedTokens``.
enum TokenService {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    static func issue(_ world: inout World) -> String {
        let token = "emu." + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        world.issuedTokens.insert(token)
        world.readEffects += 1
        return token
    }

    static func tokenEndpoint(_ request: HTTPRequest, world: inout World, lifetime: Int) -> HTTPResponse {
        guard request.method == "POST" else {
            return aadError(405, "invalid_request", "AADSTS900561: The endpoint only accepts POST requests.", code: 900561)
        }
        let form = Dictionary(
            FormEncoding.decode(String(decoding: request.body, as: UTF8.self)), uniquingKeysWith: { first, _ in first })
        guard form["grant_type"] == "client_credentials" else {
            return aadError(
                400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type '\(form["grant_type"] ?? "")'.",
                code: 70003)
        }
        guard let client = form["client_id"], !client.isEmpty else {
            return aadError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'client_id'.", code: 900144)
        }
        guard let scope = form["scope"], !scope.isEmpty else {
            return aadError(400, "invalid_request", "AADSTS900144: The request body must contain the following parameter: 'scope'.", code: 900144)
        }
        let hasSecret = !(form["client_secret"] ?? "").isEmpty
        let hasAssertion = !(form["client_assertion"] ?? "").isEmpty
        if hasAssertion && form["client_assertion_type"] != assertionType {
            return aadError(400, "invalid_request", "AADSTS50027: Invalid client_assertion_type.", code: 50027)
        }
        guard hasSecret || hasAssertion else {
            return aadError(
                401, "invalid_client",
                "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                code: 7000218)
        }
        let token = issue(&world)
        return .json(
            200,
            [
                "token_type": "Bearer", "expires_in": .number(Double(lifetime)), "ext_expires_in": .number(Double(lifetime)),
                "access_token": .string(token),
            ])
    }

    static func imds(_ request: HTTPRequest, world: inout World, lifetime: Int) -> HTTPResponse {
        guard request.header("metadata")?.lowercased() == "true" else {
            return .json(400, ["error": "invalid_request", "error_description": "Required metadata header not specified"])
        }
        let query = request.query
        guard query["api-version"] != nil else {
            return .json(400, ["error": "invalid_request", "error_description": "Required query variable 'api-version' is missing"])
        }
        guard let resource = query["resource"], !resource.isEmpty else {
            return .json(400, ["error": "invalid_request", "error_description": "Required query variable 'resource' is missing"])
        }
        let token = issue(&world)
        let now = Int(Date().timeIntervalSince1970)
        return .json(
            200,
            [
                "access_token": .string(token), "client_id": .string(query["client_id"] ?? "00000000-0000-0000-0000-000000000000"),
                "expires_in": .string(String(lifetime)), "expires_on": .string(String(now + lifetime)),
                "ext_expires_in": .string(String(lifetime)), "not_before": .string(String(now)),
                "resource": .string(resource), "token_type": "Bearer",
            ])
    }

    /// nil when the request carries an acceptable bearer token, else the 401 ARM returns.
    static func authenticate(_ request: HTTPRequest, world: World, accepted: Set<String>) -> ArmError? {
        guard let header = request.header("authorization"), !header.isEmpty else {
            return challenge("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return challenge(
                "AuthenticationFailedInvalidHeader",
                "Authentication failed. The 'Authorization' header is provided in an invalid format.")
        }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard accepted.contains(token) || world.issuedTokens.contains(token) else {
            return challenge("InvalidAuthenticationToken", "The access token is invalid.")
        }
        return nil
    }

    private static func challenge(_ code: String, _ message: String) -> ArmError {
        ArmError(
            401, code, message,
            headers: [
                (
                    "WWW-Authenticate",
                    "Bearer authorization_uri=\"https://login.microsoftonline.com/common\", error=\"invalid_token\", "
                        + "error_description=\"\(message)\""
                )
            ])
    }

    private static func aadError(_ status: Int, _ error: String, _ description: String, code: Int) -> HTTPResponse {
        .json(
            status,
            [
                "error": .string(error), "error_description": .string(description), "error_codes": [.number(Double(code))],
                "timestamp": .string(Timestamp.iso8601(Date())), "trace_id": .string(UUID().uuidString.lowercased()),
                "correlation_id": .string(UUID().uuidString.lowercased()),
            ])
    }
}
