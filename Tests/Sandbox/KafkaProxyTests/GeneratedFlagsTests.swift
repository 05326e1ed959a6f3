import ArgumentParser
import DesiredState
import KafkaProxy
import Manifests
import ReconcileModel
import Testing
import TestSupport

/// The reconciler's generated kafka-proxy command line (`KafkaProxyFlags`, seed 003 §6.2) is one the stand-in,
/// which follows v0.3.11's flags, accepts, and it means what the runbook means.
@Suite("Generated kafka-proxy flags, read by the stand-in")
struct GeneratedFlagsTests {
    @Test("The gcp-kafka-proxy example's flags: three static listeners 9092-9094 advertised as b<id>.<suffix>, dynamic from 9095 as brokers.<suffix>")
    func exampleFlags() throws {
        let load = ManifestLoader.load(directory: Repo.example("gcp-kafka-proxy"))
        try #require(!load.diagnostics.hasErrors, "\(load.diagnostics.map(\.description))")
        let exposure = try #require(load.manifests.gcpExposures.first)
        let cluster = try #require(load.manifests.cluster(named: exposure.common.cluster.value))
        let flags = KafkaProxyFlags.flags(exposure: exposure, cluster: cluster)
        let parsed = try #require(try KafkaProxyCommand.parseAsRoot(["server"] + flags) as? KafkaProxyServerArguments)
        let configuration = try parsed.proxyConfiguration(environment: [:])
        try configuration.validate()
        let suffix = "abc.us-west1.gcp.3199745.tidbcloud.com"
        #expect(configuration.bootstrapMappings.map { "\($0.broker) \($0.listen) \($0.advertised)" } == [
            "10.64.0.10:9092 0.0.0.0:9092 b1.\(suffix):9092",
            "10.64.0.11:9092 0.0.0.0:9093 b2.\(suffix):9093",
            "10.64.0.12:9092 0.0.0.0:9094 b3.\(suffix):9094",
        ])
        #expect(configuration.dynamicSequentialMinPort == 9095)
        #expect(configuration.dynamicAdvertisedListener == "brokers.\(suffix)", "a bare host, as v0.3.11 needs")
        #expect(!configuration.dynamicListenersDisabled)
    }
}
