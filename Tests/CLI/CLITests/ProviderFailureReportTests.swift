import FileStateStore
import AzureCloud
import Foundation
import ReconcileCommands
import ReconcileModel
import Testing
import TestSupport

/// A provider that cannot observe anything (here: no Azure credentials) is reported once per pass, with the
/// credential chain's whole explanation, and each of its addresses gets a one-line problem pointing at it. It
/// used to repeat the whole chain error under every address, prefixed "cannot observe: cannot observe:".
@Suite("A provider-level failure is reported once")
struct ProviderFailureReportTests {
    /// An environment with no credential at all: no secrets, IMDS on a closed loopback port, no `az` on PATH.
    static func noCredentials() throws -> [String: String] {
        let emptyPath = FileManager.default.temporaryDirectory.appendingPathComponent("no-az-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: emptyPath, withIntermediateDirectories: true)
        // Port 1 on loopback: nothing listens there, ever (a free port found now could be taken by a parallel test's
        // server before the chain dials it, which then answers as a broken IMDS).
        return ["PATH": emptyPath.path, "AZURE_IMDS_ENDPOINT": "http://127.0.0.1:1"]
    }

    static func run(output: ReconcilePass.OutputFormat) async throws -> (status: Int32, console: CapturedConsole) {
        let azure = AzureCloud.provider(environment: try noCredentials(), log: NullHTTPLog())
        let console = CapturedConsole()
        let pass = ReconcilePass(
            providers: [InMemoryProvider(types: ["kafka.brokerConfig"]), azure],
            store: FileStateStore(directory: temporaryDirectory()), console: console.console(), runID: "run-1")
        let status = await pass.run(.init(manifests: Repo.example("azure-private-link"), dryRun: true, output: output))
        return (status, console)
    }

    static func occurrences(of text: String, in haystack: String) -> Int { haystack.components(separatedBy: text).count - 1 }

    @Test("Text: the chain's error once on stderr, every credential in it; one short line per address")
    func text() async throws {
        let (status, console) = try await Self.run(output: .text)
        #expect(status == ExitStatus.error)
        let all = console.out + console.err
        for credential in ["ClientSecretCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential", "AzureCliCredential"] {
            #expect(Self.occurrences(of: "- \(credential) unavailable", in: all) == 1, "\(credential):\n\(all)")
        }
        #expect(Self.occurrences(of: "error: cannot observe azure.*", in: console.err) == 1, "\(console.err)")
        #expect(!all.contains("cannot observe: cannot observe:"), "\(console.out)")
        let problems = console.out.split(separator: "\n").filter { $0.hasPrefix("  ! tidb-kafka/azure.") }
        #expect(problems.count == 11, "\(console.out)")
        for line in problems {
            #expect(line.hasSuffix(": cannot observe: Azure credentials unavailable (see the azure.* error)"), "\(line)")
        }
    }

    @Test("JSON: the chain's error once in `errors`, short problems per address")
    func json() async throws {
        let (status, console) = try await Self.run(output: .json)
        #expect(status == ExitStatus.error)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(console.out.utf8)) as? [String: Any])
        #expect(document["format_version"] as? String == "1.2")
        let errors = try #require(document["errors"] as? [String], "\(console.out)")
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.hasPrefix("cannot observe azure.*: ") == true, "\(errors)")
        #expect(errors.first?.contains("AzureCliCredential unavailable") == true, "\(errors)")
        let problems = try #require(document["problems"] as? [[String: String]])
        #expect(problems.count == 11)
        #expect(problems.allSatisfy { $0["message"] == "cannot observe: Azure credentials unavailable (see the azure.* error)" }, "\(problems)")
    }
}
