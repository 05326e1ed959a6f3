import ArmEmulator
import Foundation
import ReconcileCommands
import Testing
import TestSupport

/// The other "Done when": every request body the Swift ARM provider sends conforms to the official ARM
/// schemas. The real pass drives the emulator through creation, updates (an LB expand-then-contract and an NSG
/// change) and a destroy path (a second exposure removed from the manifests); the emulator writes every request
/// to its JSON-lines log, and `scripts/arm-request-check.py` (strict mode, with the project venv's python and the
/// vendored schemas in `../shared/specs/azure`) checks every PUT/PATCH body in it.
@Suite("ARM request bodies the provider sends, checked against the official schemas", .serialized)
struct ProviderRequestSchemaTests {
    static let writtenTypes = [
        "resourcegroups", "virtualnetworks", "networksecuritygroups", "networkinterfaces", "virtualmachines", "loadbalancers",
        "privatelinkservices",
    ]

    @Test("Create, update and destroy passes: every PUT body is schema-valid and every api-version is the pinned one")
    func lifecycle() async throws {
        // Fail loudly, before any work, when the checker cannot run.
        let python = Repo.root.appendingPathComponent(".build-venv/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "no Python venv at \(python): run scripts/setup.sh")
        let specs = Repo.shared.appendingPathComponent("specs/azure")
        try #require(
            FileManager.default.fileExists(atPath: specs.appendingPathComponent("Microsoft.Network.NRP.2025-07-01.json").path),
            "the official ARM schemas are missing: expected \(specs.path) (../shared/specs beside the repository)")

        let azure = try EmulatedAzure(requestLog: true)
        let log = try #require(azure.requestLogPath)

        // 1. Create everything.
        let create = await azure.pass()
        try #require(create.status == ExitStatus.success, "\(create)")
        try azure.expectExactlyTheSeed()

        // 2. Updates: other SSH sources on the NSG, a renamed health probe (the LB's probe and every rule's
        //    reference to it change), a second subscription allowed to see the PLS.
        let updates: [(file: String, from: String, to: String)] = [
            (file: "private-link.yaml", from: "sshSourcePrefixes: [VirtualNetwork]", to: "sshSourcePrefixes: [10.20.0.0/16, 10.30.0.0/16]"),
            (file: "private-link.yaml", from: "probeName: kafka-lb-hp", to: "probeName: kafka-lb-probe"),
            (file: "private-link.yaml", from: "visibility: [99549169-6cee-4263-8491-924a3011ee31]",
             to: "visibility: [99549169-6cee-4263-8491-924a3011ee31, 0b2f4c1e-7d3a-4e5f-9a8b-6c7d8e9f0a1b]"),
        ]
        let changed = try editedExample("azure-private-link", updates)
        defer { try? FileManager.default.removeItem(at: changed) }
        let update = await azure.pass(changed.path)
        try #require(update.status == ExitStatus.success, "\(update)")
        for address in ["networkSecurityGroup/kafka-broker-nsg", "loadBalancer/kafka-lb", "privateLinkService/kafka-pls"] {
            #expect(update.out.contains("~ tidb-kafka/azure.\(address)"), "\(update)")
        }
        let settled = await azure.pass(changed.path, dryRun: true, detailedExitCode: true)
        #expect(settled.status == ExitStatus.success, "\(settled)")
        try azure.expectExactlyTheSeed(probe: "kafka-lb-probe")
        let nsgRules = try azure.resource(EmulatedAzure.nsgID)[path: ["properties", "securityRules"]]?.arrayValue ?? []
        #expect(nsgRules.first?[path: ["properties", "sourceAddressPrefixes"]]?.arrayValue?.compactMap(\.stringValue).sorted()
            == ["10.20.0.0/16", "10.30.0.0/16"], "\(nsgRules)")

