import Prometheus

/// kafka-proxy's Prometheus metrics (`kafka-proxy.md` B.3), through swift-prometheus: per broker (its address as
/// advertised), connections opened in all and open now, requests by api key and version, request and response bytes.
final class ProxyMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    func connectionOpened(broker: HostPort) {
        registry.makeCounter(name: "proxy_connections_total", labels: [("broker", broker.description)]).increment()
        registry.makeGauge(name: "proxy_opened_connections", labels: [("broker", broker.description)]).increment()
    }

    func connectionClosed(broker: HostPort) {
        registry.makeGauge(name: "proxy_opened_connections", labels: [("broker", broker.description)]).decrement()
    }

    func request(broker: HostPort, apiKey: Int16, apiVersion: Int16, bytes: Int) {
        registry.makeCounter(
            name: "proxy_requests_total", labels: [("broker", broker.description), ("api_key", "\(apiKey)"), ("api_version", "\(apiVersion)")]
        ).increment()
        registry.makeCounter(name: "proxy_requests_bytes", labels: [("broker", broker.description)]).increment(by: Int64(bytes))
    }

    func response(broker: HostPort, bytes: Int) {
        registry.makeCounter(name: "proxy_responses_bytes", labels: [("broker", broker.description)]).increment(by: Int64(bytes))
    }

    /// The Prometheus text exposition.
    func exposition() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
