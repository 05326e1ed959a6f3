import Foundation
import KafkaClient
import Testing
import TestSupport

/// `reconcile` rolls a simulated 3-node cluster on test-datacenter VMs: config writes, then health-gated
/// restarts one at a time (active controller last), halts, resume after SIGKILL, and `reconcile verify`.
@Suite("Rolling restarts, end to end", .serialized, .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces and sshd (CI runs as root)"))
struct RollEndToEndTests {
    func args(_ cluster: SimulatedCluster, _ extra: [String] = []) -> [String] {
        ["--manifests", cluster.manifests.path, "--state", cluster.state.path, "--target", "sim/kafka.brokerConfig"] + extra
    }

    @Test("The roll restarts each broker once, leader last, never two down; a second run plans nothing; verify passes")
    func roll() async throws {
        let cluster = try await SimulatedCluster.start()
        defer { cluster.stop() }
        let vms = cluster.dc.vms
        let before = vms.map(cluster.pid)

        let plan = try Binary.run(["--dry-run"] + args(cluster))
        #expect(plan.status == 0, "\(plan.err)")
        #expect(plan.out.contains("3 broker configs to write, 3 broker restarts."), "\(plan.out)")
        #expect(plan.out.contains("⟳ sim/kafka.brokerConfig/1  (restart 3 of 3)"), "the dry-run lists the active controller last: \(plan.out)")
        #expect(plan.out.contains("the active controller (node 1) goes last"), "and says why")

        let monitor = AvailabilityMonitor(ips: vms.map(\.ip))
        let apply = try Binary.run(args(cluster))
        let availability = monitor.stop()
        #expect(apply.status == 0, "\(apply.out)\n\(apply.err)")
        #expect(availability.maxDown <= 1, "two brokers were down at once")
        let after = vms.map(cluster.pid)
        for i in 0..<3 { #expect(before[i] != after[i], "broker \(i + 1) was restarted") }
        let order = apply.err.split(separator: "\n").filter { $0.contains(": restarting...") }.map { $0.split(separator: "/").last!.split(separator: ":").first! }
        #expect(order.last == "1", "the active controller (node 1, the lowest running voter) goes last: \(order)")
        for (i, vm) in vms.enumerated() {
            #expect(cluster.file(vm).contains("EXTERNAL://b\(i + 1).abc.eastus.azure.3199745.tidbcloud.com:\(9093 + i)"))
        }

        let again = try Binary.run(["--detailed-exitcode"] + args(cluster))
        #expect(again.status == 0, "\(again.out)\n\(again.err)")
        #expect(vms.map(cluster.pid) == after, "nothing restarted on the second run")

        // verify: names resolve to each broker's EXTERNAL listener, as the load balancer would route them.
        var resolve: [String] = []
        for (i, vm) in vms.enumerated() { resolve += ["--resolve", "b\(i + 1).abc.eastus.azure.3199745.tidbcloud.com:\(9093 + i)=\(vm.ip):39092"] }
        let verify = try Binary.run(["verify", "--manifests", cluster.manifests.path, "--require-advertised"] + resolve)
        #expect(verify.status == 0, "\(verify.out)\n\(verify.err)")
        #expect(verify.out.contains("b2.abc.eastus.azure.3199745.tidbcloud.com:9094 (id: 2 rack: null) -> OK"), "\(verify.out)")
        // A swapped route (b1's name lands on broker 2) is caught by the identity probe.
        var swapped = resolve
        swapped[1] = "b1.abc.eastus.azure.3199745.tidbcloud.com:9093=\(vms[1].ip):39092"
        let wrong = try Binary.run(["verify", "--manifests", cluster.manifests.path, "--require-advertised", "--output", "json"] + swapped)
        #expect(wrong.status == 1)
        #expect(wrong.out.contains("Unexpected broker id"), "\(wrong.out)")
    }

    @Test("A broker that does not come back halts the roll: no other broker is touched, the exit code and state say which")
    func halt() async throws {
        let cluster = try await SimulatedCluster.start()
        defer { cluster.stop() }
        let vms = cluster.dc.vms
        // Every broker, once restarted, never registers again; whichever goes first halts the roll.
        for vm in vms {
            let path = vm.home + "/config/server.properties"
            try (cluster.file(vm) + "simulator.misbehave=never-come-back\n").write(toFile: path, atomically: false, encoding: .utf8)
        }
        let before = vms.map(cluster.pid)
        let monitor = AvailabilityMonitor(ips: vms.map(\.ip))
        let apply = try Binary.run(args(cluster))
        let availability = monitor.stop()
        #expect(apply.status == 1)
        #expect(availability.maxDown <= 1)
        let after = vms.map(cluster.pid)
        #expect(zip(before, after).filter { $0 != $1 }.count == 1, "exactly one broker was restarted")
        #expect(apply.err.contains("FAILED"), "\(apply.err)")
        #expect(apply.err.contains("skipped (waits for roll halted"), "\(apply.err)")
        let show = try Binary.run(["state", "show", "--state", cluster.state.path])
        #expect(show.out.contains("restart_broker failed"), "\(show.out)")
    }

    @Test("Killed with SIGKILL mid-roll, a second run finishes it without restarting a broker that already runs its new config", arguments: [1, 2])
    func resumeAfterKill(afterRestarts: Int) async throws {
        let cluster = try await SimulatedCluster.start()
        defer { cluster.stop() }
        let vms = cluster.dc.vms
        let before = vms.map(cluster.pid)
        let monitor = AvailabilityMonitor(ips: vms.map(\.ip))

        let process = Process()
        process.executableURL = Binary.url
        process.arguments = args(cluster)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill right after the Nth broker went down (its "restarting..." line), mid-restart.
        var seen = ""
        let handle = err.fileHandleForReading
        while process.isRunning {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if seen.components(separatedBy: ": restarting...").count - 1 >= afterRestarts {
                kill(process.processIdentifier, SIGKILL)
                break
            }
        }
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "killed mid-roll: \(seen)")
        // Let an interrupted restart command settle, then note which brokers already run their new config:
        // restarted (new pid) and alive. Those must not be restarted again.
        try await Task.sleep(for: .seconds(2))
        let current = Set((0..<3).filter { i in
            guard let pid = cluster.pid(vms[i]), pid != before[i], let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return !stat.contains(") Z ")
        }.map { String($0 + 1) })
        #expect(!current.isEmpty || afterRestarts == 1, "at least one broker finished its restart before the kill")

        let resume = try Binary.run(args(cluster))
        let availability = monitor.stop()
        #expect(resume.status == 0, "\(resume.out)\n\(resume.err)")
        #expect(availability.maxDown <= 1, "two brokers were down at once")
        let after = vms.map(cluster.pid)
        for i in 0..<3 { #expect(before[i] != after[i], "broker \(i + 1) ends on its new config") }
        for (i, vm) in vms.enumerated() {
            #expect(cluster.file(vm).contains("EXTERNAL://b\(i + 1)."), "broker \(i + 1) config written")
        }
        let restartedAgain = Set(resume.err.split(separator: "\n").filter { $0.contains(": restarting...") }
            .map { String($0.split(separator: "/").last!.split(separator: ":").first!) })
        #expect(restartedAgain.isDisjoint(with: current), "brokers already on their new config (\(current.sorted())) were restarted again: \(resume.err)")
        #expect(restartedAgain.union(current).count == 3, "every broker ends restarted once on its new config")
        #expect(resume.err.contains("succeeded") || resume.err.contains("complete"))
    }
}