        // 2b. Other advertised ports. Azure refuses two rules to the same pool, backend port and protocol without
        //     floating IP (the emulator: 400 RulesUseSameBackendPortProtocolAndPool), so a rule cannot keep its old
        //     port beside the new one: the planner moves each port at once, warns which consumers will notice, and
        //     the update converges in one pass with no expand sent.
        let moved = try editedExample("azure-private-link", updates + [
            (file: "private-link.yaml", from: "externalPorts: {start: 9093}", to: "externalPorts: {start: 9193}")
        ])
        defer { try? FileManager.default.removeItem(at: moved) }
        let outcomes = await azure.applyUntilConverged(moved.path)
        #expect(outcomes.count == 1 && outcomes.last?.status == ExitStatus.success, "\(outcomes.map(\.description).joined(separator: "\n"))")
        #expect(outcomes.first?.out.contains("cannot keep port 9093 beside its new one") == true, "\(outcomes.first.map(\.description) ?? "")")
        try azure.expectExactlyTheSeed(ports: [9193, 9194, 9195], probe: "kafka-lb-probe")
        #expect(!azure.requests.contains { $0.method == "PUT" && $0.path.hasSuffix("/loadBalancers/kafka-lb") && $0.status == 400 },
                "no refused expand was sent")

        // 3. A second exposure (its own LB and PLS, pool associations on the first exposure's NICs), then removed
        //    from the manifests: the reconciler deletes what it created for it and takes the NICs out of its pools.
        let secondManifests = try editedExample("second-consumer", [secondConsumerDeleted])
        defer { try? FileManager.default.removeItem(at: secondManifests) }
        let second = try #require(
            await azure.applyUntilConverged(secondManifests.path).last)
        #expect(second.status == ExitStatus.success, "\(second)")
        #expect(azure.emulator.resource(id: "\(EmulatedAzure.network)/privateLinkServices/kafka-pls-2") != nil)
        let removal = try #require(await azure.applyUntilConverged(allowDestroy: secondConsumerAllowance).last)
        #expect(removal.status == ExitStatus.success, "\(removal)")
        #expect(removal.out.contains("- tidb-kafka/azure.privateLinkService/kafka-pls-2"), "\(removal)")
        #expect(azure.emulator.resource(id: "\(EmulatedAzure.network)/privateLinkServices/kafka-pls-2") == nil)
        #expect(azure.emulator.resource(id: "\(EmulatedAzure.network)/loadBalancers/kafka-lb-2") == nil)
        try azure.expectExactlyTheSeed()

        // The log the checker reads is the emulator's own record of what arrived.
        let requests = azure.requests
        let bodies = requests.filter { ($0.method == "PUT" || $0.method == "PATCH") && $0.body != nil }
        #expect(bodies.count == requests.filter { $0.method == "PUT" || $0.method == "PATCH" }.count, "a PUT or PATCH without a body")
        var putsByType: [String: Int] = [:]
        for request in bodies { putsByType[Self.resourceType(request.path), default: 0] += 1 }
        for type in Self.writtenTypes {
            #expect(putsByType[type, default: 0] >= 1, "no PUT of \(type) was checked: \(putsByType)")
        }
        #expect(requests.contains { $0.method == "DELETE" }, "the destroy path sent no DELETE")

        let run = try await ArmSchemaCheck.run(python: python, specs: specs.path, log: log)
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("\(bodies.count) request bodies checked, 0 failed"), "expected \(bodies.count) bodies: \(run)")
        #expect(!run.stdout.contains("\nFAIL "), "\(run)")
        #expect(bodies.count >= 20, "\(bodies.count) bodies")

        // Api-versions: exactly the pinned ones, per namespace, on every ARM request (operation polls included).
        for request in requests where !request.path.contains("/oauth2/") {
            let path = request.path.lowercased()
            let pinned = path.contains("/providers/microsoft.network/") ? "2025-07-01"
                : path.contains("/providers/microsoft.compute/") ? "2026-03-01" : "2025-04-01"
            #expect(request.apiVersion == pinned, "\(request.method) \(request.path)?\(request.query)")
        }
        let sent = Set(requests.compactMap(\.apiVersion))
        #expect(sent == ["2025-07-01", "2026-03-01", "2025-04-01"], "\(sent)")
    }


    /// `loadbalancers` for `.../providers/Microsoft.Network/loadBalancers/kafka-lb`, `resourcegroups` for a group.
    static func resourceType(_ path: String) -> String {
        let segments = path.lowercased().split(separator: "/").map(String.init)
        guard let index = segments.lastIndex(of: "providers"), index + 2 < segments.count else {
            return segments.count == 4 ? "resourcegroups" : path
        }
        return segments[index + 2]
    }
}

/// Runs `scripts/arm-request-check.py` on a request log (the ConformanceTests driver lives in another test target).
enum ArmSchemaCheck {
    struct Run: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    static func run(python: String, specs: String, log: String) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Repo.root.appendingPathComponent("scripts/arm-request-check.py").path, "--specs", specs, log]
        process.standardInput = FileHandle.nullDevice
        // Both streams into files: nothing can fill a pipe and block the script.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arm-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout"), err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        // Waits for the exit without blocking a thread of the cooperative pool.
        let exited = AsyncStream<Void> { continuation in
            process.terminationHandler = { _ in
                continuation.yield()
                continuation.finish()
            }
        }
        try process.run()
        for await _ in exited { break }
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }
}
