import ArmEmulator
import Foundation
import Testing
import TestSupport

/// The whole Azure Private Link flow with the built binary: the ARM emulator stands in for Azure (resources,
/// LROs, tokens, and the load balancer's TCP data path), test-datacenter VMs with real sshd run the broker
/// simulators. One pass creates the exposure in the emulator, writes every broker's EXTERNAL listener over SSH
/// and rolls the brokers; `reconcile verify` then reaches each advertised address through the emulated load
/// balancer; drift on either side (a load-balancing rule, a broker file) is repaired.
@Suite("Azure Private Link, end to end (ARM emulator, real SSH)", .serialized, .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces and sshd (CI runs as root)"))
struct AzureEndToEndTests {
    static let azureAddresses = [
        "azure.resourceGroup/kafka-pls-rg", "azure.networkSecurityGroup/kafka-broker-nsg", "azure.virtualNetwork/kafka-pls-vnet",
        "azure.networkInterface/kafka-1-nic", "azure.networkInterface/kafka-2-nic", "azure.networkInterface/kafka-3-nic",
        "azure.virtualMachine/kafka-1", "azure.virtualMachine/kafka-2", "azure.virtualMachine/kafka-3",
        "azure.loadBalancer/kafka-lb", "azure.privateLinkService/kafka-pls",
    ]

    static var expectedResourceIDs: Set<String> {
        let group = "/subscriptions/\(AzureSimulation.subscription)/resourceGroups/\(AzureSimulation.group)"
        let compute = "\(group)/providers/Microsoft.Compute"
        let network = AzureSimulation.network
        return Set([
            group, "\(network)/networkSecurityGroups/kafka-broker-nsg", "\(network)/virtualNetworks/kafka-pls-vnet",
            "\(network)/networkInterfaces/kafka-1-nic", "\(network)/networkInterfaces/kafka-2-nic", "\(network)/networkInterfaces/kafka-3-nic",
            "\(compute)/virtualMachines/kafka-1", "\(compute)/virtualMachines/kafka-2", "\(compute)/virtualMachines/kafka-3",
            "\(network)/loadBalancers/kafka-lb", "\(network)/privateLinkServices/kafka-pls",
        ].map { $0.lowercased() })
    }

    func restarted(_ result: Binary.Result) -> [String] { SimulatedCluster.restarted(result) }

    @Test("Create the exposure in the emulator, write and roll the brokers over SSH, verify through the emulated load balancer, repair drift on both sides")
    func fullFlow() async throws {
        let sim = try await AzureSimulation.start()
        defer { sim.stop() }
        let vms = sim.vms
        let before = vms.map(sim.cluster.pid)

        // The dry-run shows the whole plan and changes nothing.
        let plan = try sim.reconcile(["--dry-run", "--detailed-exitcode"])
        #expect(plan.status == 2, "\(plan.out)\n\(plan.err)")
        for address in Self.azureAddresses {
            #expect(plan.out.contains("+ sim/\(address)"), "the plan creates \(address): \(plan.out)")
        }
        #expect(plan.out.contains("Plan: 11 to add, 0 to change, 0 to destroy, 3 broker configs to write, 3 broker restarts."), "\(plan.out)")
        #expect(plan.out.contains("⟳ sim/kafka.brokerConfig/1  (restart 3 of 3)"), "the active controller goes last: \(plan.out)")
        #expect(sim.emulator.resourceIDs.isEmpty, "a dry-run creates nothing: \(sim.emulator.resourceIDs)")
        #expect(vms.map(sim.cluster.pid) == before)

        // The apply: cloud resources in dependency order, then the broker files, then the roll.
        let monitor = AvailabilityMonitor(ips: vms.map(\.ip))
        let apply = try sim.reconcile([])
        let availability = monitor.stop()
        #expect(apply.status == 0, "\(apply.out)\n\(apply.err)")
        #expect(availability.maxDown <= 1, "two brokers were down at once")
        let afterApply = vms.map(sim.cluster.pid)
        for i in 0..<3 { #expect(before[i] != afterApply[i], "broker \(i + 1) was restarted") }
        #expect(restarted(apply).sorted() == ["1", "2", "3"] && restarted(apply).last == "1", "each broker once, the active controller last: \(apply.err)")
        for (i, vm) in vms.enumerated() {
            #expect(sim.cluster.file(vm).contains("EXTERNAL://b\(i + 1).\(AzureSimulation.suffix):\(9093 + i)"), "\(sim.cluster.file(vm))")
            #expect(sim.cluster.file(vm).contains("EXTERNAL://0.0.0.0:39092"))
        }

        // The emulator holds exactly the exposure, with the brokers' addresses and one rule per broker.
        #expect(Set(sim.emulator.resourceIDs.map { $0.lowercased() }) == Self.expectedResourceIDs, "\(sim.emulator.resourceIDs)")
        #expect(sim.emulator.runningOperations == 0)
        for (i, vm) in vms.enumerated() {
            let nic = sim.emulator.resource(id: "\(AzureSimulation.network)/networkInterfaces/kafka-\(i + 1)-nic")
            let config = nic?[path: ["properties", "ipConfigurations"]]?.arrayValue?.first
            #expect(config?[path: ["properties", "privateIPAddress"]]?.stringValue == vm.ip)
            #expect(config?[path: ["properties", "loadBalancerBackendAddressPools"]]?.arrayValue?.first?["id"]?.stringValue?.hasSuffix("/pool\(i + 1)") == true)
        }
        let lb = sim.emulator.resource(id: AzureSimulation.loadBalancerID)
        #expect(lb?[path: ["properties", "frontendIPConfigurations"]]?.arrayValue?.first?[path: ["properties", "privateIPAddress"]]?.stringValue == sim.frontendPrivateIP)
        let pls = sim.emulator.resource(id: "\(AzureSimulation.network)/privateLinkServices/kafka-pls")
        #expect(pls?[path: ["properties", "provisioningState"]]?.stringValue == "Succeeded")
        #expect(sim.emulator.forwardingFailures.isEmpty, "\(sim.emulator.forwardingFailures)")
        let forwards = sim.emulator.forwardingRules.sorted { $0.listenPort < $1.listenPort }
        #expect(forwards.map(\.listenPort) == [9093, 9094, 9095])
        #expect(forwards.map(\.listenHost) == Array(repeating: sim.frontendLocalIP, count: 3))
        #expect(forwards.map(\.targetHost) == vms.map(\.ip))
        #expect(forwards.allSatisfy { $0.targetPort == 39092 })

        // A second pass plans nothing and restarts nothing.
        let again = try sim.reconcile(["--detailed-exitcode"])
        #expect(again.status == 0, "\(again.out)\n\(again.err)")
        #expect(vms.map(sim.cluster.pid) == afterApply, "nothing restarted on the second pass")

        // Each advertised address, resolved to the frontend, reaches its broker through the load balancer.
        let verify = try sim.verify()
        #expect(verify.status == 0, "\(verify.out)\n\(verify.err)")
        #expect(verify.out.contains(".eastus.azure.privatelinkservice"), "verify reads the Private Link Service's alias from the emulator: \(verify.out)")
        for i in 1...3 {
            #expect(verify.out.contains("b\(i).\(AzureSimulation.suffix):\(9092 + i) (id: \(i) rack: null) -> OK"), "\(verify.out)")
            #expect(verify.out.contains("identity through advertised b\(i).\(AzureSimulation.suffix):\(9092 + i): reached broker \(i)"), "\(verify.out)")
        }

        // Someone deletes rule2 in the portal: broker 2's advertised address no longer leads anywhere.
        try await sim.removeLoadBalancerRule("rule2")
        #expect(sim.emulator.forwardingRules.map(\.listenPort).sorted() == [9093, 9095])
        let broken = try sim.verify()
        #expect(broken.status == 1, "\(broken.out)\n\(broken.err)")
        #expect(broken.out.contains("broker 2: FAILED"), "\(broken.out)")
        #expect(broken.out.contains("broker 1: OK") && broken.out.contains("broker 3: OK"), "\(broken.out)")

        // The dry-run shows the load balancer drifted; the apply restores the rule without restarting a broker.
        let drift = try sim.reconcile(["--dry-run", "--detailed-exitcode"])
        #expect(drift.status == 2, "\(drift.out)\n\(drift.err)")
        #expect(drift.out.contains("Objects have changed outside of the reconciler"), "\(drift.out)")
        #expect(drift.out.contains("~ sim/azure.loadBalancer/kafka-lb"), "\(drift.out)")
        #expect(drift.out.contains("0 to add, 1 to change, 0 to destroy"), "\(drift.out)")
        #expect(!drift.out.contains("kafka.brokerConfig"), "no broker is touched: \(drift.out)")
        let repairLB = try sim.reconcile([])
        #expect(repairLB.status == 0, "\(repairLB.out)\n\(repairLB.err)")
        #expect(restarted(repairLB).isEmpty, "\(repairLB.err)")
        #expect(vms.map(sim.cluster.pid) == afterApply, "no broker restarted for a load-balancer repair")
        #expect(sim.emulator.forwardingRules.map(\.listenPort).sorted() == [9093, 9094, 9095])
        let restored = try sim.verify()
        #expect(restored.status == 0, "\(restored.out)\n\(restored.err)")
        #expect(try sim.reconcile(["--dry-run", "--detailed-exitcode"]).status == 0, "nothing left to do")

        // Someone drops EXTERNAL from broker 2's file over SSH but does not restart it: the apply puts the file
        // back; broker 2 still runs that config (its live config, read from the broker, says so), so the roll
        // restarts nobody.
        let dropExternal = "sed -i -e 's/,EXTERNAL[^,]*//g' config/server.properties"
        #expect(try sim.ssh(vms[1], dropExternal) == 0)
        #expect(!sim.cluster.file(vms[1]).contains("EXTERNAL:"), "\(sim.cluster.file(vms[1]))")
        let rewrite = try sim.reconcile([])
        #expect(rewrite.status == 0, "\(rewrite.out)\n\(rewrite.err)")
        #expect(rewrite.out.contains("1 broker configs to write, 1 broker restarts.") || rewrite.out.contains("1 broker config to write, 1 broker restart."), "\(rewrite.out)")
        #expect(restarted(rewrite).isEmpty, "broker 2 already runs the repaired config: \(rewrite.err)")
        let journal = try Binary.run(["state", "show", "--state", sim.cluster.state.path, "sim", "--journal", "4"])
        #expect(journal.out.contains("sim/kafka.brokerConfig/2 restart_broker succeeded: already runs its new config"), "\(journal.out)")
        #expect(vms.map(sim.cluster.pid) == afterApply)
        #expect(sim.cluster.file(vms[1]).contains("EXTERNAL://b2.\(AzureSimulation.suffix):9094"))

        // Someone drops EXTERNAL again and restarts broker 2: it is unreachable through the load balancer (its
        // EXTERNAL listener is gone); the apply repairs the file and restarts broker 2 only.
        #expect(try sim.ssh(vms[1], dropExternal) == 0)
        #expect(!sim.cluster.file(vms[1]).contains("EXTERNAL:"), "\(sim.cluster.file(vms[1]))")
        #expect(try sim.cluster.ctl("restart", on: vms[1]) == 0)
        try await sim.cluster.waitHealthy()
        let handEdited = vms.map(sim.cluster.pid)
        #expect(try sim.verify().status == 1, "broker 2 runs without EXTERNAL")
        let fileDrift = try sim.reconcile(["--dry-run", "--detailed-exitcode"])
        #expect(fileDrift.status == 2)
        #expect(fileDrift.out.contains("1 broker configs to write, 1 broker restarts.") || fileDrift.out.contains("1 broker config to write, 1 broker restart."), "\(fileDrift.out)")
        let monitor2 = AvailabilityMonitor(ips: vms.map(\.ip))
        let repairFile = try sim.reconcile([])
        let availability2 = monitor2.stop()
        #expect(repairFile.status == 0, "\(repairFile.out)\n\(repairFile.err)")
        #expect(availability2.maxDown <= 1)
        #expect(restarted(repairFile) == ["2"], "\(repairFile.err)")
        let afterRepair = vms.map(sim.cluster.pid)
        #expect(afterRepair[0] == handEdited[0] && afterRepair[2] == handEdited[2], "brokers 1 and 3 untouched")
        #expect(afterRepair[1] != handEdited[1], "broker 2 restarted")
        #expect(sim.cluster.file(vms[1]).contains("EXTERNAL://b2.\(AzureSimulation.suffix):9094"))
        let final = try sim.verify()
        #expect(final.status == 0, "\(final.out)\n\(final.err)")
        #expect(try sim.reconcile(["--dry-run", "--detailed-exitcode"]).status == 0, "nothing left to do")
    }
}
