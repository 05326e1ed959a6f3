import Foundation
import ProviderAPI

/// The HTTP side shared by the credentials: one request to a token endpoint, its transport failures and
/// its answers turned into ``GcpCredentialError``s a person can act on, with every secret masked.
///
/// Contract: refuses a plain-http URL to a non-loopback host before sending anything (``secure`` only);
/// transport errors and non-2xx answers are ``GcpCredentialError/Kind/failed`` naming the URL and, for
/// answers, the status and the service's `error` / `error_description` (OAuth) or `error.status` /
/// `error.message` (Google APIs); cancellation is rethrown as it is.
struct TokenExchange: Sendable {
    let credential: String
    let transport: any HTTPTransport
    let timeout: Double
    let now: @Sendable () -> Date

    /// POSTs `fields` form-encoded to `url` and reads an OAuth answer `{access_token, expires_in}`.
    func postForm(
        _ fields: [(String, String)], to url: String, role: String, headers: [(String, String)] = [], secrets: [String]
    ) async throws -> AccessToken {
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")] + headers,
            body: Array(FormBody.encode(fields).utf8), timeout: timeout
        )
        let answer = try await send(request, role: role, secure: true, secrets: secrets)
        guard let token = answer.string("access_token") else {
            throw GcpCredentialError.failed(credential, "\(role) \(url) answered without access_token")
        }
        guard let expiresIn = answer.number("expires_in"), expiresIn > 0 else {
            throw GcpCredentialError.failed(credential, "\(role) \(url) answered without a positive expires_in")
        }
        return AccessToken(token: token, expiresAt: now().addingTimeInterval(expiresIn))
    }

    /// Sends `request` and returns the parsed JSON object of a 2xx answer.
    func send(_ request: HTTPRequest, role: String, secure: Bool, secrets: [String]) async throws -> JSONAnswer {
        let answer = JSONAnswer(try await sendRaw(request, role: role, secure: secure, secrets: secrets))
        guard answer.isObject else {
            throw GcpCredentialError.failed(
                credential, "\(role) \(withoutQuery(request.url)) answered with a body that is not a JSON object")
        }
        return answer
    }

    /// Sends `request` and returns the body of a 2xx answer. `secure` refuses plain http to a non-loopback host.
    func sendRaw(_ request: HTTPRequest, role: String, secure: Bool = false, secrets: [String] = []) async throws
        -> [UInt8]
    {
        let url = withoutQuery(request.url)
        if secure {
            do {
                try GcpEndpoints.requireSecure(request.url, role: role)
            } catch {
                throw GcpCredentialError.failed(credential, error.message)
            }
        }
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch let error as HTTPTransportError where error == .cancelled {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch let error as HTTPTransportError {
            // Transport errors never carry request headers or bodies.
            throw GcpCredentialError.failed(credential, "\(role) \(url) could not be reached: \(error)")
        } catch {
            throw GcpCredentialError.failed(credential, "\(role) \(url) could not be reached: \(type(of: error))")
        }
        guard (200..<300).contains(response.status) else {
            let detail = JSONAnswer(response.body).errorSummary(redacting: secrets).map { ": \($0)" } ?? ""
            throw GcpCredentialError.failed(credential, "\(role) \(url) answered HTTP \(response.status)\(detail)")
        }
        return response.body
    }
}

/// `url` without its query string or fragment (which may carry secrets), for messages.
func withoutQuery(_ url: String) -> String {
    String(url.prefix { $0 != "?" && $0 != "#" })
}
