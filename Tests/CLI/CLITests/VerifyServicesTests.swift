import Foundation
import KafkaClient
import ProviderAPI
@testable import ReconcileCommands
import ReconcileEngine
import ReconcileModel
import Testing
import TestSupport

/// `verify` reads every resource consumers connect through, whatever the cloud: the exposure kind marks it
/// (`ResourceSpec.consumerService`) and the provider registered for its type reads it. No cloud is named in
/// `verify` itself.
@Suite("verify: consumer services, cloud-agnostic")
struct VerifyServicesTests {
    /// Every broker address dials a loopback port where nothing listens: the brokers fail fast, and no packet
    /// leaves the machine.
    struct NowhereDialer: Dialer {
        func resolve(host: String, port: Int) throws -> (address: String, port: Int) { ("127.0.0.1", 1) }
    }

    static func verify(_ manifests: String, _ providers: any ProviderSource) async -> String {
        let console = CapturedConsole()
        _ = await VerifyCommand.verify(
            manifests: manifests, clusters: [], json: false, dialer: NowhereDialer(), requireAdvertised: false,
            console: console.console(), providers: providers)
        return console.out
    }

    @Test("A GCP service attachment is read through whatever provider registers gcp.*: missing, then present with its facts")
    func gcpAttachment() async throws {
        let attachments = InMemoryProvider(types: ["gcp.serviceAttachment"])
        let registry = ProviderRegistry([ProviderFamily("gcp", lifetime: .reconciler) { _ in attachments }])
        let manifests = Repo.example("gcp-psc-port-mapping")
        let missing = await Self.verify(manifests, registry)
        #expect(missing.contains("service attachment tidb-kafka-gcp/gcp.serviceAttachment/kafka-psc: does not exist"), "\(missing)")

        let address = ResourceAddress(cluster: "tidb-kafka-gcp", type: "gcp.serviceAttachment", name: "kafka-psc")
        attachments.put(ObservedResource(address: address, properties: [:], notes: ["connection tidb: ACCEPTED"]))
        let present = await Self.verify(manifests, registry)
        // What the manifests decide (the path to give TiDB Cloud, the bootstrap ports from the advertised ones, never
        // 9092: runbooks §9 #1), then what the provider observed.
        #expect(present.contains("""
            service attachment tidb-kafka-gcp/gcp.serviceAttachment/kafka-psc
              service attachment for the consumer (TiDB Cloud): projects/my-kafka-project/regions/us-west1/serviceAttachments/kafka-psc
              bootstrap ports of exposure tidb-us-west1: 9093,9094,9095
              connection tidb: ACCEPTED
            """), "\(present)")
    }

    @Test("Without a provider for the family the service is noted as not checked, never a guess")
    func noProvider() async {
        let out = await Self.verify(Repo.example("azure-private-link"), ProviderRegistry([]))
        #expect(out.contains("Private Link Service tidb-kafka/azure.privateLinkService/kafka-pls"), "\(out)")
        #expect(out.contains("not checked, cannot read it: no provider in this build"), "\(out)")
    }
}
