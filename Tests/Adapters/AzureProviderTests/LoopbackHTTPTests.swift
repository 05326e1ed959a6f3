import AzureProvider
import CurlTransport
import ProviderAPI
import ReconcileModel
import Testing

@Suite("Over real HTTP (libcurl to a loopback ARM): create, observe, update nothing, delete")
struct LoopbackHTTPTests {
    @Test("The seed's load balancer goes through its whole life cycle with no diff left behind")
    func lifeCycle() async throws {
        let arm = try LoopbackARM()
        defer { arm.stop() }
        let provider = AzureResourceProvider(
            transport: CurlTransport(), credentials: StaticTokenProvider(),
            configuration: .init(baseURL: arm.baseURL, defaultPollInterval: .milliseconds(10)))
        let spec = Seed.loadBalancer
        #expect(try await provider.observe(desired: [spec], inventory: []).isEmpty)

        let created = try #require(try await provider.apply(Change(address: spec.address, action: .create, reason: .missing,
                                                                   after: spec.properties, cloudID: spec.cloudID)))
        #expect(created.ownership == .reconciler && SemanticDiff.plan(created.properties, spec.properties) == [])

        let observed = try await provider.observe(desired: [spec], inventory: [])
        #expect(observed.count == 1 && observed.first?.error == nil)
        #expect(SemanticDiff.plan(try #require(observed.first).properties, spec.properties) == [])

        _ = try await provider.apply(Change(address: spec.address, action: .update, reason: .drifted, after: spec.properties, cloudID: spec.cloudID))
        #expect(try await provider.apply(Change(address: spec.address, action: .delete, reason: .removedFromManifests, cloudID: spec.cloudID)) == nil)
        #expect(try await provider.observe(desired: [spec], inventory: []).isEmpty)
    }
}
