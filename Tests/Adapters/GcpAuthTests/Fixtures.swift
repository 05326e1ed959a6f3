import CurlTransport
import Foundation
import GcpAuth
import ProviderAPI
import TestSupport
import Testing
import _CryptoExtras

/// One RSA key for the whole test run (generating one takes a moment).
let testKey: _RSA.Signing.PrivateKey = {
    do {
        return try _RSA.Signing.PrivateKey(keySize: .bits2048)
    } catch {
        fatalError("cannot generate the test RSA key: \(error)")
    }
}()

let testEmail = "reconciler@proj-1.iam.gserviceaccount.com"

/// Writes `object` as JSON to `name` in `directory`; returns the path.
@discardableResult
func writeJSON(_ object: [String: Any], to directory: URL, name: String = "credentials.json") throws -> String {
    let url = directory.appendingPathComponent(name)
    try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
    return url.path
}

/// A service-account key file as the console downloads it (PKCS#8 PEM).
func serviceAccountFile(
    tokenURI: String = "https://oauth2.googleapis.com/token", keyID: String = "kid-0123",
    key: _RSA.Signing.PrivateKey = testKey
) -> [String: Any] {
    [
        "type": "service_account", "project_id": "proj-1", "private_key_id": keyID,
        "private_key": key.pkcs8PEMRepresentation,
        "client_email": testEmail, "client_id": "1234567890", "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": tokenURI,
    ]
}

/// The credential a credentials file describes, loaded as the chain loads it.
func loadCredential(
    _ path: String, mode: ServiceAccountCredential.Mode = .tokenEndpoint,
    transport: any HTTPTransport = CurlTransport(),
    now: @escaping @Sendable () -> Date = ManualClock.fixed()
) throws -> any GcpCredential {
    try GcpCredentialFile.load(path: path, source: "test", serviceAccountMode: mode, transport: transport, now: now)
}

/// A JWT taken apart: its JSON header and claims, the signed input and the signature.
struct DecodedJWT {
    let header: [String: Any]
    let claims: [String: Any]
    let signingInput: String
    let signature: Data

    init(_ jwt: String) throws {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 3, "a JWT has three parts: \(parts.count)")
        for part in parts {
            #expect(!part.contains("=") && !part.contains("+") && !part.contains("/"), "base64url without padding")
        }
        header = try #require(try JSONSerialization.jsonObject(with: try base64URLDecode(parts[0])) as? [String: Any])
        claims = try #require(try JSONSerialization.jsonObject(with: try base64URLDecode(parts[1])) as? [String: Any])
        signingInput = parts[0] + "." + parts[1]
        signature = try base64URLDecode(parts[2])
    }

    /// Whether the signature is RS256 (PKCS#1 v1.5 over SHA-256) by `key`.
    func verifies(with key: _RSA.Signing.PublicKey) -> Bool {
        key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data(signingInput.utf8),
            padding: .insecurePKCS1v1_5)
    }
}

func base64URLDecode(_ text: String) throws -> Data {
    var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while base64.count % 4 != 0 { base64 += "=" }
    return try #require(Data(base64Encoded: base64), "not base64url: \(text)")
}

/// Runs `/usr/bin/openssl` (an implementation independent of swift-crypto's) with `arguments`; returns its exit
/// status and combined output.
func openssl(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}

/// `value` after `change`.
func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var copy = value
    change(&copy)
    return copy
}
