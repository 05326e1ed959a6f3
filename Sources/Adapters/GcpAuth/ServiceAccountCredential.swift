public import Foundation
public import ProviderAPI
import _CryptoExtras

/// A service-account key (`"type": "service_account"`), in one of two modes:
///
/// - ``Mode/selfSignedJWT(audience:)`` (the default for Compute, what the official gapic clients do with
///   `always_use_jwt_access=True`, AIP-4111): the bearer is a JWT signed with the key, header
///   `{alg: RS256, typ: JWT, kid: private_key_id}`, claims `{iss, sub: client_email, aud, iat, exp: iat + 3600}`.
///   No request is made; the scope asked for is ignored (the audience names the API).
/// - ``Mode/selfSignedJWTWithScope``: the same with a `scope` claim (the scopes, space-separated) instead of `aud`.
/// - ``Mode/tokenEndpoint``: the OAuth 2.0 JWT-bearer grant: `POST token_uri` with
///   `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`, the assertion's claims being
///   `{iss, scope, aud: https://oauth2.googleapis.com/token, iat, exp}` (the constant audience, not `token_uri`).
///
/// Contract: the key (PEM, PKCS#8 or PKCS#1 RSA, 2048 bits or more) is parsed once, at construction; an
/// unreadable key is ``GcpCredentialError/Kind/failed`` naming the credential, never showing the key. The
/// key, the assertions and the tokens never appear in errors or in this value's descriptions. Signing is
/// RSASSA-PKCS1-v1_5 over SHA-256 (swift-crypto); base64url without padding. No caching: a self-signed JWT
/// is minted on every call, so wrap the credential in a ``TokenCache``, which re-mints it 5 minutes
/// before its `exp`.
public struct ServiceAccountCredential: GcpCredential {
    public enum Mode: Sendable, Hashable {
        case selfSignedJWT(audience: String)
        case selfSignedJWTWithScope
        case tokenEndpoint
    }

    public static let grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
    /// Seconds between a JWT's `iat` and `exp`.
    public static let jwtLifetime: TimeInterval = 3600

    public let name: String
    public let clientEmail: String
    public let privateKeyID: String?
    public let tokenURI: String
    public let mode: Mode
    private let key: SigningKey
    private let exchange: TokenExchange

    /// - Parameters:
    ///   - transport: sends the grant (``Mode/tokenEndpoint`` only); wrap it in a `RetryingTransport` whose
    ///     policy went through ``CloudHTTP/RetryPolicy/retryingGcpTokenRequests()`` to retry it.
    ///   - name: for messages; files loaded by ``GcpCredentialFile`` add their path.
    public init(
        clientEmail: String,
        privateKeyPEM: String,
        privateKeyID: String?,
        tokenURI: String = GcpEndpoints.defaultTokenURI,
        mode: Mode,
        transport: any HTTPTransport,
        name: String = "ServiceAccountCredential",
        timeout: Double = 30,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(GcpCredentialError) {
        do {
            self.key = SigningKey(try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM))
        } catch {
            throw .failed(name, "private_key is not a PEM RSA private key of 2048 bits or more (\(type(of: error)))")
        }
        self.name = name
        self.clientEmail = clientEmail
        self.privateKeyID = privateKeyID.flatMap { $0.isEmpty ? nil : $0 }
        self.tokenURI = tokenURI
        self.mode = mode
        self.exchange = TokenExchange(credential: name, transport: transport, timeout: timeout, now: now)
    }

    public func token(for scope: String) async throws -> AccessToken {
        let issuedAt = exchange.now()
        let iat = Int(issuedAt.timeIntervalSince1970.rounded(.down))
        var claims = JWTClaims(iss: clientEmail, iat: iat, exp: iat + Int(Self.jwtLifetime))
        switch mode {
        case .selfSignedJWT(let audience):
            claims.sub = clientEmail
            claims.aud = audience
        case .selfSignedJWTWithScope:
            claims.sub = clientEmail
            claims.scope = scope.scopeList.joined(separator: " ")
        case .tokenEndpoint:
            claims.aud = GcpEndpoints.oauthTokenAudience
            claims.scope = scope.scopeList.joined(separator: " ")
        }
        let jwt = try sign(claims)
        guard mode == .tokenEndpoint else {
            return AccessToken(token: jwt, expiresAt: Date(timeIntervalSince1970: TimeInterval(claims.exp)))
        }
        return try await exchange.postForm(
            [("grant_type", Self.grantType), ("assertion", jwt)], to: tokenURI, role: "token endpoint (token_uri)",
            secrets: [jwt]
        )
    }

    /// `base64url(header).base64url(claims).base64url(RS256 signature)`.
    private func sign(_ claims: JWTClaims) throws(GcpCredentialError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let header = try encoder.encode(JWTHeader(alg: "RS256", typ: "JWT", kid: privateKeyID))
            let input = "\(Base64URL.encode(header)).\(Base64URL.encode(try encoder.encode(claims)))"
            let signature = try key.key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)  // SHA-256
            return "\(input).\(Base64URL.encode(signature.rawRepresentation))"
        } catch {
            throw .failed(name, "cannot sign the JWT: \(type(of: error))")
        }
    }
}

private struct JWTHeader: Encodable {
    var alg: String
    var typ: String
    var kid: String?
}

private struct JWTClaims: Encodable {
    var iss: String
    var sub: String?
    var aud: String?
    var scope: String?
    var iat: Int
    var exp: Int
}

/// The private key, hidden from `print`, `dump` and reflection.
private struct SigningKey: Sendable, CustomStringConvertible, CustomReflectable {
    let key: _RSA.Signing.PrivateKey

    init(_ key: _RSA.Signing.PrivateKey) {
        self.key = key
    }

    var description: String { "<RSA private key>" }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// Base64url without padding (RFC 7515 §2).
enum Base64URL {
    static func encode(_ data: some DataProtocol) -> String {
        var text = Data(data).base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}
