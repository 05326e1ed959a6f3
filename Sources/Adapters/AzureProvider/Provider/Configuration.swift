/// Where and how the ARM provider talks to Azure Resource Manager.
extension AzureResourceProvider {
    public struct Configuration: Sendable, Hashable {
        /// The ARM endpoint, e.g. `https://management.azure.com`, or a loopback emulator in the sandbox and the
        /// tests. Long-running-operation and `nextLink` URLs are followed only when they have this origin, so a
        /// bearer token is never sent anywhere else.
        public var baseURL: String
        /// The token scope asked of the `AccessTokenProvider`.
        public var scope: String
        /// At most this many ARM requests of one `observe` are in flight at once.
        public var maxConcurrentRequests: Int
        /// A PUT or DELETE whose long-running operation has not finished after this long fails (retryably).
        public var lroTimeout: Duration
        /// The wait between polls when the service sends no `Retry-After`.
        public var defaultPollInterval: Duration
        /// How often a PUT or DELETE answered "another operation is in progress on this resource"
        /// (`RetryableErrorDueToAnotherOperation`, `AnotherOperationInProgress`) is tried again.
        public var maxAnotherOperationRetries: Int
        /// Whole-request timeout handed to the transport, in seconds.
        public var requestTimeout: Double
        /// Subscriptions searched for resources tagged as the reconciler's besides those the manifests and the
        /// inventory name (`AZURE_SUBSCRIPTION_ID`), so an exposure removed together with the last mention of its
        /// subscription is still found.
        public var discoverySubscriptions: [String] = []

        public static let publicCloudURL = "https://management.azure.com"
        public static let publicCloudScope = "https://management.azure.com/.default"

        public init(
            baseURL: String = Configuration.publicCloudURL,
            scope: String = Configuration.publicCloudScope,
            maxConcurrentRequests: Int = 16,
            lroTimeout: Duration = .seconds(30 * 60),
            defaultPollInterval: Duration = .seconds(10),
            maxAnotherOperationRetries: Int = 5,
            requestTimeout: Double = 60
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.scope = scope
            self.maxConcurrentRequests = max(1, maxConcurrentRequests)
            self.lroTimeout = lroTimeout
            self.defaultPollInterval = defaultPollInterval
            self.maxAnotherOperationRetries = max(0, maxAnotherOperationRetries)
            self.requestTimeout = requestTimeout
        }
    }
}
