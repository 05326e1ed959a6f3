import ArmEmulator
import ComputeEmulator
import ComputeProvider
import Execution
import Foundation
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import Testing
import TestSupport

/// Seed 003 option A through the real engine and the Compute provider against the emulator: created in dependency
/// order, then "no changes"; every request body strictly valid against the discovery document; convergence under
/// faults with nothing duplicated.
@Suite(.serialized) struct SeedApplyTests {
    func expectConverged(_ gcp: EmulatedGcp, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        #expect(Set(gcp.emulator.resourcePaths) == EmulatedGcp.seedPaths, "\(gcp.emulator.resourcePaths)", sourceLocation: sourceLocation)
        let again = await gcp.pass(.dryRun)
        let plan = try #require(again.plan, sourceLocation: sourceLocation)
        #expect(plan.problems.isEmpty, "\(plan.problems)", sourceLocation: sourceLocation)
        let cloud = plan.changes.filter { $0.address.type.hasPrefix("gcp.") }
        #expect(cloud.isEmpty, "a second pass plans \(cloud.map { (c: Change) in "\(c.action) \(c.address): \(c.attributes.map { $0.path })" })", sourceLocation: sourceLocation)
        let endpoints = gcp.emulator.networkEndpoints("projects/my-kafka-project/regions/us-west1/networkEndpointGroups/kafka-neg")
        #expect(endpoints.map { $0["clientDestinationPort"] } == [9093, 9094, 9095], sourceLocation: sourceLocation)
        #expect(gcp.emulator.unfinishedOperations == 0, sourceLocation: sourceLocation)
    }

    @Test("the seed is created in dependency order, then a pass plans no change; every request passes strict validation")
    func seed() async throws {
        let gcp = try EmulatedGcp(operationPolls: 2)
        let result = await gcp.pass()
        #expect(result.succeeded, "\(String(describing: result.stop)) \(result.apply.map { "\($0.failed)" } ?? "")")
        try await expectConverged(gcp)
        let order = gcp.emulator.requests.filter { $0.method == "POST" && $0.query.contains("requestId") && !$0.path.contains("/operations/") }.map(\.path)
        func first(_ fragment: String) -> Int { order.firstIndex { $0.contains(fragment) } ?? -1 }
        #expect(first("/global/networks") < first("/subnetworks"))
        #expect(first("/instances") < first("/networkEndpointGroups"))
        #expect(first("attachNetworkEndpoints") < first("/backendServices"))
        #expect(first("/forwardingRules") < first("/serviceAttachments"))
        // Every request carries a distinct requestId.
        let ids = gcp.emulator.requests.compactMap { $0.requestID.isEmpty ? nil : $0.requestID }
        #expect(Set(ids).count == ids.count)
        let problems = try GcpRequestCheck.problems(gcp.requests)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("faults: rate limits (403 and 429), 503s, dropped connections before and after processing, failed operations",
          arguments: [
            FaultRule(method: "POST", pathContains: "/subnetworks", action: .throttle, count: 2),
            FaultRule(method: "GET", pathContains: "/instances/", action: .throttle, count: 2, retryAfterSeconds: 1),
            FaultRule(method: "POST", pathContains: "/forwardingRules", action: .serverError, count: 2),
            FaultRule(method: "POST", pathContains: "/instances", action: .dropBeforeProcessing, count: 2),
            FaultRule(method: "POST", pathContains: "/serviceAttachments", action: .dropAfterProcessing, count: 1),
            FaultRule(method: "POST", pathContains: "attachNetworkEndpoints", action: .dropAfterProcessing, count: 1),
            FaultRule(method: "POST", pathContains: "/global/firewalls", action: .failOperation, count: 2),
          ])
    func faults(_ rule: FaultRule) async throws {
        let gcp = try EmulatedGcp()
        gcp.emulator.setFaults(FaultPlan(rules: [rule]))
        let outcomes = await gcp.applyUntilConverged()
        #expect(outcomes.last?.succeeded == true, "\(outcomes.map { (r: PassResult) in "\(String(describing: r.stop)) \(r.apply.map { "\($0.failed)" } ?? "")" })")
        #expect(gcp.emulator.faults.rules.allSatisfy { $0.count == 0 }, "every injected fault fired")
        #expect(gcp.emulator.requests.filter { $0.fault == rule.action.rawValue }.count == rule.count)
        gcp.emulator.setFaults(FaultPlan())
        try await expectConverged(gcp)
        if rule.action == .failOperation {
            #expect(outcomes.count >= 2, "a failed operation fails its pass; the next one converges")
        } else {
            #expect(outcomes.count == 1, "the retrying transport absorbs \(rule.action) (same requestId on every retry)")
        }
    }
}
