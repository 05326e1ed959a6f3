public import ProviderAPI
import Foundation

/// ``HTTPTransport`` backed by libcurl: each request on an easy handle, every transfer driven by one thread through
/// the multi interface (``MultiDriver``), never on the Swift cooperative pool, which must not be blocked. The caller
/// resumes through a checked continuation. Easy handles are pooled (at most ``Configuration/maxConnections`` in
/// flight), and the multi handle's connection cache keeps connections alive between requests.
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
    let driver: MultiDriver?

    /// - Parameter environment: where ``Proxy/environment`` reads the proxy variables; nil (the
    ///   default) means this process's environment.
    public convenience init(configuration: Configuration = .init(), environment: [String: String]? = nil) {
        self.init(configuration: configuration, environment: environment, idleSeconds: 10)
    }

    /// - Parameter idleSeconds: how long the transfer thread outlives its last transfer.
    init(configuration: Configuration, environment: [String: String]?, idleSeconds: TimeInterval) {
        CurlGlobal.touch()
        self.configuration = configuration
        self.pool = HandlePool(capacity: max(1, configuration.maxConnections))
        self.proxy = ResolvedProxy(configuration.proxy, environment: environment ?? ProcessInfo.processInfo.environment)
        self.driver = MultiDriver(maxConnections: max(1, configuration.maxConnections), idleSeconds: idleSeconds)
    }

    deinit {
        driver?.close()
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try CurlGlobal.ensureInitialized()
        guard let driver else { throw HTTPTransportError.other("curl_multi_init failed") }
        if Task.isCancelled { throw HTTPTransportError.cancelled }

        let handle = try await pool.acquire()
        let flag = CancellationFlag()
        let transfer: Transfer
        do {
            transfer = try Transfer(request, on: handle, configuration: configuration, proxy: proxy, cancellation: flag)
        } catch {
            pool.release(handle)
            throw error
        }
        let pool = pool

        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponse, any Error>) in
                driver.submit(MultiDriver.Job(handle: handle, cancellation: flag) { code in
                    let result = transfer.response(code)
                    pool.release(handle)
                    continuation.resume(with: result)
                })
            }
        } onCancel: {
            flag.cancel()
            driver.wake()
        }
    }
}
