import Foundation

/// Where GCP's services are: the Compute Engine API, the metadata server, and the scope asked for. Every
/// field can be pointed at a loopback emulator. (Token endpoints come from the credentials files: a
/// service account's `token_uri`, an external account's `token_url` and `service_account_impersonation_url`.)
///
/// Contract: ``validate()`` refuses plain `http://` for the Compute API unless the host is loopback
/// (127.0.0.0/8, ::1, localhost), because bearer tokens must never cross a network unencrypted; the
/// same rule is applied to every token endpoint before anything is sent (``requireSecure(_:role:)``).
/// The metadata server is plain HTTP by design (it answers on the VM itself) and is only checked for
/// being a host name or address with an optional port.
public struct GcpEndpoints: Sendable, Hashable {
    /// Terraform's default (`google/services/compute/product.go`).
    public static let defaultCompute = "https://compute.googleapis.com/compute/v1/"
    public static let defaultMetadataHost = "metadata.google.internal"
    public static let defaultTokenScope = "https://www.googleapis.com/auth/cloud-platform"
    /// The OAuth token endpoint of `authorized_user` files without `token_uri`.
    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"
    /// The STS endpoint of `external_account` files without `token_url`.
    public static let defaultSTSTokenURL = "https://sts.googleapis.com/v1/token"
    /// The `aud` of a JWT-bearer grant assertion: this constant, whatever the key file's `token_uri` says
    /// (google-auth's `_make_authorization_grant_assertion`).
    public static let oauthTokenAudience = "https://oauth2.googleapis.com/token"

    /// Base URL of the Compute Engine API, ending in `/compute/v1/`.
    public var compute: String
    /// `host` or `host:port` of the metadata server (plain http).
    public var metadataHost: String
    /// The scope asked for when calling Compute.
    public var tokenScope: String

    public init(
        compute: String = GcpEndpoints.defaultCompute,
        metadataHost: String = GcpEndpoints.defaultMetadataHost,
        tokenScope: String = GcpEndpoints.defaultTokenScope
    ) {
        self.compute = compute.hasSuffix("/") ? compute : compute + "/"
        self.metadataHost = metadataHost
        self.tokenScope = tokenScope
    }

    /// Reads `GOOGLE_COMPUTE_CUSTOM_ENDPOINT` (Terraform's variable, e.g. `http://127.0.0.1:5000/compute/v1/`)
    /// and `GCE_METADATA_HOST` (falling back to `GCE_METADATA_ROOT`, as google-auth does); empty values count
    /// as unset. Validates the result.
    public static func fromEnvironment(_ env: [String: String]) throws(GcpEndpointsError) -> GcpEndpoints {
        let endpoints = GcpEndpoints(
            compute: env.nonEmpty("GOOGLE_COMPUTE_CUSTOM_ENDPOINT") ?? defaultCompute,
            metadataHost: env.nonEmpty("GCE_METADATA_HOST") ?? env.nonEmpty("GCE_METADATA_ROOT") ?? defaultMetadataHost
        )
        try endpoints.validate()
        return endpoints
    }

    /// The audience of a self-signed service-account JWT for Compute (AIP-4111): the API's scheme and
    /// authority with a `/`, e.g. `https://compute.googleapis.com/`.
    public var jwtAudience: String {
        guard let components = URLComponents(string: compute), let scheme = components.scheme,
            let host = components.host
        else {
            return compute
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(scheme)://\(bracketed)\(components.port.map { ":\($0)" } ?? "")/"
    }

    /// Throws unless Compute is https (or http to loopback) ending in `/compute/v1/`, and the metadata host is
    /// a bare `host[:port]`.
    public func validate() throws(GcpEndpointsError) {
        try Self.requireSecure(compute, role: "Compute endpoint")
        guard URLComponents(string: compute)?.path.hasSuffix("/compute/v1/") == true else {
            throw GcpEndpointsError(
                message: "Compute endpoint \(compute) must end in /compute/v1/ (e.g. http://127.0.0.1:5000/compute/v1/)"
            )
        }
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        guard !metadataHost.isEmpty, metadataHost.unicodeScalars.allSatisfy(allowed.contains) else {
            throw GcpEndpointsError(
                message: "metadata host \(metadataHost.debugDescription) is not a host[:port] (no scheme, no path)")
        }
    }

    /// Throws unless `url` is `https://`, or `http://` to a loopback host.
    public static func requireSecure(_ url: String, role: String) throws(GcpEndpointsError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw GcpEndpointsError(message: "\(role) \(url.debugDescription) is not an absolute http(s) URL")
        }
        if scheme == "http" && !isLoopback(host: host) {
            throw GcpEndpointsError(
                message: "\(role) \(url) uses plain http to a non-loopback host; "
                    + "tokens must not travel unencrypted, use https"
            )
        }
    }

    /// Whether `host` is `localhost`, an IPv4 address in 127.0.0.0/8 or `::1` (brackets allowed); the
    /// addresses are read by `inet_pton`, so `127.0.0.1.example` or `127.1` are not loopback.
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }
}

/// An endpoint that is malformed or would send tokens in clear text.
public struct GcpEndpointsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
