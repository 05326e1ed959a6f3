import ArgumentParser
import FileStateStore
import Foundation
import ProviderAPI
import ReconcileModel

/// `reconcile state show|unlock`: inspect and repair the state directory.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state", abstract: "Show or repair the reconciler's state.",
        subcommands: [Show.self, Unlock.self, Migrate.self])

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
            let store = try stateDirectory.makeStore()
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
            let store = try stateDirectory.makeStore()
            do {
                try await store.forceUnlock(cluster: cluster, id: id)
                Console.standard.out("Unlocked \(cluster) (lock \(id)).\n")
            } catch {
                Console.standard.err("error: \(error)\n")
                throw ExitCode(ExitStatus.error)
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every cluster's inventory and journal from --state to another backend (e.g. a directory to etcd).",
            discussion: """
                Both backends' locks of each cluster are held while it is copied, so no apply runs meanwhile. A cluster \
                that already has state at the destination is refused (nothing of it is overwritten); the source is \
                left as it was. Afterwards, point every runner and replica at the destination.
                """)

        @OptionGroup var stateDirectory: StateOption

        @Option(name: .customLong("to"), help: ArgumentHelp("The destination backend: a directory or an etcd URL (as --state).", valueName: "dir|url"))
        var destination: String

        @Option(name: .customLong("to-ca"), help: ArgumentHelp("etcd+https destination: its CA (as --state-ca).", valueName: "file"))
        var destinationCA: String?

        @Option(name: .customLong("to-cert"), help: ArgumentHelp("etcd+https destination: client certificate (as --state-cert).", valueName: "file"))
        var destinationCert: String?

        @Option(name: .customLong("to-key"), help: ArgumentHelp("etcd+https destination: the client certificate's key.", valueName: "file"))
        var destinationKey: String?

        @Argument(help: "Cluster name (default: every cluster with state).")
        var cluster: String?

        @ParentCommand var root: ReconcileCommand

        /// The destination as a `StateOption` of its own (its TLS files, the source's lease TTL).
        var destinationOption: StateOption {
            var option = StateOption()
            option.given = destination
            option.stateCA = destinationCA
            option.stateCert = destinationCert
            option.stateKey = destinationKey
            option.stateLeaseTTL = stateDirectory.stateLeaseTTL
            return option
        }

        func validate() throws {
            try RootOptionCheck.refuse(root, in: "state migrate", taking: [.state])
            do { try destinationOption.validate() } catch let error as ValidationError {
                throw ValidationError("--to: " + error.message.replacingOccurrences(of: "--state-", with: "--to-"))
            }
        }

        func run() async throws {
            let status: Int32
            do {
                let from = try stateDirectory.makeStore()
                let to = try destinationOption.makeStore()
                status = await StateCommand.migrate(from: from, to: to, cluster: cluster, console: .standard)
            } catch {
                Console.standard.err("error: \(error)\n")
                throw ExitCode(ExitStatus.error)
            }
            if status != ExitStatus.success { throw ExitCode(status) }
        }
    }

    /// Copies each cluster under both locks; refuses clusters the destination already has state for.
    static func migrate(from: any StateStore, to: any StateStore, cluster: String?, console: Console) async -> Int32 {
        let clusters: [String]
        do {
            if let cluster { clusters = [cluster] } else { clusters = try await from.clusters() }
        } catch {
            console.err("error: \(error)\n")
            return ExitStatus.error
        }
        var failed = false
        for name in clusters {
            var locks: [(any StateStore, LockInfo)] = []
            do {
                locks.append((from, try await from.lock(cluster: name, operation: "state migrate")))
                locks.append((to, try await to.lock(cluster: name, operation: "state migrate")))
                let existing = try await to.inventory(cluster: name), existingJournal = try await to.journal(cluster: name)
                if !existing.entries.isEmpty || !existingJournal.isEmpty {
                    throw MigrateRefusal(message: "\(name): the destination already has state for this cluster; nothing was copied")
                }
                let inventory = try await from.inventory(cluster: name)
                let journal = try await from.journal(cluster: name)
                for entry in journal { try await to.append(entry, cluster: name) }
                if !inventory.entries.isEmpty { try await to.saveInventory(inventory) }
                console.out("Copied \(name): \(inventory.entries.count) inventory entr\(inventory.entries.count == 1 ? "y" : "ies"), \(journal.count) journal entr\(journal.count == 1 ? "y" : "ies").\n")
            } catch let refusal as MigrateRefusal {
                console.err("error: \(refusal.message)\n")
                failed = true
            } catch {
                console.err("error: \(name): \(error)\n")
                failed = true
            }
            for (store, lock) in locks.reversed() { try? await store.unlock(lock) }
        }
        if clusters.isEmpty { console.out("No state to copy.\n") }
        return failed ? ExitStatus.error : ExitStatus.success
    }

    struct MigrateRefusal: Error { var message: String }

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
