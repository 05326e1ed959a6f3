public import ProviderAPI

/// The parts of an exchange that are safe to log.
public enum RequestDescription {
    /// The path of an absolute or relative URL, without scheme, authority, query or fragment
    /// (query strings may carry signatures or secrets). `"/"` when the URL has no path.
    public static func path(of url: String) -> String {
        var rest = Substring(url)
        if let schemeEnd = rest.firstRange(of: "://") {
            rest = rest[schemeEnd.upperBound...]
            // Skip the authority (which may also hold user:password@).
            if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
                rest = rest[slash...]
            } else {
                rest = ""
            }
        }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            rest = rest[..<end]
        }
        return rest.isEmpty ? "/" : String(rest)
    }

    /// Response headers naming the service's request id, in order of preference.
    public static let requestIDHeaders = ["x-ms-request-id", "x-goog-request-id", "x-request-id"]

    /// The service's request id, when the response carries one.
    public static func requestID(in response: HTTPResponse) -> String? {
        for name in requestIDHeaders {
            if let value = response.header(name), !value.isEmpty { return value }
        }
        return nil
    }
}
