import FileStateStore
import Foundation
import GitSource
import ProviderAPI
import ReconcileEngine
import ReconcileModel
import ReconcileService
import Scheduling
import Testing
import TestSupport

@Suite("reconcile serve's sources and loop: real git repositories, the running loop")
struct ServiceSourceTests {
    /// The seed's manifests as files to commit.
    static func seedFiles(edit: (String, String) -> String = { $1 }) throws -> [String: String] {
        var files: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: Repo.example("azure-private-link")) where file.hasSuffix(".yaml") {
            files["prod/" + file] = edit(file, try String(contentsOfFile: Repo.example("azure-private-link") + "/" + file, encoding: .utf8))
        }
        return files
    }

    static func service(source: any ManifestSource, clock: TestClock, world: InMemoryProvider) -> ReconcileService<ContinuousClock> {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("svc-src-state-\(UUID().uuidString)")
        let reconciler = Reconciler(
            providers: ProviderClosure { _, _ in [world] }, store: FileStateStore(directory: state), clock: ContinuousClock(), now: { clock.now })
        return ReconcileService(reconciler: reconciler, source: source, now: { clock.now }, random: { 0.5 })
    }

    static func world() -> InMemoryProvider { InMemoryProvider(types: ServiceBed.types) }

    @Test("git: a signed revision is applied and named main@sha1:<sha>; an unsigned push is not applied (Stalled, the signed one stays); a signed fix is")
    func signedRevisions() async throws {
        let git = try GitBed()
        let trusted = try git.key("trusted")
        let signers = try git.allowedSigners([trusted])
        let first = try git.commit(try Self.seedFiles(), message: "seed", signingKey: trusted)
        let source = try GitSource(
            spec: GitSourceSpec(url: git.url, ref: .branch("main"), path: "prod", timeout: .seconds(30), verification: .ssh(allowedSigners: signers)),
            workDirectory: git.root + "/checkout", environment: ["PATH": "/usr/bin:/bin", "HOME": git.root])
        let clock = TestClock()
        let world = Self.world()
        let service = Self.service(source: GitManifestSource(source: source), clock: clock, world: world)
        await service.tick()
        var status = try #require(await service.status(of: "tidb-kafka"))
        #expect(status.revision == "main@sha1:\(first)")
        #expect(status.result == "succeeded", "\(String(describing: status.lastError))")

        let unsigned = try git.commit(try Self.seedFiles { name, text in name.contains("private-link") ? text.replacingOccurrences(of: "9093", with: "9193") : text },
                                      message: "unsigned")
        await service.tick()
        status = try #require(await service.status(of: "tidb-kafka"))
        let stalled = try #require(status.conditions.first { $0.type == "Stalled" })
        #expect(stalled.message.contains("not signed") || stalled.message.contains("unsigned"), "\(stalled.message)")
        #expect(stalled.message.contains(String(unsigned.prefix(7))), "names the commit: \(stalled.message)")
        #expect(await service.currentRevision == "main@sha1:\(first)", "the last good revision stays in force")

        let fixed = try git.commit(try Self.seedFiles(), message: "signed again", signingKey: trusted)
        await service.tick()
        #expect(await service.currentRevision == "main@sha1:\(fixed)")
        #expect(await service.status(of: "tidb-kafka")?.conditions.contains { $0.type == "Stalled" } == false)
    }

    @Test("the running loop: passes start without a tick by hand; a request wakes it at once; stop returns after the running pass")
    func runningLoop() async throws {
        let manifests = try Repo.copyExample("azure-private-link")
        let world = Self.world()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("svc-loop-state-\(UUID().uuidString)")
        let reconciler = Reconciler(providers: ProviderClosure { _, _ in [world] }, store: FileStateStore(directory: state), clock: ContinuousClock(), now: Date.init)
        let service = ReconcileService(
            reconciler: reconciler, source: DirectorySource(directory: manifests.path), settings: .init(interval: .seconds(3600)),
            sourcePoll: .seconds(3600))
        let loop = Task { await service.run() }
        func passes() async -> Int { await service.status(of: "tidb-kafka")?.passes ?? 0 }
        for _ in 0..<500 where await passes() < 1 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await passes() == 1, "the first pass ran on its own")
        #expect(await service.lastTick != nil)
        // The next pass is an hour away: only the request's ring can start one now.
        #expect(await service.requestReconcile("tidb-kafka"))
        for _ in 0..<500 where await passes() < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(await passes() == 2, "the request woke the loop")
        service.stop()
        await loop.value
        #expect(await passes() == 2)
    }
}
