import ArgumentParser
import FileStateStore
import Foundation
import ProviderAPI
import ReconcileModel

/// `reconcile state show|unlock`: inspect and repair the state directory.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Show or repair the reconciler's state.",
        subcommands: [Show.self, Unlock.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show locks, inventory and the latest journal entries.")

        @OptionGroup var stateDirectory: StateOption

        @Argument(help: "Cluster name (default: every cluster with state).")
        var cluster: String?

        @Option(name: .long, help: "Number of journal entries to show per cluster.")
        var journal = 20

        @ParentCommand var root: ReconcileCommand

        func validate() throws { try RootOptionCheck.refuse(root, in: "state show", taking: [.state]) }

        func run() async throws {
            let store = FileStateStore(directory: URL(fileURLWithPath: stateDirectory.state))
            let status = await StateCommand.show(store: store, cluster: cluster, journalLines: journal, console: .standard)
            if status != ExitStatus.success { throw ExitCode(status) }
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a cluster's lock left by a process that is gone. Needs the exact lock id (see `state show`).")

        @OptionGroup var stateDirectory: StateOption

        @Argument(help: "Cluster name.")
        var cluster: String

        @Argument(help: "Lock id, as printed by `reconcile state show` or in the lock error.")
        var id: String

        @ParentCommand var root: ReconcileCommand

        func validate() throws { try RootOptionCheck.refuse(root, in: "state unlock", taking: [.state]) }

        func run() async throws {
            let store = FileStateStore(directory: URL(fileURLWithPath: stateDirectory.state))
            do {
                try await store.forceUnlock(cluster: cluster, id: id)
                Console.standard.out("Unlocked \(cluster) (lock \(id)).\n")
            } catch {
                Console.standard.err("error: \(error)\n")
                throw ExitCode(ExitStatus.error)
            }
        }
    }

    static func show(store: any StateStore, cluster: String?, journalLines: Int, console: Console) async -> Int32 {
        do {
            let clusters: [String]
            if let cluster { clusters = [cluster] } else { clusters = try await store.clusters() }
            if clusters.isEmpty { console.out("No state yet.\n") }
            for name in clusters {
                console.out("Cluster \(name)\n")
                if let lock = try await store.currentLock(cluster: name) {
                    let alive = await store.isHolderAlive(lock)
                    console.out("  lock: \(lock.id) held by \(lock.operation) (pid \(lock.pid) on \(lock.host), since \(lock.startedAt.formatted(.iso8601)))\(alive ? "" : " [holder is gone]")\n")
                } else {
                    console.out("  lock: none\n")
                }
                let inventory = try await store.inventory(cluster: name)
                console.out("  inventory: \(inventory.entries.count) resource\(inventory.entries.count == 1 ? "" : "s")\n")
                for entry in inventory.entries.values.sorted(by: { $0.address < $1.address }) {
                    console.out("    \(entry.address) (\(entry.origin.rawValue))\(entry.cloudID.map { " \($0)" } ?? "")\n")
                }
                let journal = try await store.journal(cluster: name)
                console.out("  journal: \(journal.count) entr\(journal.count == 1 ? "y" : "ies")\(journal.count > journalLines ? ", latest \(journalLines)" : "")\n")
                for e in journal.suffix(journalLines) {
                    console.out("    \(e.time.formatted(.iso8601)) \(e.runID.prefix(8)) \(e.address) \(e.action.rawValue) \(e.status.rawValue)\(e.detail.map { ": \($0)" } ?? "")\n")
                }
            }
            return ExitStatus.success
        } catch {
            console.err("error: \(error)\n")
            return ExitStatus.error
        }
    }
}
