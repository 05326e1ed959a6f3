import ProviderAPI

/// The validated, libcurl-shaped form of an ``HTTPRequest``: how the method maps onto curl
/// options and the exact header lines to send. Error messages name at most the header *name*,
/// never a value (values may carry tokens).
struct RequestPlan {
    enum Mode: Equatable {
        /// `CURLOPT_HTTPGET`, plus `CURLOPT_CUSTOMREQUEST` when the method is not GET (e.g. DELETE).
        case noBody
        /// `CURLOPT_NOBODY` (HEAD).
        case head
        /// `CURLOPT_POSTFIELDS` with explicit size, plus `CURLOPT_CUSTOMREQUEST` unless POST.
        case withBody
    }

    let method: String
    let mode: Mode
    let headerLines: [String]

    /// Methods that always send a body (an empty one with `Content-Length: 0` when `body` is nil),
    /// as ARM and GCP expect for writes.
    private static let bodyMethods: Set<String> = ["POST", "PUT", "PATCH"]

    init(_ request: HTTPRequest) throws(HTTPTransportError) {
        let method = request.method
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .other("invalid HTTP method")
        }
        self.method = method

        if method == "HEAD" {
            guard request.body == nil || request.body?.isEmpty == true else {
                throw .other("HEAD requests cannot carry a body")
            }
            mode = .head
        } else if request.body != nil || Self.bodyMethods.contains(method) {
            mode = .withBody
        } else {
            mode = .noBody
        }

        var lines: [String] = []
        var names: Set<String> = []
        lines.reserveCapacity(request.headers.count + 2)
        for (index, (name, value)) in request.headers.enumerated() {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .other("request header #\(index + 1) has an invalid name")
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .other("request header '\(name)' has a value containing CR, LF or NUL")
            }
            names.insert(name.lowercased())
            // "Name;" is libcurl's spelling for a header with an empty value ("Name:" removes it).
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
        }
        // libcurl would otherwise add `Expect: 100-continue` for large bodies (an extra round
        // trip) and `Content-Type: application/x-www-form-urlencoded` for POSTFIELDS.
        if !names.contains("expect") {
            lines.append("Expect:")
        }
        if mode == .withBody && !names.contains("content-type") {
            lines.append("Content-Type:")
        }
        headerLines = lines
    }

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Seconds to libcurl milliseconds; non-finite or non-positive means "no limit" (0).
    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        let ms = (seconds * 1000).rounded(.up)
        return ms >= 1e12 ? 1_000_000_000_000 : max(1, Int(ms))
    }
}
