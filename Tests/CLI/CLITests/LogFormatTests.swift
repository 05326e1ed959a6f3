import FileStateStore
import Foundation
import ReconcileCommands
import Testing
import TestSupport

/// The apply's progress is logged through swift-log: text lines for people, JSON lines for machines.
@Suite("--log-format")
struct LogFormatTests {
    @Test("json: one object per line, each with the pass id, and every step with its resource, cluster and action")
    func jsonLines() async throws {
        let console = CapturedConsole()
        let pass = ReconcilePass(
            providers: [emptyWorld()], store: FileStateStore(directory: temporaryDirectory()), console: console.console(),
            runID: "pass-42", logFormat: .json)
        #expect(await pass.run(.init(manifests: Repo.example("azure-private-link"), dryRun: false)) == ExitStatus.success)
        let lines = console.err.split(separator: "\n").map(String.init)
        let records = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "not a JSON object: \(line)")
        }
        #expect(records.count >= 17 * 2 + 1, "\(lines)")
        #expect(records.allSatisfy { $0["reconcile.pass"] == "pass-42" && $0["time"] != nil && $0["level"] != nil })
        let created = try #require(records.first { $0["message"] == "tidb-kafka/azure.loadBalancer/kafka-lb: creating..." })
        #expect(created["resource"] == "tidb-kafka/azure.loadBalancer/kafka-lb")
        #expect(created["cluster"] == "tidb-kafka" && created["action"] == "create" && created["level"] == "notice")
        #expect(records.last?["message"] == "Apply complete: 17 succeeded, 0 failed, 0 skipped.")
    }

    @Test("text: the same steps as plain lines")
    func textLines() async throws {
        let console = CapturedConsole()
        let pass = ReconcilePass(providers: [emptyWorld()], store: FileStateStore(directory: temporaryDirectory()), console: console.console())
        #expect(await pass.run(.init(manifests: Repo.example("azure-private-link"), dryRun: false)) == ExitStatus.success)
        #expect(console.err.contains("tidb-kafka/azure.loadBalancer/kafka-lb: creating...\n"), "\(console.err)")
        #expect(!console.err.contains("{"), "\(console.err)")
    }
}
