import ArmEmulator
import FileStateStore
import Foundation
import ProviderAPI
import ReconcileCommands
import ReconcileModel
import Testing
import TestSupport

/// The issue's "Done when": the apply converges under ARM faults with nothing duplicated.
///
/// Each test injects one kind of fault through the emulator's `FaultPlan` into the real pass (real provider, real
/// retrying transport over libcurl, real credential), applies until a pass succeeds, then checks that
/// - a `--detailed-exitcode` dry-run plans nothing,
/// - the emulator holds exactly the seed's resources with exactly the expected children (nothing duplicated),
/// - every injected fault fired (each rule's count is used up and the request log shows as many faulted requests),
///   so a test whose faults never fired cannot pass.
///
/// Rules match disjoint requests (by method and path) and none fires more than three times, so no single request
/// meets more faults than the retrying transport's four attempts absorb: which pass succeeds is deterministic.
@Suite("Azure apply under ARM faults, against the in-process emulator", .serialized)
struct AzureFaultTests {
    /// Sets `plan`, applies the seed until a pass succeeds (at most three) and expects `passes` of them; then checks
    /// that every fault fired, that a `--detailed-exitcode` dry-run (faults off) plans nothing, and that nothing is
    /// duplicated.
    @discardableResult
    private func converge(
        _ azure: EmulatedAzure, under plan: FaultPlan, passes expected: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws -> [EmulatedAzure.Outcome] {
        azure.emulator.setFaults(plan)
        let outcomes = await azure.applyUntilConverged(limit: 3)
        #expect(outcomes.count == expected, "\(outcomes.count) passes:\n\(outcomes.map(\.description).joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        #expect(outcomes.last?.status == ExitStatus.success, "\(outcomes.last.map(\.description) ?? "")", sourceLocation: sourceLocation)
        expectEveryFaultFired(azure, plan, sourceLocation: sourceLocation)
        azure.emulator.setFaults(FaultPlan())
        let check = await azure.pass(dryRun: true, detailedExitCode: true)
        #expect(check.status == ExitStatus.success, "\(check)", sourceLocation: sourceLocation)
        #expect(check.out.hasPrefix("This plan is partial and has no changes"), "\(check)", sourceLocation: sourceLocation)
        try azure.expectExactlyTheSeed(sourceLocation: sourceLocation)
        // The inventory records each of them once, with its ARM id (so a later removal can find it).
        let inventory = try await FileStateStore(directory: azure.stateDirectory).inventory(cluster: "tidb-kafka")
        let recorded = inventory.entries.values.compactMap { $0.cloudID?.lowercased() }.sorted()
        #expect(recorded == EmulatedAzure.seedIDs.map { $0.lowercased() }.sorted(), "\(inventory.entries.keys)", sourceLocation: sourceLocation)
        return outcomes
    }

    /// Every rule's count is used up, and the request log shows exactly that many requests with each action.
    private func expectEveryFaultFired(_ azure: EmulatedAzure, _ plan: FaultPlan, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let left = azure.emulator.faults.rules.filter { $0.count > 0 }
        #expect(left.isEmpty, "faults that never fired: \(left)", sourceLocation: sourceLocation)
        var planned: [FaultRule.Action: Int] = [:]
        for rule in plan.rules { planned[rule.action, default: 0] += rule.count }
        for (action, count) in planned {
            let hits = azure.faulted(action)
            #expect(hits.count == count, "\(action): \(hits.map { "\($0.method) \($0.path)" })", sourceLocation: sourceLocation)
        }
    }

    /// One rule per request kind, `count` each: the token POST, reads (observe, the GET before a PUT, operation
    /// polls) and the PUT of every resource type. The resource group's PUT is caught by the last rule: it is the
    /// first PUT of the pass (everything depends on the group), so it takes that rule before any other PUT.
    private static func everyKindOfRequest(_ action: FaultRule.Action, count: Int = 2) -> FaultPlan {
        let rule = { (method: String, path: String) in FaultRule(method: method, pathContains: path, action: action, count: count) }
        return FaultPlan(rules: [
            rule("POST", "/oauth2/v2.0/token"),
            rule("GET", "/networkSecurityGroups/"),
            rule("GET", "/loadBalancers/"),
            rule("GET", "/virtualMachines/"),
            rule("GET", "/operations/"),
            rule("PUT", "/networkSecurityGroups/"),
            rule("PUT", "/virtualNetworks/"),
            rule("PUT", "/networkInterfaces/"),
            rule("PUT", "/virtualMachines/"),
            rule("PUT", "/loadBalancers/"),
            rule("PUT", "/privateLinkServices/"),
            FaultRule(method: "PUT", pathContains: "/resourceGroups/kafka-pls-rg", action: action, count: 1),
        ])
    }

    /// The resource group's PUT met the last rule (see `everyKindOfRequest`).
    private func expectGroupPutFaulted(_ azure: EmulatedAzure, _ action: FaultRule.Action, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let group = azure.faulted(action).filter { $0.method == "PUT" && $0.path.lowercased() == EmulatedAzure.groupID.lowercased() }
        #expect(group.count == 1, sourceLocation: sourceLocation)
    }

    @Test("Without faults: one apply creates the seed's 11 resources, the next pass plans nothing")
    func clean() async throws {
        let azure = try EmulatedAzure()
        let outcomes = try await converge(azure, under: FaultPlan(), passes: 1)
        #expect(outcomes[0].err.contains("Apply complete: 11 succeeded, 0 failed, 0 skipped."), "\(outcomes[0])")
        #expect(azure.requests.allSatisfy { $0.status < 400 || $0.status == 404 }, "\(azure.requests.filter { $0.status >= 400 })")
    }

    @Test("429 TooManyRequests bursts with Retry-After on every kind of request: the first apply succeeds on retries")
    func throttled() async throws {
        let azure = try EmulatedAzure()
        let plan = Self.everyKindOfRequest(.throttle)
        try await converge(azure, under: plan, passes: 1)
        expectGroupPutFaulted(azure, .throttle)
        let throttled = azure.requests.filter { $0.status == 429 }
        #expect(throttled.count == 23, "two per request kind, one on the group's PUT: \(throttled.map(\.path))")
        // The client retried each one (one log record per attempt after the first).
        #expect(azure.clientRetries.count >= 23, "\(azure.clientRetries.map(\.line))")
    }

    @Test("500 InternalServerError on every kind of request: the first apply succeeds on retries")
    func serverErrors() async throws {
        let azure = try EmulatedAzure()
        try await converge(azure, under: Self.everyKindOfRequest(.serverError), passes: 1)
        expectGroupPutFaulted(azure, .serverError)
        #expect(azure.requests.filter { $0.status == 500 }.count == 23)
        #expect(azure.clientRetries.count >= 23, "\(azure.clientRetries.map(\.line))")
    }

    @Test("Connections dropped before the request is processed: the first apply succeeds on retries")
    func droppedBeforeProcessing() async throws {
        let azure = try EmulatedAzure()
        try await converge(azure, under: Self.everyKindOfRequest(.dropBeforeProcessing), passes: 1)
        expectGroupPutFaulted(azure, .dropBeforeProcessing)
        #expect(azure.faulted(.dropBeforeProcessing).allSatisfy { $0.status == 0 }, "a dropped request produced a response")
    }

    @Test("""
        Connections dropped after a Network PUT took effect: the retried PUT meets the running operation \
        (429 RetryableErrorDueToAnotherOperation), is retried again and the first apply succeeds
        """)
    func droppedAfterNetworkPuts() async throws {
        let azure = try EmulatedAzure()
        let rule = { (path: String, count: Int) in FaultRule(method: "PUT", pathContains: path, action: .dropAfterProcessing, count: count) }
        let plan = FaultPlan(rules: [
            rule("/networkSecurityGroups/", 1), rule("/virtualNetworks/", 1), rule("/networkInterfaces/", 1),
            rule("/loadBalancers/", 1), rule("/privateLinkServices/", 1), rule("/resourceGroups/kafka-pls-rg", 1),
            FaultRule(method: "GET", pathContains: "/operations/", action: .dropAfterProcessing, count: 2),
        ])
        try await converge(azure, under: plan, passes: 1)
        expectGroupPutFaulted(azure, .dropAfterProcessing)
        // Each dropped PUT was the first of its resource and was processed (its status is what would have been sent)...
        let droppedPuts = azure.faulted(.dropAfterProcessing).filter { $0.method == "PUT" }
        #expect(droppedPuts.count == 6 && droppedPuts.allSatisfy { (200..<300).contains($0.status) }, "\(droppedPuts.map { "\($0.path) \($0.status)" })")
        // ...and each Network one started an operation that the retried PUT ran into (the group's PUT has none).
        let anotherOperation = azure.requests.filter { $0.method == "PUT" && $0.status == 429 && $0.fault == nil }
        let paths = Set(anotherOperation.map { $0.path.lowercased() })
        let expected = Set(droppedPuts.map { $0.path.lowercased() }).subtracting([EmulatedAzure.groupID.lowercased()])
        #expect(paths == expected, "\(anotherOperation.map(\.path))")
    }

    @Test("""
        A connection dropped after a VM PUT took effect: Compute answers the retry 409 OperationNotAllowed ("another \
        operation in progress"), which the ARM client waits out and sends again; the first apply converges
        """)
    func droppedAfterComputePut() async throws {
        let azure = try EmulatedAzure()
        let plan = FaultPlan(rules: [FaultRule(method: "PUT", pathContains: "/virtualMachines/", action: .dropAfterProcessing, count: 1)])
        try await converge(azure, under: plan, passes: 1)
        let conflicts = azure.requests.filter { $0.method == "PUT" && $0.status == 409 }
        #expect(!conflicts.isEmpty && conflicts.allSatisfy { $0.path.contains("/virtualMachines/") }, "\(conflicts.map(\.path))")
    }

    @Test("Slow operations (25 InProgress polls each) on every PUT: the first apply waits them out")
    func slowOperations() async throws {
        let azure = try EmulatedAzure()
        let rule = { (path: String, count: Int) in FaultRule(method: "PUT", pathContains: path, action: .slowOperation, count: count, polls: 25) }
        let plan = FaultPlan(rules: [
            rule("/networkSecurityGroups/", 1), rule("/virtualNetworks/", 1), rule("/networkInterfaces/", 3),
            rule("/virtualMachines/", 3), rule("/loadBalancers/", 1), rule("/privateLinkServices/", 1),
        ])
        try await converge(azure, under: plan, passes: 1)
        let polls = azure.requests.filter { $0.method == "GET" && $0.path.lowercased().contains("/operations/") }
        #expect(polls.count >= 10 * 25, "every slow operation was polled to the end: \(polls.count) polls")
    }

    @Test("""
        A load balancer whose operation fails: the first apply fails it and skips what depends on it; the second \
        pass PUTs the Failed load balancer again and finishes
        """)
    func failedOperation() async throws {
        let azure = try EmulatedAzure()
        let plan = FaultPlan(rules: [FaultRule(method: "PUT", pathContains: "/loadBalancers/", action: .failOperation, count: 1)])
        let outcomes = try await converge(azure, under: plan, passes: 2)
        #expect(outcomes[0].err.contains("kafka-lb: creating FAILED: ARM operation Failed"), "\(outcomes[0])")
        #expect(outcomes[0].err.contains("Apply incomplete: 3 succeeded, 1 failed, 7 skipped."), "\(outcomes[0])")
        // The second pass sees the Failed load balancer as needing its PUT again (not as unchanged), then the rest.
        #expect(outcomes[1].err.contains("tidb-kafka/azure.loadBalancer/kafka-lb: creating complete"), "\(outcomes[1])")
        #expect(outcomes[1].err.contains("Apply complete: 8 succeeded, 0 failed, 0 skipped."), "\(outcomes[1])")
        let puts = azure.requests.filter { $0.method == "PUT" && $0.path.hasSuffix("/loadBalancers/kafka-lb") }
        #expect(puts.count == 2, "\(puts.map(\.status))")
    }

    @Test("""
        A storm of every fault at once (throttles, 500s, drops before and after processing, slow and failed \
        operations): the pass fails only what a retry cannot fix, and the second pass converges
        """)
    func storm() async throws {
        let azure = try EmulatedAzure()
        let plan = FaultPlan(rules: [
            FaultRule(method: "POST", pathContains: "/oauth2/", action: .dropBeforeProcessing, count: 1),
            FaultRule(method: "POST", pathContains: "/oauth2/", action: .throttle, count: 1),
            FaultRule(method: "GET", pathContains: "/virtualNetworks/", action: .serverError, count: 1),
            FaultRule(method: "GET", pathContains: "/virtualNetworks/", action: .throttle, count: 1),
            FaultRule(method: "GET", pathContains: "/operations/", action: .throttle, count: 2),
            FaultRule(method: "GET", pathContains: "/operations/", action: .dropBeforeProcessing, count: 1),
            FaultRule(method: "PUT", pathContains: "/networkSecurityGroups/", action: .dropAfterProcessing, count: 1),
            FaultRule(method: "PUT", pathContains: "/virtualNetworks/", action: .slowOperation, count: 1, polls: 10),
            FaultRule(method: "PUT", pathContains: "/networkInterfaces/", action: .throttle, count: 1),
            FaultRule(method: "PUT", pathContains: "/networkInterfaces/", action: .serverError, count: 1),
            FaultRule(method: "PUT", pathContains: "/networkInterfaces/", action: .dropAfterProcessing, count: 1),
            FaultRule(method: "PUT", pathContains: "/loadBalancers/", action: .serverError, count: 2),
            FaultRule(method: "PUT", pathContains: "/loadBalancers/", action: .slowOperation, count: 1, polls: 10),
            FaultRule(method: "PUT", pathContains: "/privateLinkServices/", action: .failOperation, count: 1),
            FaultRule(method: "PUT", pathContains: "/virtualMachines/", action: .dropAfterProcessing, count: 1),
            FaultRule(method: "PUT", pathContains: "/virtualMachines/", action: .dropBeforeProcessing, count: 1),
        ])
        let outcomes = try await converge(azure, under: plan, passes: 2)
        // Only the PLS whose operation failed is left for the second pass (every other fault is retried away).
        #expect(outcomes[0].err.contains("Apply incomplete: 10 succeeded, 1 failed, 0 skipped."), "\(outcomes[0])")
        // The second pass: the Failed PLS is PUT again.
        #expect(outcomes[1].err.contains("tidb-kafka/azure.privateLinkService/kafka-pls: creating complete"), "\(outcomes[1])")
    }

    // MARK: - Changes behind the reconciler's back

    @Test("""
        A load balancer rule deleted behind the reconciler's back: the dry-run reports drift on the load balancer \
        alone, the apply restores the rule, the next pass plans nothing
        """)
    func ruleDeletedBehindItsBack() async throws {
        let azure = try EmulatedAzure()
        #expect(await azure.pass().status == ExitStatus.success)

        // Someone else's ARM client takes rule2 out (tags untouched).
        let (status, live) = try await azure.send("GET", EmulatedAzure.lbID)
        try #require(status == 200)
        var edited = try #require(live)
        let rules = try #require(edited[path: ["properties", "loadBalancingRules"]]?.arrayValue)
        edited.set(["properties", "loadBalancingRules"], .array(rules.filter { $0["name"]?.stringValue != "rule2" }))
        try await azure.putAndWait(EmulatedAzure.lbID, edited)
        let names = try azure.resource(EmulatedAzure.lbID)[path: ["properties", "loadBalancingRules"]]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        try #require(names == ["rule1", "rule3"])
        let before = azure.requests.count

        let dryRun = await azure.pass(dryRun: true, detailedExitCode: true)
        #expect(dryRun.status == ExitStatus.changesPending, "\(dryRun)")
        #expect(dryRun.out.contains("Objects have changed outside of the reconciler"), "\(dryRun)")
        #expect(dryRun.out.contains("~ tidb-kafka/azure.loadBalancer/kafka-lb"), "\(dryRun)")
        #expect(dryRun.out.contains("rule2"), "\(dryRun)")
        #expect(dryRun.out.contains("Plan: 0 to add, 1 to change, 0 to destroy"), "\(dryRun)")
        let written = azure.requests.dropFirst(before).filter { $0.method != "GET" && !$0.path.contains("/oauth2/") }
        #expect(written.isEmpty, "the dry-run wrote: \(written.map { "\($0.method) \($0.path)" })")

        let apply = await azure.pass()
        #expect(apply.status == ExitStatus.success, "\(apply)")
        #expect(apply.err.contains("Apply complete: 1 succeeded, 0 failed, 0 skipped."), "\(apply)")
        let rule2 = try #require(
            try azure.resource(EmulatedAzure.lbID)[path: ["properties", "loadBalancingRules"]]?.arrayValue?.first { $0["name"]?.stringValue == "rule2" })
        #expect(rule2[path: ["properties", "frontendPort"]]?.intValue == 9094)
        #expect(rule2[path: ["properties", "backendPort"]]?.intValue == 39092)
        #expect(rule2[path: ["properties", "backendAddressPool", "id"]]?.stringValue?.lowercased().hasSuffix("/backendaddresspools/pool2") == true)

        let after = await azure.pass(dryRun: true, detailedExitCode: true)
        #expect(after.status == ExitStatus.success, "\(after)")
        #expect(after.out.hasPrefix("This plan is partial and has no changes"), "\(after)")
        try azure.expectExactlyTheSeed()
    }

