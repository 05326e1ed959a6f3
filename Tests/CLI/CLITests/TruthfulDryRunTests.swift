import ComputeEmulator
import Foundation
import Glibc
import Testing
import TestSupport

/// The dry-run CI runs on a fresh runner tells the truth: with an empty state directory it plans what the
/// machine that holds the state would. Owned resources are found in the ARM emulator by their tags, and a restart
/// left pending by a killed roll is read from the brokers themselves (their file against DescribeConfigs).
@Suite("A truthful dry-run without the state", .serialized, .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces and sshd (CI runs as root)"))
struct TruthfulDryRunTests {
    /// One change of a JSON plan as the comparison sees it.
    struct Step: Hashable, CustomStringConvertible {
        var address: String
        var action: String
        var reason: String
        var disruption: String
        var description: String { "\(action) \(address) (\(reason), \(disruption))" }
    }

    static func steps(_ plan: String) throws -> (changes: [Step], problems: [String], summary: String) {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(plan.utf8)) as? [String: Any], "\(plan)")
        let changes = (json["changes"] as? [[String: Any]] ?? []).map {
            Step(address: "\($0["address"] ?? "")", action: "\($0["action"] ?? "")", reason: "\($0["reason"] ?? "")",
                 disruption: "\($0["disruption"] ?? "")")
        }
        let problems = (json["problems"] as? [[String: Any]] ?? []).map { "\($0["address"] ?? "")" }
        let summary = (try? JSONSerialization.data(withJSONObject: json["summary"] ?? [:], options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return (changes, problems, summary)
    }

    @Test("Azure: apply with state A; remove the exposure (deletionPolicy Delete) and kill the roll that drops EXTERNAL: a dry-run with an empty state directory plans the same deletes and restarts as one with state A")
    func emptyStateMatchesFullState() async throws {
        let sim = try await AzureSimulation.start()
        defer { sim.stop() }
        let environment = sim.environment.merging(["AZURE_SUBSCRIPTION_ID": AzureSimulation.subscription]) { $1 }
        try await Self.compare(
            manifests: sim.manifests, state: sim.cluster.state.path, environment: environment
        ) { Set(AzureEndToEndTests.azureAddresses.map { "sim/\($0)" }) }
    }

    @Test("GCP: the same, with the exposure's Compute resources found by their labels and descriptions (GOOGLE_CLOUD_PROJECT)")
    func emptyStateMatchesFullStateOnGcp() async throws {
        let sim = try await GcpSimulation.start()
        defer { sim.stop() }
        let environment = sim.environment.merging(["GOOGLE_CLOUD_PROJECT": "my-kafka-project"]) { $1 }
        try await Self.compare(manifests: sim.manifests, state: sim.cluster.state.path, environment: environment) {
            Set(sim.emulator.resourcePaths.map { path in
                let parts = path.split(separator: "/")
                let type = ["networks": "network", "subnetworks": "subnetwork", "firewalls": "firewall", "instances": "instance",
                            "networkEndpointGroups": "networkEndpointGroup", "backendServices": "backendService",
                            "forwardingRules": "forwardingRule", "serviceAttachments": "serviceAttachment"][String(parts[parts.count - 2])] ?? "?"
                return "sim/gcp.\(type)/\(parts.last!)"
            })
        }
    }

    /// Applies `manifests` with state A (the exposure under `deletionPolicy: Delete`), removes the exposure, kills the
    /// roll that follows while the second broker's restart hangs, then compares the JSON plans of a dry-run with
    /// state A and one with an empty state directory. `deletes`: every cloud address the exposure made (read after
    /// the first apply).
    static func compare(
        manifests: URL, state stateA: String, environment: [String: String], deletes: () -> Set<String>
    ) async throws {
        let file = manifests.appendingPathComponent("sim.yaml")
        let full = try String(contentsOf: file, encoding: .utf8)
        try full.replacingOccurrences(of: "  cluster: sim\n", with: "  cluster: sim\n  deletionPolicy: Delete\n")
            .write(to: file, atomically: true, encoding: .utf8)
        func reconcile(_ arguments: [String], state: String) throws -> Binary.Result {
            try Binary.run(arguments + ["--manifests", manifests.path, "--state", state], environment: environment)
        }
        let apply = try reconcile([], state: stateA)
        #expect(apply.status == 0, "\(apply.out)\n\(apply.err)")
        let madeByTheExposure = deletes()

        // The exposure leaves the manifests: the brokers lose EXTERNAL (a write and a roll), and its resources go.
        // The roll is killed while the second broker's restart hangs (before it restarts anything), so broker files
        // are written, one broker runs its new file and two do not.
        let hold = URL(fileURLWithPath: "/tmp/truthful-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: hold, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: hold.path)
        defer { try? FileManager.default.removeItem(at: hold) }
        let wrapper = hold.appendingPathComponent("restart.sh")
        try """
            #!/bin/sh
            # The first restart goes through; every later one waits for `release` and then fails, restarting nothing.
            if mkdir \(hold.path)/first 2>/dev/null; then exec \(SimulatedCluster.ctl) "$@"; fi
            while [ ! -e \(hold.path)/release ]; do sleep 0.1; done
            exit 1

            """.write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let clusterOnly = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n---\n")[0]
            .replacingOccurrences(of: "command: [\(SimulatedCluster.ctl), restart,", with: "command: [\(wrapper.path), restart,")
        try #require(clusterOnly.contains(wrapper.path))
        try (clusterOnly + "\n").write(to: file, atomically: true, encoding: .utf8)

        let roll = Process()
        roll.executableURL = Binary.url
        roll.arguments = ["--target", "sim/kafka.brokerConfig", "--manifests", manifests.path, "--state", stateA]
        roll.environment = ProcessInfo.processInfo.environment.merging(Binary.offline) { $1 }.merging(environment) { $1 }
        roll.standardOutput = FileHandle.nullDevice
        roll.standardError = FileHandle.nullDevice
        try roll.run()
        let journal = URL(fileURLWithPath: stateA).appendingPathComponent("sim/journal.jsonl")
        func lines(_ action: String, _ status: String) -> Int {
            let text = (try? String(contentsOf: journal, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").filter { $0.contains("\"\(action)\"") && $0.contains("\"\(status)\"") }.count
        }
        let (succeededBefore, startedBefore) = (lines("restart_broker", "succeeded"), lines("restart_broker", "started"))
        #expect(succeededBefore == 3, "the first apply rolled every broker")
        var waited = 0
        while roll.isRunning && !(lines("restart_broker", "succeeded") >= succeededBefore + 1 && lines("restart_broker", "started") >= startedBefore + 2)
            && waited < 1200
        {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        try #require(roll.isRunning, "the roll ended before it could be killed")
        kill(roll.processIdentifier, SIGKILL)
        #expect(lines("restart_broker", "succeeded") == succeededBefore + 1, "one broker of the roll restarted")
        roll.waitUntilExit()
        FileManager.default.createFile(atPath: hold.appendingPathComponent("release").path, contents: nil)
        #expect(lines("write_broker_config", "succeeded") == 3 + 3, "the first apply's writes and the killed roll's")

        // The same dry-run from the machine with state A and from an empty state directory.
        let empty = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        let arguments = ["--dry-run", "--output", "json", "--allow-destroy", "sim"]
        let withState = try reconcile(arguments, state: stateA)
        let withoutState = try reconcile(arguments, state: empty.path)
        #expect(withState.status == 0, "\(withState.err)")
        #expect(withoutState.status == 0, "\(withoutState.err)")
        let a = try Self.steps(withState.out), b = try Self.steps(withoutState.out)

        // What the plan must hold: every Azure resource of the exposure deleted, the two brokers restarted.
        let deleted = Set(a.changes.filter { $0.action == "delete" }.map(\.address))
        #expect(deleted == madeByTheExposure, "\(a.changes)")
        let restarts = a.changes.filter { $0.action == "restart_broker" }
        #expect(restarts.count == 2 && restarts.allSatisfy { $0.reason == "restart_pending" }, "\(a.changes)")
        #expect(a.problems.isEmpty && b.problems.isEmpty, "\(a.problems) \(b.problems)")

        #expect(Set(b.changes) == Set(a.changes), "only with state: \(Set(a.changes).subtracting(b.changes)); only without: \(Set(b.changes).subtracting(a.changes))")
        #expect(b.summary == a.summary)
        #expect(FileManager.default.fileExists(atPath: empty.appendingPathComponent("sim").path) == false, "a dry-run writes no state")
    }
}
