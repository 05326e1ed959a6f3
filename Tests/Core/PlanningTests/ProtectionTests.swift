import Planning
import ReconcileModel
import Testing

/// Rule 10 (deletion protection and `deletionPolicy`) and rule 11 (the KRaft quorum, brokers leaving).
@Suite("Deletion protection")
struct ProtectionTests {
    static let vm = T.addr("azure.virtualMachine", "broker-node-1")
    static let group = T.addr("azure.resourceGroup", "kafka-pls-rg")
    static let pls = T.addr("azure.privateLinkService", "kafka-pls")
    static let nsg = T.addr("azure.networkSecurityGroup", "nsg")
    static let lb = T.addr("azure.loadBalancer", "kafka-lb")
    static let impact: [String: Disruption] = [
        "azure.virtualMachine": .dataLoss, "azure.resourceGroup": .dataLoss, "azure.privateLinkService": .consumerVisible,
        "azure.loadBalancer": .consumerVisible,
    ]
    static let modeAt = SourceLocation(file: "manifests/private-link.yaml", line: 23, column: 11)
    static let policyAt = SourceLocation(file: "manifests/private-link.yaml", line: 9, column: 19)
    static let docAt = SourceLocation(file: "manifests/private-link.yaml", line: 3, column: 1)

    static func exposure(_ policy: DeletionPolicy) -> [String: ExposureDeclaration] {
        ["k/pl": ExposureDeclaration(
            name: "pl", cluster: "k", deletionPolicy: policy, policyLocation: policyAt, source: docAt,
            fields: ["spec.vms.mode": modeAt])]
    }

    static func entry(_ address: ResourceAddress, field: String = "spec.vms.mode", policy: DeletionPolicy = .orphan) -> Inventory.Entry {
        var e = T.entry(address, applied: T.body())
        e.declaration = Declaration(exposure: "pl", field: field, location: docAt, deletionPolicy: policy)
        return e
    }

    static func input(
        inventory: [Inventory.Entry], observed: [ObservedResource], desired: [ResourceSpec] = [],
        exposures: [String: ExposureDeclaration] = [:], allow: [String] = []
    ) -> PlanInput {
        var input = T.input(desired: desired, observed: observed, inventory: inventory)
        input.deletionImpact = impact
        input.exposures = exposures
        input.allowDestroy = allow
        return input
    }

    @Test("A VM that left the manifests under the default Orphan policy is forgotten, not destroyed")
    func orphanForgets() {
        let plan = Planner.plan(Self.input(inventory: [Self.entry(Self.vm)], observed: [T.seen(Self.vm, T.body())],
                                           exposures: Self.exposure(.orphan)))
        #expect(plan.problems.isEmpty)
        #expect(plan.changes.map(\.action) == [.forget])
        #expect(plan.changes.first?.disruption == Disruption.none)
    }

    @Test("An inventory entry written before policies existed is kept (Orphan), never deleted")
    func legacyEntryIsOrphaned() {
        let plan = Planner.plan(Self.input(inventory: [T.entry(Self.vm, applied: T.body(), policy: nil)], observed: [T.seen(Self.vm, T.body())]))
        #expect(plan.changes.map(\.action) == [.forget])
    }

    @Test("""
        deletionPolicy Delete on a VM is refused without --allow-destroy: the problem names the manifest field with \
        FILE:LINE:COL, the data lost, and the flag that allows it
        """)
    func protectedDeleteIsRefused() throws {
        var seen = T.seen(Self.vm, T.body())
        seen.dependents = ["OS disk `broker-node-1_OsDisk_1` (deleted with the VM)"]
        let plan = Planner.plan(Self.input(inventory: [Self.entry(Self.vm, policy: .delete)], observed: [seen],
                                           exposures: Self.exposure(.delete)))
        #expect(plan.changes.isEmpty)
        let problem = try #require(plan.problems.first { $0.address == Self.vm }).message
        #expect(problem.contains("manifests/private-link.yaml:23:11: `spec.vms.mode`"), "\(problem)")
        #expect(problem.contains("data loss"), "\(problem)")
        #expect(problem.contains("OS disk `broker-node-1_OsDisk_1`"), "\(problem)")
        #expect(problem.contains("--allow-destroy k/azure.virtualMachine/broker-node-1"), "\(problem)")
        #expect(problem.contains("deletionPolicy is Delete (manifests/private-link.yaml:9:19)"), "\(problem)")
    }

    @Test("--allow-destroy with a type pattern confirms it: the delete is planned as data loss, with a warning")
    func allowedDelete() throws {
        let plan = Planner.plan(Self.input(inventory: [Self.entry(Self.vm)], observed: [T.seen(Self.vm, T.body())],
                                           exposures: Self.exposure(.delete), allow: ["k/azure.virtualMachine/*"]))
        #expect(plan.problems.isEmpty)
        let change = try #require(plan.changes.first)
        #expect(change.action == .delete)
        #expect(change.disruption == .dataLoss)
        #expect(plan.warnings.contains { $0.contains("confirmed by --allow-destroy") })
    }

    @Test("An unprotected resource under deletionPolicy Delete is deleted without confirmation")
    func unprotectedDelete() {
        let plan = Planner.plan(Self.input(inventory: [Self.entry(Self.nsg, field: "spec.network")], observed: [T.seen(Self.nsg, T.body())],
                                           exposures: Self.exposure(.delete)))
        #expect(plan.problems.isEmpty)
        #expect(plan.changes.map(\.action) == [.delete])
    }

