public import CoreMetrics
public import Foundation
public import Prometheus
import Execution
public import ProviderAPI
public import ReconcileEngine
public import ReconcileService
import ReconcileModel
import Scheduling
import Synchronization

/// The service's metrics, recorded through swift-metrics and exposed in Prometheus' text format by
/// swift-prometheus (`GET /metrics`). Names follow Prometheus' conventions (`_total` counters, `_seconds`
/// durations and timestamps, `_info` gauges of 1 carrying labels).
///
/// Per cluster: `reconcile_pass_duration_seconds` (histogram) and `reconcile_passes_total` by `result`
/// (`succeeded`, `held`, `failed`), `reconcile_drifted_resources`, `reconcile_pending_changes` by `disruption`,
/// `reconcile_cluster_info` (`revision`, `suspended`, `ready`), `reconcile_broker_restarts_total`,
/// `reconcile_roll_in_progress`, `reconcile_last_success_timestamp_seconds`, `reconcile_cluster_leader` (with
/// several replicas: 1 on the replica leading the cluster). The source:
/// `reconcile_source_fetch_duration_seconds`, `reconcile_source_fetch_failures_total`. The clouds:
/// `reconcile_cloud_requests_total` by `provider` and `status` (the HTTP status, or `error` when no answer came).
public final class ServiceMetrics: ServiceObserver, Sendable {
    /// Every metric's help text, by name (also what `promtool check metrics` wants).
    static let help: [String: String] = [
        "reconcile_pass_duration_seconds": "Duration of reconcile passes, by cluster and result.",
        "reconcile_passes_total": "Reconcile passes, by cluster and result (succeeded, held, failed).",
        "reconcile_drifted_resources": "Resources whose observed state differed from the manifests at the last pass.",
        "reconcile_pending_changes": "Changes of the last plan not applied (held by policy or window, failed or skipped), by disruption class.",
        "reconcile_cluster_info": "Always 1; the labels carry the cluster's revision, suspension and readiness.",
        "reconcile_broker_restarts_total": "Brokers restarted by rolling restarts.",
        "reconcile_roll_in_progress": "1 while a rolling restart of the cluster is under way.",
        "reconcile_last_success_timestamp_seconds": "Unix time of the last pass that applied everything with nothing held.",
        "reconcile_source_fetch_duration_seconds": "Duration of reading the manifests' source (git ls-remote and fetch, or a directory scan).",
        "reconcile_source_fetch_failures_total": "Reads of the manifests' source that failed.",
        "reconcile_cloud_requests_total": "Cloud API requests, by provider and HTTP status (error: no answer).",
        "reconcile_cluster_leader": "1 while this replica leads the cluster (several replicas on a shared state store), else 0.",
    ]

