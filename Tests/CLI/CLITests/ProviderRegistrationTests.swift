import FileStateStore
import Foundation
import Manifests
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import Synchronization
import Testing
import TestSupport

/// A cloud is one `ProviderFamily` registration: the engine, the planner and `verify` name no cloud. Here a GCP
/// exposure is planned and applied by whatever provider registers `gcp`, with no other change anywhere.
@Suite("A new cloud is one registration")
struct ProviderRegistrationTests {
    static let manifests = ManifestLoader.load(directory: Repo.example("gcp-psc-port-mapping")).manifests

    static func reconciler(_ families: [ProviderFamily], state: URL) -> Reconciler<ContinuousClock> {
        Reconciler(providers: ProviderRegistry(families), store: FileStateStore(directory: state), clock: ContinuousClock(), now: Date.init)
    }

    @Test("Without a gcp family every gcp.* address is not observable and nothing is applied")
    func unregistered() async throws {
        let brokers = InMemoryProvider(types: [ResourceTypes.Kafka.brokerConfig])
        let engine = Self.reconciler([ProviderFamily("kafka", lifetime: .manifests) { _ in brokers }], state: temporaryDirectory())
        let result = await engine.reconcile(PassRequest(manifests: Self.manifests, mode: .apply))
        let plan = try #require(result.plan)
        #expect(!plan.isComplete)
        #expect(plan.problems.contains { $0.address.type == ResourceTypes.Gcp.serviceAttachment })
        #expect(result.apply == nil && brokers.calls.isEmpty)
    }

    @Test("With one gcp registration the same pass plans and applies the GCP resources in dependency order")
    func registered() async throws {
        let brokers = InMemoryProvider(types: [ResourceTypes.Kafka.brokerConfig])
        let gcp = InMemoryProvider(types: Set(ResourceTypes.Gcp.adoptable))
        let engine = Self.reconciler(
            [
                ProviderFamily("kafka", lifetime: .manifests) { _ in brokers },
                ProviderFamily("gcp", lifetime: .reconciler) { _ in gcp },
            ], state: temporaryDirectory())
        let result = await engine.reconcile(PassRequest(manifests: Self.manifests, mode: .apply))
        let plan = try #require(result.plan)
        #expect(plan.isComplete && plan.problems.isEmpty, "\(plan.problems)")
        #expect(result.succeeded, "\(String(describing: result.stop)) \(String(describing: result.apply))")
        let created = gcp.calls.filter { $0.action == .create }.map(\.address.type)
        #expect(created.contains(ResourceTypes.Gcp.serviceAttachment) && created.contains(ResourceTypes.Gcp.forwardingRule))
        let attachment = try #require(created.firstIndex(of: ResourceTypes.Gcp.serviceAttachment))
        let rule = try #require(created.firstIndex(of: ResourceTypes.Gcp.forwardingRule))
        #expect(rule < attachment)
    }

    @Test("A pass prepares the kept providers its manifests declare before anything is observed; undeclared families are not built")
    func prepared() async throws {
        let events = EventLog()
        let gcp = Preparing(base: InMemoryProvider(types: Set(ResourceTypes.Gcp.adoptable)), name: "gcp", events: events)
        let built = EventLog()
        let engine = Self.reconciler(
            [
                ProviderFamily("kafka", lifetime: .manifests) { _ in InMemoryProvider(types: [ResourceTypes.Kafka.brokerConfig]) },
                ProviderFamily("gcp", lifetime: .reconciler, declared: { !$0.gcpExposures.isEmpty }) { _ in gcp },
                ProviderFamily("azure", lifetime: .reconciler, declared: { !$0.azureExposures.isEmpty }) { _ in
                    built.append("azure built")
                    return InMemoryProvider(types: [])
                },
            ], state: temporaryDirectory())
        _ = await engine.reconcile(PassRequest(manifests: Self.manifests, mode: .dryRun))
        _ = await engine.reconcile(PassRequest(manifests: Self.manifests, mode: .dryRun))
        #expect(events.all == ["gcp prepare", "gcp observe", "gcp prepare", "gcp observe"])
        #expect(built.all.isEmpty)
    }
}

private final class EventLog: Sendable {
    private let events = Mutex<[String]>([])
    func append(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }
}

/// A provider that records when it is prepared and observed.
private struct Preparing: ResourceProvider {
    let base: InMemoryProvider
    let name: String
    let events: EventLog

    var resourceTypes: Set<String> { base.resourceTypes }
    func prepare() { events.append("\(name) prepare") }
    func observe(desired: [ResourceSpec], inventory: [Inventory.Entry]) async throws -> [ObservedResource] {
        events.append("\(name) observe")
        return try await base.observe(desired: desired, inventory: inventory)
    }
    func apply(_ change: Change) async throws -> ObservedResource? { try await base.apply(change) }
}
