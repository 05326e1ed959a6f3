import Foundation

/// Where Azure's services are: Resource Manager, the Entra ID authority, the instance metadata
/// service, and the token scope for ARM. Every field is configurable so tests and the sandbox can
/// point them at loopback emulators.
///
/// Contract: ``validate()`` refuses plain `http://` for the Resource Manager and the authority
/// unless the host is loopback (127.0.0.0/8, ::1, localhost): bearer tokens and client secrets must
/// never cross a network unencrypted. IMDS is plain HTTP by design (a link-local address on the
/// VM itself) and is only checked for being an http(s) URL.
public struct AzureEndpoints: Sendable, Hashable {
    public static let defaultResourceManager = "https://management.azure.com"
    public static let defaultAuthorityHost = "https://login.microsoftonline.com"
    public static let defaultIMDS = "http://169.254.169.254"
    public static let defaultTokenScope = "https://management.azure.com/.default"

    /// Base URL of Azure Resource Manager, without a trailing slash.
    public var resourceManager: String
    /// Base URL of the Entra ID authority, without a trailing slash.
    public var authorityHost: String
    /// Base URL of the instance metadata service, without a trailing slash.
    public var imds: String
    /// The scope asked for when calling ARM.
    public var tokenScope: String

    public init(
        resourceManager: String = AzureEndpoints.defaultResourceManager,
        authorityHost: String = AzureEndpoints.defaultAuthorityHost,
        imds: String = AzureEndpoints.defaultIMDS,
        tokenScope: String = AzureEndpoints.defaultTokenScope
    ) {
        self.resourceManager = Self.trimmingTrailingSlashes(resourceManager)
        self.authorityHost = Self.trimmingTrailingSlashes(authorityHost)
        self.imds = Self.trimmingTrailingSlashes(imds)
        self.tokenScope = tokenScope
    }

    /// Reads `AZURE_RESOURCE_MANAGER_ENDPOINT`, `AZURE_AUTHORITY_HOST` and `AZURE_IMDS_ENDPOINT`
    /// (empty values count as unset) and validates the result.
    public static func fromEnvironment(_ env: [String: String]) throws(AzureEndpointsError) -> AzureEndpoints {
        func value(_ name: String) -> String? {
            env[name].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        }
        let endpoints = AzureEndpoints(
            resourceManager: value("AZURE_RESOURCE_MANAGER_ENDPOINT") ?? defaultResourceManager,
            authorityHost: value("AZURE_AUTHORITY_HOST") ?? defaultAuthorityHost,
            imds: value("AZURE_IMDS_ENDPOINT") ?? defaultIMDS
        )
        try endpoints.validate()
        return endpoints
    }

    /// Throws unless every URL is absolute http(s) and the token-carrying ones are TLS or loopback.
    public func validate() throws(AzureEndpointsError) {
        try Self.requireSecure(resourceManager, role: "resource manager endpoint")
        try Self.requireSecure(authorityHost, role: "authority host")
        _ = try Self.parse(imds, role: "IMDS endpoint")
    }

    /// Throws unless `url` is `https://`, or `http://` to a loopback host.
    public static func requireSecure(_ url: String, role: String) throws(AzureEndpointsError) {
        let (scheme, host) = try parse(url, role: role)
        if scheme == "http" && !isLoopback(host: host) {
            throw AzureEndpointsError(
                message: "\(role) \(url) uses plain http to a non-loopback host; bearer tokens must not travel unencrypted, use https"
            )
        }
    }

    /// Whether `host` (a name or an IP literal, with or without IPv6 brackets) is loopback:
    /// `localhost`, 127.0.0.0/8 or `::1`.
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil })
        else { return false }
        return octets[0] == "127"
    }

    private static func parse(_ url: String, role: String) throws(AzureEndpointsError) -> (scheme: String, host: String) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw AzureEndpointsError(message: "\(role) \(url.debugDescription) is not an absolute http(s) URL")
        }
        return (scheme, host)
    }

    private static func trimmingTrailingSlashes(_ url: String) -> String {
        var url = Substring(url)
        while url.hasSuffix("/") { url.removeLast() }
        return String(url)
    }
}

/// An endpoint that is malformed or would send tokens in clear text.
public struct AzureEndpointsError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
