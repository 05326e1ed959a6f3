import CloudHTTP
import Foundation
import ProviderAPI

/// The client-credentials request to Entra ID's v2 token endpoint, shared by
/// ``ClientSecretCredential`` and ``WorkloadIdentityCredential``:
/// `POST {authority}/{tenant}/oauth2/v2.0/token` with a form-encoded body
/// `grant_type=client_credentials&client_id=…&<credential fields>&scope=…`.
///
/// Contract: refuses a plain-http authority that is not loopback before sending anything; maps
/// every failure to ``AzureCredentialError/Kind/failed`` with the service's `error` and
/// `error_description` (secrets masked); cancellation is rethrown as is.
struct EntraTokenClient: Sendable {
    let credentialName: String
    let authorityHost: String
    let tenantID: String
    let clientID: String
    let transport: any HTTPTransport
    let now: @Sendable () -> Date
    let timeout: Double

    /// `fields` are the credential's own form fields (`client_secret`, or `client_assertion` and
    /// `client_assertion_type`); `secrets` are masked in any message built from a response.
    func token(scope: String, fields: [(String, String)], secrets: [String]) async throws -> AccessToken {
        do {
            try AzureEndpoints.requireSecure(authorityHost, role: "authority host")
        } catch {
            throw AzureCredentialError.failed(credentialName, error.message)
        }
        guard !tenantID.isEmpty, tenantID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else {
            throw AzureCredentialError.failed(credentialName, "tenant id \(tenantID.debugDescription) is not a tenant GUID or domain name")
        }
        let form = [("grant_type", "client_credentials"), ("client_id", clientID)] + fields + [("scope", scope)]
        let url = "\(authorityHost)/\(tenantID)\(Self.tokenPath)"
        let request = HTTPRequest(
            method: "POST",
            url: url,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")],
            body: Array(FormEncoding.encode(form).utf8),
            timeout: timeout
        )
        let response = try await send(request, to: url)
        let parsed = TokenResponse.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let detail = parsed?.errorMessage(redacting: secrets).map { ": \($0)" } ?? ""
            throw AzureCredentialError.failed(credentialName, "token endpoint \(url) answered HTTP \(response.status)\(detail)")
        }
        guard let token = parsed?.accessToken(now: now()) else {
            throw AzureCredentialError.failed(credentialName, "token endpoint \(url) answered without access_token and expires_in")
        }
        return token
    }

    private func send(_ request: HTTPRequest, to url: String) async throws -> HTTPResponse {
        do {
            return try await transport.send(request)
        } catch let error as HTTPTransportError where error == .cancelled {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPTransportError {
            // Transport errors never carry request headers or bodies.
            throw AzureCredentialError.failed(credentialName, "token request to \(url) failed: \(error)")
        } catch {
            throw AzureCredentialError.failed(credentialName, "token request to \(url) failed: \(type(of: error))")
        }
    }

    /// The path every v2 client-credentials request ends with.
    static let tokenPath = "/oauth2/v2.0/token"

    /// Whether `request` is an Entra ID token POST (safe to repeat: it has no side effect beyond
    /// issuing another token).
    static func isTokenRequest(_ request: HTTPRequest) -> Bool {
        request.method.uppercased() == "POST" && RequestDescription.path(of: request.url).hasSuffix(tokenPath)
    }
}

/// `application/x-www-form-urlencoded` as OAuth 2.0 (RFC 6749 appendix B) wants it: every byte
/// outside the unreserved set is percent-encoded.
enum FormEncoding {
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
