import ArmEmulator
import ComputeEmulator
import Foundation
import TestSupport
import Testing

/// Google's official Compute client (google-cloud-compute 1.57.0 from PyPI) drives the emulator through the seed,
/// twice: with operations DONE at once, and with operations PENDING/RUNNING first (the client's `.result()` polls).
/// Discovery's filtered lists too: an aggregated list on a label, a global list on the description, a bad filter.
@Suite(.serialized) struct SDKScenarioTests {
    static let script = Repo.root.appendingPathComponent("Tests/Sandbox/ComputeEmulatorTests/python/sdk_seed_scenario.py").path

    @Test("seed 003 option A, an update and a delete through the official client", arguments: [0, 2])
    func seed(operationPolls: Int) throws {
        let armed = try ComputeFixture { $0.operationPolls = operationPolls }
        defer { armed.stop() }
        let result = try Self.runScenario(armed)
        #expect(result["endpoints"] == [["broker-node1", "10.64.0.10", 9093], ["broker-node2", "10.64.0.11", 9094], ["broker-node3", "10.64.0.12", 9095]])
        #expect(result["acceptList"] == ["tidbcloud-prod-000", "tidbcloud-prod-001"])
        #expect(result["fingerprintChanged"] == true)
        #expect(result["stale"] == "PreconditionFailed", "a stale fingerprint is 412 to the client")
        #expect(result["notFound"] == "NotFound" && result["conflict"] == "Conflict")
        #expect(result["failed"]?["type"] == "Forbidden" && result["failed"]?["code"] == 403, "a DONE operation with an error raises")
        #expect(result["bastionNatIP"] == true)
        #expect(result["firewallsLeft"] == [])
        #expect(result["labelled"] == ["broker-node1", "broker-node2"], "aggregated_list with a label filter, paged by one")
        #expect(result["described"] == ["kafka-vpc"], "list with a description filter")
        #expect(result["subnetScopes"] == ["regions/us-west1"])
        #expect(result["badFilter"] == "BadRequest")
        let pages = armed.emulator.requests.filter { $0.path.hasSuffix("/aggregated/instances") }
        #expect(pages.count == 2 && pages.allSatisfy { $0.query.contains("filter=") }, "one page per labelled instance, each with the filter")
        if operationPolls > 0 {
            let polls = armed.emulator.requests.filter { $0.method == "GET" && $0.path.contains("/operations/") }
            #expect(polls.count >= 20, "the client polled the emulator's operations (\(polls.count) GETs)")
        }
        #expect(!armed.emulator.requests.contains { $0.path.contains("googleapis") })
    }

    /// Runs the scenario with the venv's python; the second firewall insert (the doomed one) gets a failed operation.
    static func runScenario(_ f: ComputeFixture) throws -> JSON {
        // allow-psc-traffic is inserted first and must succeed (slowed by one poll, harmless); "doomed" second fails.
        f.emulator.setFaults(FaultPlan(rules: [
            FaultRule(method: "POST", pathContains: "/global/firewalls", action: .slowOperation, count: 1, polls: 1),
            FaultRule(method: "POST", pathContains: "/global/firewalls", action: .failOperation, count: 1),
        ]))
        let run = try PythonScript.execute(try PythonScript.python(), [script, f.emulator.baseURL])
        try #require(run.status == 0, "scenario failed:\n\(run)")
        let line = try #require(run.stdout.split(separator: "\n").last { $0.hasPrefix("RESULT ") }, "no RESULT line:\n\(run)")
        return try JSON.parse(String(line.dropFirst("RESULT ".count)))
    }
}
