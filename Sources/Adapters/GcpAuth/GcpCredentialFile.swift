public import Foundation
public import ProviderAPI

/// Reads a credentials file, as `GOOGLE_APPLICATION_CREDENTIALS` names it or gcloud writes it, and builds the
/// credential its `type` says: `service_account` (``ServiceAccountCredential``), `authorized_user`
/// (``AuthorizedUserCredential``) or `external_account` with a `file` or `url` credential source
/// (``ExternalAccountCredential``).
///
/// Contract: every problem is ``GcpCredentialError/Kind/failed`` with a reason naming the file and what is wrong
/// (unreadable, not JSON, which field is missing or not a string, an unsupported `type` or credential source);
/// no field value other than `type`, URLs and paths ever appears in a message. The credential is named after its
/// type and the file, e.g. `ServiceAccountCredential (/etc/gcp/key.json)`.
public enum GcpCredentialFile {
    public static let supportedTypes = ["service_account", "authorized_user", "external_account"]

    /// - Parameters:
    ///   - source: how the file was found, for messages about the file itself (`GOOGLE_APPLICATION_CREDENTIALS`).
    ///   - serviceAccountMode: how a `service_account` key is used.
    ///   - transport: for every token request of the credential (see
    ///     ``CloudHTTP/RetryPolicy/retryingGcpTokenRequests()``).
    public static func load(
        path: String,
        source: String,
        serviceAccountMode: ServiceAccountCredential.Mode,
        transport: any HTTPTransport,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(GcpCredentialError) -> any GcpCredential {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .failed(
                source, "cannot read the credentials file \(path): \((error as NSError).localizedDescription)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .failed(source, "the credentials file \(path) is not a JSON object")
        }
        let fields = Fields(object: object, path: path, credential: source, context: "")
        let type = try fields.require("type")
        switch type {
        case "service_account":
            let name = "ServiceAccountCredential (\(path))"
            let fields = Fields(object: object, path: path, credential: name, context: " (service_account)")
            return try ServiceAccountCredential(
                clientEmail: try fields.require("client_email"), privateKeyPEM: try fields.require("private_key"),
                privateKeyID: try fields.optional("private_key_id"), tokenURI: try fields.require("token_uri"),
                mode: serviceAccountMode, transport: transport, name: name, now: now
            )
        case "authorized_user":
            let name = "AuthorizedUserCredential (\(path))"
            let fields = Fields(object: object, path: path, credential: name, context: " (authorized_user)")
            return AuthorizedUserCredential(
                clientID: try fields.require("client_id"), clientSecret: try fields.require("client_secret"),
                refreshToken: try fields.require("refresh_token"),
                tokenURI: try fields.optional("token_uri") ?? GcpEndpoints.defaultTokenURI,
                transport: transport, name: name, now: now
            )
        case "external_account":
            return try externalAccount(object, path: path, transport: transport, now: now)
        default:
            throw .failed(
                source,
                "the credentials file \(path) has type \(type.debugDescription), which is not supported "
                    + "(supported: \(supportedTypes.joined(separator: ", ")))"
            )
        }
    }

    private static func externalAccount(
        _ object: [String: Any], path: String, transport: any HTTPTransport, now: @escaping @Sendable () -> Date
    ) throws(GcpCredentialError) -> ExternalAccountCredential {
        let name = "ExternalAccountCredential (\(path))"
        let fields = Fields(object: object, path: path, credential: name, context: " (external_account)")
        guard let sourceObject = object["credential_source"] as? [String: Any] else {
            throw .failed(name, "field credential_source missing or not an object in \(path) (external_account)")
        }
        let sourceFields = Fields(
            object: sourceObject, path: path, credential: name, context: " (external_account credential_source)")
        let format: ExternalAccountCredential.SubjectTokenFormat
        if let formatObject = sourceObject["format"] as? [String: Any] {
            let formatFields = Fields(
                object: formatObject, path: path, credential: name, context: " (credential_source.format)")
            switch try formatFields.optional("type") ?? "text" {
            case "text": format = .text
            case "json": format = .json(field: try formatFields.require("subject_token_field_name"))
            case let other:
                throw .failed(
                    name,
                    "credential_source.format.type \(other.debugDescription) in \(path) is not supported (text or json)"
                )
            }
        } else {
            format = .text
        }
        let source: ExternalAccountCredential.SubjectTokenSource
        if let file = try sourceFields.optional("file") {
            source = .file(file, format: format)
        } else if let url = try sourceFields.optional("url") {
            let headers = (sourceObject["headers"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            source = .url(url, headers: headers, format: format)
        } else {
            let kind =
                sourceObject["environment_id"] != nil
                ? "aws (environment_id)" : sourceObject["executable"] != nil ? "executable" : nil
            if let kind {
                throw .failed(
                    name, "credential_source of kind \(kind) in \(path) is not supported (supported: file, url)")
            }
            throw .failed(name, "credential_source in \(path) has neither file nor url")
        }
        let lifetime = (object["service_account_impersonation"] as? [String: Any])?["token_lifetime_seconds"] as? Int
        return ExternalAccountCredential(
            audience: try fields.require("audience"), subjectTokenType: try fields.require("subject_token_type"),
            tokenURL: try fields.optional("token_url") ?? GcpEndpoints.defaultSTSTokenURL, source: source,
            impersonationURL: try fields.optional("service_account_impersonation_url"),
            impersonationLifetime: lifetime ?? 3600,
            transport: transport, name: name, now: now
        )
    }

    /// String members of one JSON object of the file, with errors that name the field and the file.
    private struct Fields {
        let object: [String: Any]
        let path: String
        let credential: String
        let context: String

        func optional(_ key: String) throws(GcpCredentialError) -> String? {
            guard let value = object[key], !(value is NSNull) else { return nil }
            guard let text = value as? String else {
                throw .failed(credential, "field \(key) is not a string in \(path)\(context)")
            }
            return text.isEmpty ? nil : text
        }

        func require(_ key: String) throws(GcpCredentialError) -> String {
            guard let text = try optional(key) else {
                throw .failed(credential, "field \(key) missing or empty in \(path)\(context)")
            }
            return text
        }
    }
}