    public let registry: PrometheusCollectorRegistry
    let factory: DescribedPrometheusFactory
    private let restarting = Mutex<Set<String>>([])
    private let info = Mutex<[String: (gauge: CoreMetrics.Gauge, key: String)]>([:])

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = DescribedPrometheusFactory(registry: registry, help: Self.help)
        factory.durationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800].map { Duration.milliseconds(Int64($0 * 1000)) }
        self.factory = factory
        _ = CoreMetrics.Counter(label: "reconcile_source_fetch_failures_total", factory: factory)
    }

    /// The exposition (`text/plain; version=0.0.4`).
    public func exposition() -> String { registry.emitToString() }

    public func sourceRead(revision: String?, seconds: Double, error: String?) async {
        CoreMetrics.Timer(label: "reconcile_source_fetch_duration_seconds", factory: factory).recordSeconds(seconds)
        if error != nil { CoreMetrics.Counter(label: "reconcile_source_fetch_failures_total", factory: factory).increment() }
    }

    public func passEvent(cluster: String, event: PassEvent) async {
        guard case .applying(let step) = event, let change = step.change, change.action == .restartBroker else { return }
        let gauge = CoreMetrics.Gauge(label: "reconcile_roll_in_progress", dimensions: [("cluster", cluster)], factory: factory)
        switch step {
        case .started:
            gauge.record(1)
            restarting.withLock { _ = $0.insert(change.id) }
        case .succeeded:
            // A broker found already running its config (an interrupted roll restarted it) succeeds unrestarted.
            guard restarting.withLock({ $0.remove(change.id) }) != nil else { return }
            CoreMetrics.Counter(label: "reconcile_broker_restarts_total", dimensions: [("cluster", cluster)], factory: factory).increment()
        case .failed, .skipped:
            restarting.withLock { _ = $0.remove(change.id) }
        case .progress:
            break  // waiting on a gate while the broker comes back
        }
    }

    public func leadership(cluster: String, leader: Bool, holder: String?) async {
        CoreMetrics.Gauge(label: "reconcile_cluster_leader", dimensions: [("cluster", cluster)], factory: factory).record(leader ? 1 : 0)
    }

    public func passFinished(cluster: String, result: PassResult, status: ClusterStatus, seconds: Double) async {
        let outcome = status.result ?? "failed"
        let labels = [("cluster", cluster), ("result", outcome)]
        CoreMetrics.Timer(label: "reconcile_pass_duration_seconds", dimensions: labels, factory: factory).recordSeconds(seconds)
        CoreMetrics.Counter(label: "reconcile_passes_total", dimensions: labels, factory: factory).increment()
        CoreMetrics.Gauge(label: "reconcile_roll_in_progress", dimensions: [("cluster", cluster)], factory: factory).record(0)
        CoreMetrics.Gauge(label: "reconcile_drifted_resources", dimensions: [("cluster", cluster)], factory: factory).record(status.drifted)
        for disruption in Disruption.allCases {
            CoreMetrics.Gauge(label: "reconcile_pending_changes", dimensions: [("cluster", cluster), ("disruption", disruption.rawValue)], factory: factory)
                .record(status.held[disruption.rawValue] ?? 0)
        }
        if let success = status.lastSuccess {
            CoreMetrics.Gauge(label: "reconcile_last_success_timestamp_seconds", dimensions: [("cluster", cluster)], factory: factory)
                .record(success.timeIntervalSince1970)
        }
        clusterInfo(status)
    }

    /// Sets the cluster's info gauge, dropping the series of its previous labels.
    public func clusterInfo(_ status: ClusterStatus) {
        let ready = status.conditions.first { $0.type == "Ready" }?.status ?? false
        let dimensions = [
            ("cluster", status.name), ("revision", status.revision ?? "none"), ("suspended", "\(status.suspended || status.suspendedByManifest)"),
            ("ready", "\(ready)"),
        ]
        let key = dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
        let gauge = CoreMetrics.Gauge(label: "reconcile_cluster_info", dimensions: dimensions, factory: factory)
        let previous = info.withLock { info in
            defer { info[status.name] = (gauge, key) }
            return info[status.name]
        }
        if let previous, previous.key != key { previous.gauge.destroy() }
        gauge.record(1)
    }

    /// An HTTP log sink counting `provider`'s requests (wrap each cloud's log with it).
    public func cloudRequests(provider: String, forwardingTo next: any HTTPLogSink) -> any HTTPLogSink {
        CloudRequestCounter(provider: provider, factory: factory, next: next)
    }
}

/// Counts cloud requests by provider and status, then hands the record on.
struct CloudRequestCounter: HTTPLogSink {
    let provider: String
    let factory: DescribedPrometheusFactory
    let next: any HTTPLogSink

    func record(_ entry: HTTPLogRecord) {
        let status = entry.status.map(String.init) ?? "error"
        CoreMetrics.Counter(label: "reconcile_cloud_requests_total", dimensions: [("provider", provider), ("status", status)], factory: factory).increment()
        next.record(entry)
    }
}

/// swift-metrics' factory over a swift-prometheus registry, adding each metric's help text.
///
/// Written here because swift-prometheus' own `PrometheusMetricsFactory` registers every metric with an empty
/// help text (swift-metrics' API has no place for one), and its registry refuses a second, different help text for
/// a name; `promtool check metrics` asks for help texts.
struct DescribedPrometheusFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let help: [String: String]
    var durationBuckets: [Duration] = [.milliseconds(100), .seconds(1), .seconds(10)]
    var valueBuckets: [Double] = [0.1, 1, 10]

    func descriptor(_ label: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: label, unitName: "", helpText: help[label] ?? "")
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: valueBuckets)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: durationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { if let c = handler as? Prometheus.Counter { registry.unregisterCounter(c) } }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { if let c = handler as? Prometheus.Counter { registry.unregisterCounter(c) } }
    func destroyMeter(_ handler: any MeterHandler) { if let g = handler as? Prometheus.Gauge { registry.unregisterGauge(g) } }
    func destroyRecorder(_ handler: any RecorderHandler) {
        if let g = handler as? Prometheus.Gauge { registry.unregisterGauge(g) } else if let h = handler as? ValueHistogram { registry.unregisterValueHistogram(h) }
    }
    func destroyTimer(_ handler: any TimerHandler) { if let h = handler as? DurationHistogram { registry.unregisterDurationHistogram(h) } }
}
