import CCurl
import ProviderAPI

extension HTTPTransportError {
    /// Maps a failed `curl_easy_perform` onto the transport's error kinds.
    ///
    /// `detail` is the `CURLOPT_ERRORBUFFER` text; libcurl puts host names, ports and system
    /// errors there, never request headers or bodies.
    ///
    /// ``HTTPTransportError/connectFailed(_:)`` covers every failure of the connection itself:
    /// not established (refused, unresolvable host or proxy), or lost before a complete response
    /// (the peer closed or reset it: "empty reply", send/receive errors, a truncated body). These
    /// are the transient failures a caller may retry for idempotent requests.
    static func fromCurl(
        _ code: CURLcode,
        detail: String,
        cancelled: Bool,
        exceededLimit: Bool,
        limit: Int
    ) -> HTTPTransportError {
        if exceededLimit || code == CURLE_FILESIZE_EXCEEDED {
            return .responseTooLarge(limit: limit)
        }
        if code == CURLE_ABORTED_BY_CALLBACK && cancelled {
            return .cancelled
        }
        let text = String(cString: curl_easy_strerror(code))
        let message = detail.isEmpty || detail == text ? text : "\(text): \(detail)"
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY,
            CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            return .connectFailed(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(message)
        default:
            return .other("curl error \(code.rawValue): \(message)")
        }
    }
}
