public import Foundation
public import ProviderAPI

/// Workload identity federation (`"type": "external_account"`):
///
/// 1. the subject token is read from ``SubjectTokenSource/file(_:format:)`` (re-read on every request, because
///    the platform rotates it) or fetched with `GET` from ``SubjectTokenSource/url(_:headers:format:)``, as
///    text or as one member of a JSON object;
/// 2. `POST token_url` (STS) with `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
///    `audience`, `scope`, `requested_token_type=urn:ietf:params:oauth:token-type:access_token`,
///    `subject_token`, `subject_token_type`, answered by `{access_token, expires_in}`;
/// 3. when `service_account_impersonation_url` is set, `POST` it `{"scope": [...], "lifetime": "3600s"}` with the
///    STS token as bearer, answered by `{accessToken, expireTime}`. The STS leg then asks for `cloud-platform`
///    (enough to call IAM Credentials), the impersonation leg for the scopes wanted, as Google's Go library does.
///
/// Contract: STS and impersonation URLs must be https (or loopback http); a subject-token URL may be plain http
/// (it is usually a metadata endpoint on the machine itself). Every failure is ``GcpCredentialError/Kind/failed``
/// naming the file, URL or endpoint; the subject token and the STS token never appear in errors or in this
/// value's descriptions. No caching (see ``TokenCache``).
public struct ExternalAccountCredential: GcpCredential {
    public enum SubjectTokenFormat: Sendable, Hashable {
        case text
        /// The token is the string member `field` of a JSON object (`subject_token_field_name`).
        case json(field: String)
    }

    public enum SubjectTokenSource: Sendable, Hashable {
        case file(String, format: SubjectTokenFormat)
        case url(String, headers: [String: String], format: SubjectTokenFormat)
    }

    public static let grantType = "urn:ietf:params:oauth:grant-type:token-exchange"
    public static let requestedTokenType = "urn:ietf:params:oauth:token-type:access_token"
    /// The scope of the STS token when it is only used to impersonate a service account.
    public static let impersonationSourceScope = "https://www.googleapis.com/auth/cloud-platform"

    public let name: String
    public let audience: String
    public let subjectTokenType: String
    public let tokenURL: String
    public let source: SubjectTokenSource
    public let impersonationURL: String?
    /// Seconds asked for in the impersonation request (`service_account_impersonation.token_lifetime_seconds`).
    public let impersonationLifetime: Int
    private let exchange: TokenExchange

    public init(
        audience: String,
        subjectTokenType: String,
        tokenURL: String = GcpEndpoints.defaultSTSTokenURL,
        source: SubjectTokenSource,
        impersonationURL: String? = nil,
        impersonationLifetime: Int = 3600,
        transport: any HTTPTransport,
        name: String = "ExternalAccountCredential",
        timeout: Double = 30,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.name = name
        self.audience = audience
        self.subjectTokenType = subjectTokenType
        self.tokenURL = tokenURL
        self.source = source
        self.impersonationURL = impersonationURL.flatMap { $0.isEmpty ? nil : $0 }
        self.impersonationLifetime = impersonationLifetime
        self.exchange = TokenExchange(credential: name, transport: transport, timeout: timeout, now: now)
    }

    public func token(for scope: String) async throws -> AccessToken {
        let subject = try await subjectToken()
        let stsScope = impersonationURL == nil ? scope.scopeList.joined(separator: " ") : Self.impersonationSourceScope
        var form = [("grant_type", Self.grantType), ("audience", audience)]
        if !stsScope.isEmpty { form.append(("scope", stsScope)) }
        form += [
            ("requested_token_type", Self.requestedTokenType), ("subject_token", subject),
            ("subject_token_type", subjectTokenType),
        ]
        let federated = try await exchange.postForm(
            form, to: tokenURL, role: "STS token endpoint (token_url)", secrets: [subject])
        guard let impersonationURL else { return federated }
        return try await impersonate(
            at: impersonationURL, scopes: scope.scopeList, bearer: federated.token, secrets: [subject, federated.token])
    }

    private func impersonate(at url: String, scopes: [String], bearer: String, secrets: [String]) async throws
        -> AccessToken
    {
        let body = try JSONSerialization.data(
            withJSONObject: ["scope": scopes, "lifetime": "\(impersonationLifetime)s"],
            options: [.sortedKeys, .withoutEscapingSlashes])
        let request = HTTPRequest(
            method: "POST", url: url,
            headers: [
                ("Content-Type", "application/json"), ("Accept", "application/json"),
                ("Authorization", "Bearer \(bearer)"),
            ],
            body: Array(body), timeout: exchange.timeout
        )
        let role = "service account impersonation (service_account_impersonation_url)"
        let answer = try await exchange.send(request, role: role, secure: true, secrets: secrets)
        guard let token = answer.string("accessToken") else {
            throw GcpCredentialError.failed(name, "\(role) \(url) answered without accessToken")
        }
        guard let expiry = answer.string("expireTime").flatMap(Self.rfc3339) else {
            throw GcpCredentialError.failed(name, "\(role) \(url) answered without an RFC 3339 expireTime")
        }
        return AccessToken(token: token, expiresAt: expiry)
    }

    private func subjectToken() async throws -> String {
        switch source {
        case .file(let path, let format):
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw GcpCredentialError.failed(
                    name,
                    "cannot read the subject token file \(path) (credential_source.file): "
                        + (error as NSError).localizedDescription
                )
            }
            return try parse(Array(data), format: format, from: "the subject token file \(path)")
        case .url(let url, let headers, let format):
            guard let components = URLComponents(string: url),
                ["http", "https"].contains(components.scheme?.lowercased() ?? ""),
                components.host?.isEmpty == false
            else {
                throw GcpCredentialError.failed(
                    name, "credential_source.url \(url.debugDescription) is not an absolute http(s) URL")
            }
            let headers = headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            let role = "subject token URL (credential_source.url)"
            let body = try await exchange.sendRaw(
                HTTPRequest(method: "GET", url: url, headers: headers, timeout: exchange.timeout), role: role)
            return try parse(body, format: format, from: "\(role) \(withoutQuery(url))")
        }
    }

    private func parse(_ body: [UInt8], format: SubjectTokenFormat, from origin: String) throws(GcpCredentialError)
        -> String
    {
        let token: String
        switch format {
        case .text:
            token = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        case .json(let field):
            let answer = JSONAnswer(body)
            guard answer.isObject else {
                throw .failed(name, "\(origin) is not a JSON object (credential_source.format.type is json)")
            }
            guard let value = answer.string(field) else {
                throw .failed(
                    name, "\(origin) has no string member \(field.debugDescription) (subject_token_field_name)")
            }
            token = value
        }
        guard !token.isEmpty else { throw .failed(name, "\(origin) is empty") }
        return token
    }

    /// `2024-05-01T12:00:00Z` or `2024-05-01T12:00:00.123456789Z` (any number of fraction digits, or an offset).
    static func rfc3339(_ text: String) -> Date? {
        var whole = text
        if let dot = whole.firstIndex(of: ".") {
            let digitsEnd = whole[whole.index(after: dot)...].firstIndex { !$0.isNumber } ?? whole.endIndex
            whole.removeSubrange(dot..<digitsEnd)
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: whole)
    }
}
