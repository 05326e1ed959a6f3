@testable import ArmEmulator
import Foundation
import Synchronization
import TestSupport
import Testing

/// The official Azure Python SDKs (azure-mgmt-resource/-network/-compute) drive the emulator end to end.
@Suite(.serialized) struct SDKScenarioTests {
    static let python = Repo.root.appendingPathComponent(".build-venv/bin/python").path
    static let scripts = Repo.root.appendingPathComponent("Tests/Sandbox/ArmEmulatorTests/python")

    struct Run {
        var status: Int32
        var output: String
        var result: JSON?
    }

    /// Runs a script with the venv's python against `baseURL`; fails (never skips) when the venv is missing.
    static func run(_ script: String, _ baseURL: String, timeoutSeconds: Int = 300) throws -> Run {
        try #require(
            FileManager.default.isExecutableFile(atPath: python),
            "No Python venv at \(python): run scripts/setup.sh to create it (the SDK proof needs azure-mgmt-*).")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scripts.appendingPathComponent(script).path, baseURL, "arm-emulator-token"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let finished = Atomic<Bool>(false)
        let watchdog = Thread {
            for _ in 0..<(timeoutSeconds * 10) where !finished.load(ordering: .acquiring) { usleep(100_000) }
            if !finished.load(ordering: .acquiring) { process.terminate() }
        }
        watchdog.start()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        finished.store(true, ordering: .releasing)
        let output = String(decoding: data, as: UTF8.self)
        let resultLine = output.split(separator: "\n").last { $0.hasPrefix("RESULT ") }
        return Run(
            status: process.terminationStatus, output: output,
            result: resultLine.flatMap { try? JSON.parse(String($0.dropFirst("RESULT ".count))) })
    }

    @Test func seedLifecycleThroughTheSDKs() throws {
        let fixture = try Fixture {
            $0.pageSize = 3
            $0.genericListPageSize = 3
            $0.operationPolls = 1
        }
        let run = try Self.run("sdk_seed_scenario.py", fixture.emulator.baseURL)
        #expect(run.status == 0, "scenario failed:\n\(run.output)")
        let result = try #require(run.result, "no RESULT line:\n\(run.output)")
        #expect(result["alias"]?.stringValue?.hasSuffix(".eastus.azure.privatelinkservice") == true)
        #expect(result["connections"] == ["Approved", "Approved"])
        #expect(result["frontendIP"] == "10.0.0.7")
        #expect(result["notFoundCode"] == "ResourceNotFound")
        #expect(result["referenceErrorCode"] == "InvalidResourceReference")
        #expect(result["tagFiltered"] == 1)

        // Everything the scenario created is gone, and nothing is left running.
        #expect(fixture.emulator.resourceIDs == [])
        #expect(fixture.emulator.runningOperations == 0)

        let log = fixture.emulator.requests
        #expect(Set(log.compactMap(\.apiVersion)) == ["2026-03-01", "2026-04-01", "2025-04-01"])
        #expect(!log.contains { $0.status == 401 || ($0.status == 400 && $0.path.contains("api-version")) })
        let polls = log.filter { $0.method == "GET" && $0.path.lowercased().contains("/operations/") }
        let lros = log.filter { ($0.method == "PUT" || $0.method == "DELETE") && [201, 200, 202].contains($0.status) && $0.path.contains("/providers/") }
        #expect(lros.count > 20)
        #expect(polls.count >= lros.count, "every LRO was polled through Azure-AsyncOperation")
        #expect(polls.allSatisfy { $0.status == 200 })
        #expect(log.contains { $0.path.lowercased().contains("/operationresults/") }, "the group delete was polled through Location")
        #expect(log.contains { $0.query.contains("skiptoken") }, "lists were paged through nextLink")
        let vmPuts = log.filter { $0.method == "PUT" && $0.path.contains("virtualMachines") }
        #expect(vmPuts.count == 3)
        #expect(vmPuts.allSatisfy { $0.body?["properties"]?["osProfile"]?["customData"] == "<redacted>" })
    }

    @Test func sdkRetryHonoursRetryAfterOn429() throws {
        let fixture = try Fixture()
        fixture.emulator.setFaults(
            FaultPlan(rules: [FaultRule(method: "PUT", pathContains: "throttled-rg", action: .throttle, count: 2, retryAfterSeconds: 1)]))
        let run = try Self.run("sdk_throttled_step.py", fixture.emulator.baseURL)
        #expect(run.status == 0, "step failed:\n\(run.output)")
        #expect(run.result?["name"] == "throttled-rg")
        let puts = fixture.emulator.requests.filter { $0.method == "PUT" }
        #expect(puts.map(\.status) == [429, 429, 201])
        // With backoff 0 the SDK could only have waited this long because it honoured Retry-After: 1 twice.
        #expect((run.result?["elapsed"]?.doubleValue ?? 0) >= 1.9)
        #expect(fixture.emulator.resource(id: "/subscriptions/5f0c3c8e-1d2b-4a47-9d0e-6b1a2c3d4e5f/resourceGroups/throttled-rg") != nil)
    }
}