    @Test("""
        An exposure removed from the manifests follows the policy recorded at its last apply: a Private Link Service \
        with an approved connection is refused, naming the connection that would be cut
        """)
    func removedExposureUsesRecordedPolicy() throws {
        var seen = T.seen(Self.pls, T.body())
        seen.dependents = ["private endpoint connection `tidb-changefeed` (Approved) would be cut"]
        let plan = Planner.plan(Self.input(
            inventory: [Self.entry(Self.pls, field: "spec.privateLinkService.name", policy: .delete)], observed: [seen]))
        let problem = try #require(plan.problems.first).message
        #expect(problem.contains("exposure `pl` (last declared at manifests/private-link.yaml:3:1) is no longer in the manifests"), "\(problem)")
        #expect(problem.contains("private endpoint connection `tidb-changefeed` (Approved) would be cut"), "\(problem)")
        #expect(problem.contains("consumer visible"), "\(problem)")
    }

    @Test("A resource group holding anything the inventory does not is never deleted, even when confirmed")
    func groupWithForeignContents() throws {
        var seen = T.seen(Self.group, T.body())
        seen.contents = ["id:broker-node-1", "/subscriptions/s/resourceGroups/kafka-pls-rg/providers/Microsoft.Storage/storageAccounts/theirs"]
        let inventory = [Self.entry(Self.group, field: "spec.resourceGroup", policy: .delete), Self.entry(Self.vm)]
        let plan = Planner.plan(Self.input(
            inventory: inventory, observed: [seen, T.seen(Self.vm, T.body())], allow: ["k"]))
        let problem = try #require(plan.problems.first { $0.address == Self.group }).message
        #expect(problem.contains("holds 1 resource(s) the inventory does not"), "\(problem)")
        #expect(problem.contains("storageAccounts/theirs"), "\(problem)")
        #expect(!plan.changes.contains { $0.address == Self.group })
    }

    @Test("A resource group holding only inventoried resources is deleted once confirmed, listing what goes with it")
    func groupWithTrackedContents() throws {
        var seen = T.seen(Self.group, T.body())
        seen.contents = ["ID:BROKER-NODE-1"]
        let plan = Planner.plan(Self.input(
            inventory: [Self.entry(Self.group, field: "spec.resourceGroup", policy: .delete), Self.entry(Self.vm)],
            observed: [seen, T.seen(Self.vm, T.body())], allow: ["k/azure.resourceGroup/kafka-pls-rg"]))
        #expect(plan.problems.isEmpty)
        #expect(plan.changes.first { $0.address == Self.group }?.action == .delete)
        #expect(plan.changes.first { $0.address == Self.group }?.disruption == .dataLoss)
        #expect(plan.warnings.contains { $0.contains("; ID:BROKER-NODE-1") })
    }

    @Test("Replacing a protected resource (a property that cannot change in place) needs the same confirmation")
    func protectedReplace() throws {
        let spec = T.spec(Self.vm, T.body(location: "westus"), replaceOn: ["location"])
        let refused = Planner.plan(Self.input(
            inventory: [T.entry(Self.vm, applied: T.body())], observed: [T.seen(Self.vm, T.body())], desired: [spec]))
        #expect(refused.changes.isEmpty)
        let problem = try #require(refused.problems.first).message
        #expect(problem.contains("refusing to replace a protected resource (data loss)"), "\(problem)")
        #expect(problem.contains("location"), "\(problem)")

        let allowed = Planner.plan(Self.input(
            inventory: [T.entry(Self.vm, applied: T.body())], observed: [T.seen(Self.vm, T.body())], desired: [spec],
            allow: ["*/azure.virtualMachine"]))
        #expect(allowed.problems.isEmpty)
        #expect(allowed.changes.map(\.action) == [.replace])
        #expect(allowed.changes.first?.disruption == .dataLoss)
    }

    @Test("An update that drops a load balancer's frontend is refused without confirmation; other updates are not")
    func frontendRemoval() throws {
        func body(_ frontends: [String], port: Int = 1) -> Value {
            ["properties": ["frontendIPConfigurations": .array(frontends.map { ["name": .string($0)] }), "port": .int(port)]]
        }
        var spec = T.spec(Self.lb, body(["new-ip"]))
        spec.protectedCollections = [["properties", "frontendIPConfigurations"]]
        let refused = Planner.plan(Self.input(
            inventory: [T.entry(Self.lb, applied: body(["kafka-lb-ip"]))], observed: [T.seen(Self.lb, body(["kafka-lb-ip"]))],
            desired: [spec]))
        let problem = try #require(refused.problems.first).message
        #expect(problem.contains("remove frontendIPConfigurations `kafka-lb-ip`"), "\(problem)")
        #expect(refused.changes.isEmpty)

        var portOnly = T.spec(Self.lb, body(["kafka-lb-ip"], port: 2))
        portOnly.protectedCollections = spec.protectedCollections
        let fine = Planner.plan(Self.input(
            inventory: [T.entry(Self.lb, applied: body(["kafka-lb-ip"]))], observed: [T.seen(Self.lb, body(["kafka-lb-ip"]))],
            desired: [portOnly]))
        #expect(fine.problems.isEmpty)
        #expect(fine.changes.map(\.action) == [.update])
    }

    @Test("An --allow-destroy that confirms nothing is reported, so a typo does not pass unnoticed")
    func unusedAllowance() {
        let plan = Planner.plan(Self.input(inventory: [], observed: [], allow: ["k/azure.virtualMachin/*"]))
        #expect(plan.warnings.contains("--allow-destroy k/azure.virtualMachin/* matched no protected delete or replace in this plan"))
    }
}
