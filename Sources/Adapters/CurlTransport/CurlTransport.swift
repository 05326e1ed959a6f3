public import ProviderAPI
import Foundation

/// ``HTTPTransport`` backed by libcurl's easy interface.
///
/// Each request runs `curl_easy_perform` on its own dedicated `Thread` (never on the Swift
/// cooperative pool, which must not be blocked) and resumes the caller through a checked
/// continuation. Easy handles are pooled (at most ``Configuration/maxConnections``), so the
/// per-handle connection cache keeps connections alive between sequential requests.
///
/// Contract (see ``HTTPTransport``): no retries, honours task cancellation, never logs and never
/// puts request headers or bodies into error messages. TLS peer and host verification are
/// always on; redirects are not followed; only `http` and `https` are allowed. Responses are
/// decompressed (`Accept-Encoding` lists every encoding this libcurl decodes) and the size cap
/// applies to the decoded body. Proxies follow ``Configuration/proxy``: by default curl's
/// environment variables (`http_proxy`, `https_proxy`, `all_proxy`, `no_proxy`), read once here,
/// with loopback and IMDS always direct.
public final class CurlTransport: HTTPTransport {
    public let configuration: Configuration
    private let pool: HandlePool
    private let proxy: ResolvedProxy

    /// - Parameter environment: where ``Proxy/environment`` reads the proxy variables; nil (the
    ///   default) means this process's environment.
    public init(configuration: Configuration = .init(), environment: [String: String]? = nil) {
        CurlGlobal.touch()
        self.configuration = configuration
        self.pool = HandlePool(capacity: max(1, configuration.maxConnections))
        self.proxy = ResolvedProxy(configuration.proxy, environment: environment ?? ProcessInfo.processInfo.environment)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try CurlGlobal.ensureInitialized()
        if Task.isCancelled { throw HTTPTransportError.cancelled }

        let handle = try await pool.acquire()
        let flag = CancellationFlag()
        let configuration = configuration
        let pool = pool
        let proxy = proxy

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                let thread = Thread {
                    let result = Transfer.run(request, on: handle, configuration: configuration, proxy: proxy, cancellation: flag)
                    // Return the handle before resuming so a follow-up request reuses its connection.
                    pool.release(handle)
                    continuation.resume(with: result)
                }
                thread.name = "CurlTransport.perform"
                thread.start()
            }
        } onCancel: {
            flag.cancel()
        }
    }
}
