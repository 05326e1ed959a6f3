extension CurlTransport {
    /// Which HTTP proxy, if any, requests go through.
    public enum Proxy: Sendable, Hashable {
        /// curl's environment variables, read once when the transport is created: `http_proxy`
        /// for http URLs (lower case only, as curl does, because of "httpoxy"), `https_proxy` or
        /// `HTTPS_PROXY` for https URLs, `all_proxy` / `ALL_PROXY` for both, and `no_proxy` /
        /// `NO_PROXY` for exceptions (curl's syntax: host names, domain suffixes, IPs, CIDR, `*`).
        case environment
        /// Never a proxy, whatever the environment says.
        case none
        /// This proxy URL for every request, except hosts matched by `noProxy` (curl's syntax).
        case url(String, noProxy: String = "")
    }

    /// Hosts that are always reached directly: loopback (the sandbox's emulators, tests) and the
    /// link-local instance metadata service, which a proxy cannot reach and must never see.
    public static let alwaysDirect = "localhost,127.0.0.1,127.0.0.0/8,::1,169.254.169.254"

    /// A ``Proxy`` resolved against an environment: the per-scheme proxy and the exception list
    /// that ``Transfer`` hands to libcurl (`CURLOPT_PROXY`, `CURLOPT_NOPROXY`). Setting both
    /// explicitly on every request means libcurl never reads the environment itself.
    struct ResolvedProxy: Sendable, Hashable {
        var http: String?
        var https: String?
        var noProxy: String

        init(_ proxy: Proxy, environment env: [String: String]) {
            func value(_ names: String...) -> String? {
                for name in names {
                    if let value = env[name]?.trimmingHorizontalSpace(), !value.isEmpty { return value }
                }
                return nil
            }
            var exceptions: String?
            switch proxy {
            case .none:
                http = nil
                https = nil
            case .url(let url, let noProxy):
                http = url
                https = url
                exceptions = noProxy
            case .environment:
                let all = value("all_proxy", "ALL_PROXY")
                http = value("http_proxy") ?? all
                https = value("https_proxy", "HTTPS_PROXY") ?? all
                exceptions = value("no_proxy", "NO_PROXY")
            }
            let extra = exceptions?.trimmingHorizontalSpace() ?? ""
            noProxy = extra.isEmpty ? CurlTransport.alwaysDirect : "\(extra),\(CurlTransport.alwaysDirect)"
        }

        /// The proxy for `url` (by scheme), or nil to connect directly.
        func proxy(for url: String) -> String? {
            let lower = url.prefix(8).lowercased()
            if lower.hasPrefix("https://") { return https }
            if lower.hasPrefix("http://") { return http }
            return nil
        }
    }
}
