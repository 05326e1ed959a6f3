extension CurlTransport {
    /// Settings shared by every request sent through one ``CurlTransport``.
    public struct Configuration: Sendable, Hashable {
        /// Seconds allowed for the TCP + TLS connect phase (`CURLOPT_CONNECTTIMEOUT_MS`).
        public var connectTimeout: Double
        /// Largest decoded response body accepted; larger bodies fail with
        /// ``HTTPTransportError/responseTooLarge(limit:)``.
        public var maxResponseBytes: Int
        /// Maximum number of transfers in flight at once, which is also the number of idle
        /// easy handles (and therefore kept-alive connections) retained for reuse.
        /// Further requests wait (cancellably) for a free slot. Values below 1 are treated as 1.
        public var maxConnections: Int
        /// `User-Agent` header sent unless the request carries its own.
        public var userAgent: String
        /// PEM bundle of trusted CA certificates (`CURLOPT_CAINFO`), e.g. a private test CA.
        /// `nil` uses libcurl's built-in default. Peer and host verification are never disabled.
        public var caInfo: String?
        /// PEM client certificate and its key (`CURLOPT_SSLCERT`, `CURLOPT_SSLKEY`) for servers that verify
        /// clients, e.g. etcd with `--client-cert-auth`.
        public var clientCertificate: String?
        public var clientKey: String?
        /// `host:port:address` entries like curl's `--resolve` (`CURLOPT_RESOLVE`), for tests.
        public var resolve: [String]
        /// The HTTP proxy; by default curl's environment variables (`http_proxy`, `https_proxy`,
        /// `no_proxy`, ...). Loopback and IMDS are always reached directly (see ``alwaysDirect``).
        public var proxy: Proxy

        public init(
            connectTimeout: Double = 10,
            maxResponseBytes: Int = 32 * 1024 * 1024,
            maxConnections: Int = 8,
            userAgent: String = "kafka-private-link-reconciler",
            caInfo: String? = nil,
            clientCertificate: String? = nil,
            clientKey: String? = nil,
            resolve: [String] = [],
            proxy: Proxy = .environment
        ) {
            self.connectTimeout = connectTimeout
            self.maxResponseBytes = maxResponseBytes
            self.maxConnections = maxConnections
            self.userAgent = userAgent
            self.caInfo = caInfo
            self.clientCertificate = clientCertificate
            self.clientKey = clientKey
            self.resolve = resolve
            self.proxy = proxy
        }

        /// Alias of ``maxConnections``: the number of concurrent transfers.
        public var concurrency: Int {
            get { maxConnections }
            set { maxConnections = newValue }
        }
    }
}
