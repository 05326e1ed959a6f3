import FileStateStore
import Foundation
import ReconcileCommands
import ReconcileModel
import Testing
import TestSupport

/// `--target` selectors are checked against what exists (desired addresses and inventory entries): one that
/// matches nothing is a mistake (a typo, a wrong cluster) and an error, never "No changes". And a plan that looked
/// at only part of the world never claims the world matches the manifests.
@Suite("--target: selectors that match nothing, and partial plans")
struct TargetSelectionTests {
    let world = emptyWorld()
    let stateDir = temporaryDirectory()

    func run(_ targets: [String], manifests: String = Repo.example("azure-private-link"), dryRun: Bool = true) async -> (Int32, CapturedConsole) {
        let console = CapturedConsole()
        let pass = ReconcilePass(
            providers: [world], store: FileStateStore(directory: stateDir), console: console.console(), runID: UUID().uuidString)
        return (await pass.run(.init(manifests: manifests, dryRun: dryRun, targets: targets)), console)
    }

    @Test("A selector that matches no address is an error naming it", arguments: [
        "nosuch-cluster", "tidb-kafka/azure.loadBalancr", "tidb-kafka/azure.loadBalancer/other-lb", "tidb-kafka/a/b/c",
    ])
    func unmatched(selector: String) async {
        let (status, console) = await run([selector])
        #expect(status == ExitStatus.error, "\(console.out)\n\(console.err)")
        #expect(console.err.contains("error: --target \(selector) matches no address in the manifests or the state"), "\(console.err)")
        #expect(!console.out.contains("No changes"), "\(console.out)")
        #expect(world.calls.isEmpty)
    }

    @Test("Only the selectors that match nothing are named, all of them")
    func severalSelectors() async {
        let (status, console) = await run(["tidb-kafka/azure.loadBalancer", "typo-one", "tidb-kafka/*/kafka-plz"])
        #expect(status == ExitStatus.error)
        #expect(console.err.contains("--target typo-one, --target tidb-kafka/*/kafka-plz match no address"), "\(console.err)")
        #expect(!console.err.contains("--target tidb-kafka/azure.loadBalancer"), "\(console.err)")
    }

    @Test("A selector may name an address that only the inventory knows (removed from the manifests)")
    func inventoryAddress() async {
        #expect(await run([], manifests: Repo.example("second-consumer"), dryRun: false).0 == ExitStatus.success)
        let (status, console) = await run(["tidb-kafka/azure.privateLinkService/kafka-pls-2"])
        #expect(status == ExitStatus.success, "\(console.err)")
        // Under the default deletionPolicy (Orphan) it is forgotten, not deleted.
        #expect(console.out.contains("~> tidb-kafka/azure.privateLinkService/kafka-pls-2"), "\(console.out)")
    }

    @Test("A targeted plan with nothing to do says it is partial, not that the world matches")
    func partialNoChanges() async {
        #expect(await run([], dryRun: false).0 == ExitStatus.success)
        let (status, console) = await run(["tidb-kafka/azure.loadBalancer"])
        #expect(status == ExitStatus.success, "\(console.err)")
        #expect(!console.out.contains("No changes."), "\(console.out)")
        #expect(!console.out.contains("The real world matches the manifests"), "\(console.out)")
        #expect(console.out.hasPrefix("This plan is partial and has no changes"), "\(console.out)")
        let (full, complete) = await run([])
        #expect(full == ExitStatus.success)
        #expect(complete.out.hasPrefix("No changes. The real world matches the manifests."), "\(complete.out)")
    }
}
