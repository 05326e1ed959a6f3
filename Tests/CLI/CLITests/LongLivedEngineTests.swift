import ArmEmulator
import FileStateStore
import Foundation
@testable import ReconcileCommands
import Testing
import TestSupport

/// The engine as a long-lived library: one `ReconcilePass` (one `Reconciler` and provider registry) runs many
/// passes on the same ARM provider, with its libcurl pool and token cache.
@Suite("One reconciler, many passes, against the in-process emulator")
struct LongLivedEngineTests {
    @Test("50 dry-run passes on one reconciler: one token request in all, and no pass GETs more than the first")
    func fiftyPasses() async throws {
        let azure = try EmulatedAzure()
        #expect(await azure.pass().status == ExitStatus.success)
        let manifests = Repo.example("azure-private-link")
        let targets = await azure.targets(for: manifests)
        let console = CapturedConsole()
        let pass = ReconcilePass(
            providers: StandardProviders.registry(remote: InMemoryRemoteHost(), environment: azure.environment),
            store: FileStateStore(directory: azure.stateDirectory), console: console.console())

        let before = azure.requests.count
        var gets: [Int] = []
        for _ in 0..<50 {
            let start = azure.requests.count
            let status = await pass.run(.init(manifests: manifests, dryRun: true, detailedExitCode: true, targets: targets))
            #expect(status == ExitStatus.success, "\(console.out)\n\(console.err)")
            gets.append(azure.requests.dropFirst(start).filter { $0.method == "GET" }.count)
        }
        let tokens = azure.requests.dropFirst(before).filter { $0.path.contains("/oauth2/") }
        #expect(tokens.count == 1, "\(tokens.map(\.path))")
        let first = try #require(gets.first)
        #expect(first > 0)
        #expect(gets.allSatisfy { $0 <= first }, "\(gets)")
    }
}

extension LongLivedEngineTests {
    @Test("The HTTP log of long-lived providers carries the id of the pass each request belongs to")
    func httpRecordsCarryThePassID() async throws {
        let azure = try EmulatedAzure()
        #expect(await azure.pass().status == ExitStatus.success)
        let manifests = Repo.example("azure-private-link")
        let targets = await azure.targets(for: manifests)
        let console = CapturedConsole()
        let httpLog = LoggedHTTPLog(everything: true, logger: ConsoleLogHandler.logger(format: .json, console: console.console()))
        let pass = ReconcilePass(
            providers: StandardProviders.registry(remote: InMemoryRemoteHost(), environment: azure.environment, httpLog: httpLog),
            store: FileStateStore(directory: azure.stateDirectory), console: console.console(), runID: nil)
        for _ in 0..<2 {
            #expect(await pass.run(.init(manifests: manifests, dryRun: true, detailedExitCode: true, targets: targets)) == ExitStatus.success)
        }
        let records = try console.err.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String])
        }
        let http = records.filter { $0["http.method"] != nil }
        #expect(!http.isEmpty)
        #expect(http.allSatisfy { $0["reconcile.pass"] != nil }, "\(http.filter { $0["reconcile.pass"] == nil })")
        let passes = Set(http.compactMap { $0["reconcile.pass"] })
        #expect(passes.count == 2, "\(passes)")
    }
}
