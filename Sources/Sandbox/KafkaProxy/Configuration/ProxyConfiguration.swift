/// What `kafka-proxy server` is told on its command line (kafka-proxy v0.3.11, `kafka-proxy.md` B.2/B.3): the
/// static listeners, dynamic listeners, address rewriting, the HTTP endpoint and timeouts.
public struct ProxyConfiguration: Sendable, Equatable {
    /// `--bootstrap-server-mapping "brokerHost:port,listenHost:port[,advHost:advPort]"`: a listener bound at start,
    /// forwarding to the broker; the broker's address in responses becomes the advertised one (default: the listen
    /// address, so `0.0.0.0:9092` would be advertised).
    public struct Mapping: Sendable, Equatable {
        public var broker: HostPort
        public var listen: HostPort
        public var advertised: HostPort

        public init(broker: HostPort, listen: HostPort, advertised: HostPort? = nil) {
            self.broker = broker
            self.listen = listen
            self.advertised = advertised ?? listen
        }

        /// Parses the flag's value: two or three comma-separated addresses.
        public init(parsing text: String, flag: String) throws(ProxyConfigurationError) {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 || parts.count == 3 else {
                throw ProxyConfigurationError("\(flag) '\(text)': expected brokerHost:brokerPort,listenHost:listenPort[,advertisedHost:advertisedPort]")
            }
            do {
                self.init(
                    broker: try HostPort(parsing: parts[0]), listen: try HostPort(parsing: parts[1]),
                    advertised: parts.count == 3 ? try HostPort(parsing: parts[2]) : nil)
            } catch {
                throw ProxyConfigurationError("\(flag) '\(text)': \(error)")
            }
        }
    }

    public var bootstrapMappings: [Mapping] = []
    /// `--external-server-mapping`: rewrite only, no listener (listen must equal advertised, so it is one pair).
    public var externalMappings: [Mapping] = []
    /// `--dial-address-mapping "fromHost:port,toHost:port"`: where a broker address is really dialled.
    public var dialMappings: [HostPort: HostPort] = [:]
    /// `--dynamic-listeners-disable`: an unmapped broker in a response is an error instead of a new listener.
    public var dynamicListenersDisabled = false
    /// `--dynamic-sequential-min-port`: the first dynamic listener's port, then one more per new broker; 0 = random.
    public var dynamicSequentialMinPort = 0
    /// `--dynamic-advertised-listener`: the host advertised for dynamic listeners; empty: the default listener IP.
    /// v0.3.11 joins it with the port as a bare host, so a value carrying a port is advertised as host `h:p`
    /// (`[h:p]:port`), as the real one does.
    public var dynamicAdvertisedListener = ""
    /// `--default-listener-ip`: where dynamic listeners bind.
    public var defaultListenerIP = "0.0.0.0"
    /// `--forbidden-api-keys`: requests with these keys close the connection.
    public var forbiddenApiKeys: Set<Int16> = []
    public var httpListenAddress = HostPort(host: "0.0.0.0", port: 9080)
    public var httpHealthPath = "/health"
    public var httpMetricsPath = "/metrics"
    public var httpDisabled = false
    public var dialTimeout: Duration = .seconds(15)
    public var readTimeout: Duration = .seconds(30)
    public var writeTimeout: Duration = .seconds(30)

    public init() {}

    /// What kafka-proxy refuses at start-up: no mapping, one broker or listen address mapped twice to different
    /// addresses, a negative port.
    public func validate() throws(ProxyConfigurationError) {
        guard !bootstrapMappings.isEmpty else { throw ProxyConfigurationError("list of bootstrap-server-mapping must not be empty") }
        var byBroker: [HostPort: Mapping] = [:]
        var byListen: [HostPort: Mapping] = [:]
        for mapping in bootstrapMappings + externalMappings {
            if let other = byBroker[mapping.broker], other != mapping {
                throw ProxyConfigurationError("bootstrap server mapping \(mapping.broker) configured twice: \(other.listen) and \(mapping.listen)")
            }
            byBroker[mapping.broker] = mapping
        }
        for mapping in bootstrapMappings {
            if let other = byListen[mapping.listen], other != mapping {
                throw ProxyConfigurationError("listen address \(mapping.listen) configured twice: \(other.broker) and \(mapping.broker)")
            }
            byListen[mapping.listen] = mapping
        }
        for mapping in externalMappings where mapping.listen != mapping.advertised {
            throw ProxyConfigurationError("external server mapping \(mapping.broker): listen and advertised address must be equal")
        }
        guard (0...65535).contains(dynamicSequentialMinPort) else {
            throw ProxyConfigurationError("dynamic-sequential-min-port \(dynamicSequentialMinPort) is not a port")
        }
    }
}
