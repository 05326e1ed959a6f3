import DesiredState
import KafkaClient
import KafkaRolling
import Manifests
import ProviderAPI
import ReconcileModel
import Testing
import TestSupport

/// `KafkaFactsReader` against simulated brokers: what kafka-proxy's mappings and version guard are built from.
@Suite("Cluster facts read over Kafka")
struct FactsReaderTests {
    static func request(_ bed: ProxyBed, extra: [String] = []) -> ClusterFactsRequest {
        ClusterFactsRequest(cluster: "c", bootstrap: extra + (1...bed.brokerCount).map { "\(bed.brokerHost($0)):9092" }, listenerPort: 9092)
    }

    @Test("Kafka 3.7.1: every broker's advertised INTERNAL host:port, API versions kafka-proxy v0.3.11 accepts")
    func kafka37() async throws {
        let bed = try ProxyBed(brokers: 4, mapped: 3)
        defer { bed.stop() }
        try await bed.waitUntilListed()
        // The first bootstrap address refuses connections: the next one answers.
        let facts = await KafkaFactsReader().facts(Self.request(bed, extra: ["127.0.0.1:1"]))
        #expect(facts.error == nil)
        #expect(facts.advertised == Dictionary(uniqueKeysWithValues: (1...4).map { ($0, "\(bed.brokerHost($0)):9092") }))
        #expect(facts.apiMaxVersions[10] == 4 && facts.apiMaxVersions[3] == 12)
        #expect(KafkaProxyFlags.compatibilityProblem(version: "v0.3.11", facts: facts) == nil)
    }

    @Test("Kafka 3.8.0: FindCoordinator v5 is offered, and the version guard names 3.7.x")
    func kafka38() async throws {
        let bed = try ProxyBed(brokers: 3, version: "3.8.0")
        defer { bed.stop() }
        try await bed.waitUntilListed()
        let facts = await KafkaFactsReader().facts(Self.request(bed))
        #expect(facts.apiMaxVersions[10] == 5)
        let problem = try #require(KafkaProxyFlags.compatibilityProblem(version: "v0.3.11", facts: facts))
        #expect(problem.contains("Kafka 3.8 or newer") && problem.contains("up to Kafka 3.7.x"), "\(problem)")
    }

    @Test("nothing answers: the facts say which addresses were tried and why")
    func unreadable() async {
        let facts = await KafkaFactsReader(options: .init(connectTimeout: .seconds(1), requestTimeout: .seconds(1)))
            .facts(ClusterFactsRequest(cluster: "c", bootstrap: ["127.0.0.1:1", "127.0.0.1:2"], listenerPort: 9092))
        let error = facts.error ?? ""
        #expect(error.hasPrefix("no broker answered (127.0.0.1:1: "), "\(error)")
        #expect(error.contains("127.0.0.1:2: "))
        #expect(facts.advertised.isEmpty)
    }
}
