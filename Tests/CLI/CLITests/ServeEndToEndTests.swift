import Foundation
import Glibc
import Testing
import TestSupport

/// `reconcile serve` as a process, on the emulated Azure seed with real sshd VMs running the broker simulator.
@Suite("reconcile serve end to end", .serialized, .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces and sshd (CI runs as root)"))
struct ServeEndToEndTests {
    /// `reconcile serve` in the background, its stderr (JSON lines) in a file.
    final class Serve: @unchecked Sendable {
        let process = Process()
        let log: URL

        init(_ arguments: [String], environment: [String: String]) throws {
            log = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            process.executableURL = Binary.url
            process.arguments = ["serve"] + arguments
            process.environment = ProcessInfo.processInfo.environment.merging(Binary.offline) { $1 }.merging(environment) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = try FileHandle(forWritingTo: log)
            try process.run()
        }

        var text: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func lines(containing needle: String) -> [String] { text.split(separator: "\n").map(String.init).filter { $0.contains(needle) } }

        /// Waits until the log has a line containing `needle`.
        func wait(for needle: String, timeout: Duration = .seconds(180)) async throws {
            let deadline = ContinuousClock.now + timeout
            while !text.contains(needle) {
                guard process.isRunning else { throw TestDatacenterError("reconcile serve exited (\(process.terminationStatus)) before logging \(needle):\n\(text)") }
                guard ContinuousClock.now < deadline else { throw TestDatacenterError("no \(needle) in the service's log within \(timeout):\n\(text)") }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

        /// Waits for the process to exit; its status.
        func exit(timeout: Duration = .seconds(180)) async throws -> Int32 {
            let deadline = ContinuousClock.now + timeout
            while process.isRunning {
                guard ContinuousClock.now < deadline else {
                    process.terminate()
                    throw TestDatacenterError("reconcile serve did not exit within \(timeout):\n\(text)")
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            return process.terminationStatus
        }
    }

    @Test("SIGTERM during a roll: the broker being restarted finishes, no other starts, never two down, exit 0; the next run resumes the roll")
    func sigtermDuringRoll() async throws {
        let sim = try await AzureSimulation.start()
        defer { sim.stop() }
        let vms = sim.vms
        let before = vms.map(sim.cluster.pid)
        let monitor = AvailabilityMonitor(ips: vms.map(\.ip))
        let serve = try Serve(
            ["--manifests", sim.manifests.path, "--state", sim.cluster.state.path, "--listen", "127.0.0.1:0", "--interval", "1h", "--source-poll", "1h",
             "--log-level", "notice"],
            environment: sim.environment)
        // The first broker of the roll goes down: stop the service now.
        try await serve.wait(for: ": restarting...\"")
        serve.signal(SIGTERM)
        let status = try await serve.exit()
        let availability = monitor.stop()
        #expect(status == 0, "\(serve.text)")
        #expect(availability.maxDown <= 1, "two brokers were down at once")
        #expect(serve.lines(containing: ": restarting...\"").count == 1, "no other broker started:\n\(serve.text)")
        #expect(serve.lines(containing: ": restarting complete").count == 1, "the broker it was on finished:\n\(serve.text)")
        #expect(serve.text.contains("roll halted: reconcile serve is shutting down"), "\(serve.text)")
        #expect(serve.text.contains("reconcile serve stopped"))
        let after = vms.map(sim.cluster.pid)
        #expect(zip(before, after).filter { $0 != $1 }.count == 1, "exactly one broker was restarted")

        // The next run finds the two restarts still pending in the journal and finishes the roll.
        let resume = try sim.reconcile([])
        #expect(resume.status == 0, "\(resume.out)\n\(resume.err)")
        #expect(SimulatedCluster.restarted(resume).count == 2, "\(resume.err)")
        let final = vms.map(sim.cluster.pid)
        for i in vms.indices { #expect(final[i] != before[i], "broker \(i + 1) runs its new config") }
    }

    /// How a graceful stop is cut short: a second signal, or the grace period running out.
    enum Escalation: String, CaseIterable, Sendable { case secondSignal, gracePeriod }

    @Test("A stop cut short (a second SIGTERM, or the grace period ending) stops at the next safe point: no other broker starts, never two down; the next run finishes the roll",
          arguments: Escalation.allCases)
    func stopCutShort(_ escalation: Escalation) async throws {
        let sim = try await AzureSimulation.start()
        defer { sim.stop() }
        let vms = sim.vms
        let before = vms.map(sim.cluster.pid)
        let monitor = AvailabilityMonitor(ips: vms.map(\.ip))
        let serve = try Serve(
            ["--manifests", sim.manifests.path, "--state", sim.cluster.state.path, "--listen", "127.0.0.1:0", "--interval", "1h", "--source-poll", "1h",
             "--log-level", "notice", "--grace-period", escalation == .gracePeriod ? "1s" : "10m"],
            environment: sim.environment)
        try await serve.wait(for: ": restarting...\"")
        serve.signal(SIGTERM)
        if escalation == .secondSignal {
            try await Task.sleep(for: .milliseconds(100))
            serve.signal(SIGTERM)
        }
        let status = try await serve.exit(timeout: .seconds(120))
        let availability = monitor.stop()
        #expect(status == 0, "\(serve.text)")
        #expect(serve.text.contains("asked twice to stop: cancelling") == (escalation == .secondSignal), "\(serve.text)")
        #expect(serve.text.contains("grace period over: cancelling") == (escalation == .gracePeriod), "\(serve.text)")
        #expect(availability.maxDown <= 1, "two brokers were down at once")
        #expect(serve.lines(containing: ": restarting...\"").count == 1, "no other broker started:\n\(serve.text)")
        let after = vms.map(sim.cluster.pid)
        #expect(zip(before, after).filter { $0 != $1 }.count <= 1, "at most the broker it was on was restarted")

        // The next run finds what is still pending in the journal and finishes the roll; every broker ends up on its new config.
        let resume = try sim.reconcile([])
        #expect(resume.status == 0, "\(resume.out)\n\(resume.err)")
        let final = vms.map(sim.cluster.pid)
        for i in vms.indices { #expect(final[i] != before[i], "broker \(i + 1) runs its new config:\n\(resume.err)") }
    }
}
