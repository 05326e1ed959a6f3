import Execution
import Foundation
import ReconcileEngine
import ReconcileModel
import ReconcileService
import ServiceAPI
import Testing

@Suite("Service metrics: what each pass event records")
struct ServiceMetricsTests {
    let restart = Change(
        address: ResourceAddress(cluster: "tidb-kafka", type: "kafka.brokerConfig", name: "2"), action: .restartBroker, reason: .configChanged)

    @Test("A restarted broker counts once and marks the roll in progress; one found already current (not restarted) does not count")
    func restarts() async throws {
        let metrics = ServiceMetrics()
        await metrics.passEvent(cluster: "tidb-kafka", event: .applying(.started(restart)))
        #expect(metrics.exposition().contains(#"reconcile_roll_in_progress{cluster="tidb-kafka"} 1"#))
        await metrics.passEvent(cluster: "tidb-kafka", event: .applying(.progress(restart, ["broker 2 is not in the Metadata broker list"])))
        await metrics.passEvent(cluster: "tidb-kafka", event: .applying(.succeeded(restart)))
        await metrics.passEvent(cluster: "tidb-kafka", event: .applying(.succeeded(restart)))  // already current: no .started
        #expect(metrics.exposition().contains(#"reconcile_broker_restarts_total{cluster="tidb-kafka"} 1"#), "\(metrics.exposition())")
        var status = ClusterStatus(name: "tidb-kafka")
        status.result = "succeeded"
        await metrics.passFinished(cluster: "tidb-kafka", result: PassResult(passID: "p"), status: status, seconds: 1.5)
        #expect(metrics.exposition().contains(#"reconcile_roll_in_progress{cluster="tidb-kafka"} 0"#))
    }

    @Test("The info gauge keeps one series per cluster: a new revision replaces the old labels")
    func info() {
        let metrics = ServiceMetrics()
        var status = ClusterStatus(name: "tidb-kafka")
        status.revision = "main@sha1:aaa"
        metrics.clusterInfo(status)
        status.revision = "main@sha1:bbb"
        metrics.clusterInfo(status)
        let text = metrics.exposition()
        #expect(text.contains(#"reconcile_cluster_info{cluster="tidb-kafka",revision="main@sha1:bbb",suspended="false",ready="false"} 1"#), "\(text)")
        #expect(!text.contains("main@sha1:aaa"), "\(text)")
    }

    @Test("Cloud requests are counted by provider and status (error when no answer came), then passed on")
    func cloudRequests() {
        let metrics = ServiceMetrics()
        let sink = metrics.cloudRequests(provider: "azure", forwardingTo: NullSink())
        sink.record(.init(method: "GET", path: "/a", status: 200, durationSeconds: 0.1, requestID: nil))
        sink.record(.init(method: "GET", path: "/a", status: 200, durationSeconds: 0.1, requestID: nil))
        sink.record(.init(method: "PUT", path: "/a", status: nil, durationSeconds: 0.1, requestID: nil))
        let text = metrics.exposition()
        #expect(text.contains(#"reconcile_cloud_requests_total{provider="azure",status="200"} 2"#), "\(text)")
        #expect(text.contains(#"reconcile_cloud_requests_total{provider="azure",status="error"} 1"#), "\(text)")
    }
}

import ProviderAPI
struct NullSink: HTTPLogSink { func record(_ entry: HTTPLogRecord) {} }