    @Test("""
        A load balancer someone else created (no tags) in the way: the plan reports the problem, nothing is applied \
        and the load balancer is left exactly as it was
        """)
    func foreignLoadBalancer() async throws {
        let azure = try EmulatedAzure()
        // The reconciler's group, NSG and VNet first (so the foreign LB has a subnet to stand in).
        let basics = await azure.pass(targets: ["tidb-kafka/azure.virtualNetwork", "tidb-kafka/azure.networkSecurityGroup"])
        #expect(basics.status == ExitStatus.success, "\(basics)")
        let subnet = "\(EmulatedAzure.vnetID)/subnets/brokers-subnet"
        let foreign: JSON = [
            "location": "eastus", "sku": ["name": "Standard"],
            "properties": [
                "frontendIPConfigurations": [
                    ["name": "someone-elses-ip", "properties": ["subnet": ["id": .string(subnet)], "privateIPAllocationMethod": "Dynamic"]]
                ],
                "backendAddressPools": [["name": "their-pool"]],
            ],
        ]
        try await azure.putAndWait(EmulatedAzure.lbID, foreign)
        let untouched = try azure.resource(EmulatedAzure.lbID)
        let before = azure.requests.count

        let outcome = await azure.pass()
        #expect(outcome.status == ExitStatus.error, "\(outcome)")
        #expect(outcome.out.contains("tidb-kafka/azure.loadBalancer/kafka-lb"), "\(outcome)")
        #expect(outcome.out.contains("exists but was not created by the reconciler"), "\(outcome)")
        #expect(outcome.err.contains("nothing was applied"), "\(outcome)")
        let written = azure.requests.dropFirst(before).filter { $0.method != "GET" && !$0.path.contains("/oauth2/") }
        #expect(written.isEmpty, "\(written.map { "\($0.method) \($0.path)" })")
        #expect(try azure.resource(EmulatedAzure.lbID) == untouched)
        #expect(azure.storedIDs.filter { $0.contains("/virtualmachines/") || $0.contains("/privatelinkservices/") }.isEmpty)
    }
}
