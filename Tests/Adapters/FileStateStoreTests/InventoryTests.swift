import FileStateStore
import Foundation
import ProviderAPI
import ReconcileModel
import Testing

@Suite("FileStateStore inventory and layout")
struct InventoryTests {
    func sample() -> Inventory {
        Inventory(cluster: "c1", entries: [
            .init(address: address("kafka-lb", type: "azure.loadBalancer"), cloudID: "/subscriptions/s/lb", origin: .created,
                  applied: .object(["frontendPort": .int(9092), "sku": .string("Standard")]), disruption: .consumerVisible),
            .init(address: address("1"), origin: .adopted, dependsOn: [address("kafka-lb", type: "azure.loadBalancer")]),
        ])
    }

    @Test func roundTripWithModesAndNoTempFiles() async throws {
        try await withTemporaryDirectory { tmp async throws in
            let root = tmp.appendingPathComponent("state")
            let s = FileStateStore(directory: root)
            try await s.saveInventory(sample())
            #expect(try await s.inventory(cluster: "c1") == sample())

            var changed = sample()
            changed[address("1")] = nil
            try await s.saveInventory(changed)
            #expect(try await s.inventory(cluster: "c1") == changed)

            #expect(permissions(root.path) == 0o700)
            #expect(permissions(root.appendingPathComponent("c1").path) == 0o700)
            #expect(permissions(root.appendingPathComponent("c1/inventory.json").path) == 0o600)
            #expect(try listing(tmp) == ["state", "state/c1", "state/c1/inventory.json"])
        }
    }

    @Test func fileIsPrettySortedAndReadable() async throws {
        try await withTemporaryDirectory { root async throws in
            try await FileStateStore(directory: root).saveInventory(sample())
            let text = String(decoding: try readFile(root.appendingPathComponent("c1/inventory.json").path), as: UTF8.self)
            #expect(text.hasSuffix("}\n"))
            #expect(text.contains("\n  \"cluster\" : \"c1\""))
            #expect(text.contains("\"c1/azure.loadBalancer/kafka-lb\""))  // slashes unescaped
            let keys = ["\"cluster\"", "\"entries\"", "\"version\""].map { text.range(of: $0)!.lowerBound }
            #expect(keys == keys.sorted())
            // entries are sorted by address
            #expect(text.range(of: "azure.loadBalancer/kafka-lb\",\n")!.lowerBound
                < text.range(of: "\"address\" : \"c1/kafka.brokerConfig/1\"")!.lowerBound)
        }
    }

    @Test func missingInventoryIsEmpty() async throws {
        try await withTemporaryDirectory { root async throws in
            let store = FileStateStore(directory: root)
            #expect(try await store.inventory(cluster: "c1") == Inventory(cluster: "c1"))
        }
    }

    @Test(arguments: [
        ("{\"version\": 1, \"cluster\": \"c1\", \"entr", "invalid JSON"),
        ("{\"version\": 1, \"cluster\": \"c1\"}", "missing field \"entries\""),
        ("{\"version\": 1, \"cluster\": \"other\", \"entries\": []}", "not \"c1\""),
        ("[]", "found an array"),
    ])
    func corruptInventoryIsReportedAndUntouched(text: String, reasonFragment: String) async throws {
        try await withTemporaryDirectory { root async throws in
            let path = root.appendingPathComponent("c1/inventory.json").path
            try writeFile(text, to: path)
            let error = await #expect(throws: StateStoreError.self) {
                try await FileStateStore(directory: root).inventory(cluster: "c1")
            }
            guard case .corrupt(let reported, let reason) = error else {
                Issue.record("expected .corrupt, got \(String(describing: error))")
                return
            }
            #expect(reported == path)
            #expect(reason.contains(reasonFragment))
            #expect(try readFile(path) == Data(text.utf8))
        }
    }

    @Test func futureVersionNamesTheSupportedOne() async throws {
        try await withTemporaryDirectory { root async throws in
            let path = root.appendingPathComponent("c1/inventory.json").path
            try writeFile("{\"version\": 7, \"cluster\": \"c1\", \"entries\": [], \"newField\": true}", to: path)
            await #expect(
                throws: StateStoreError.corrupt(
                    path: path,
                    reason: "inventory format version 7 is not supported (this reconcile supports version 1); upgrade reconcile"
                )
            ) {
                try await FileStateStore(directory: root).inventory(cluster: "c1")
            }
        }
    }

    @Test func clustersListsOnlyDirectoriesWithState() async throws {
        try await withTemporaryDirectory { root async throws in
            let s = FileStateStore(directory: root)
            #expect(try await s.clusters() == [])
            try await s.saveInventory(Inventory(cluster: "zeta"))
            try await s.append(entry(.create), cluster: "alpha")
            _ = try await s.lock(cluster: "mid.dle_1-x", operation: "apply")
            try FileManager.default.createDirectory(at: root.appendingPathComponent("empty"), withIntermediateDirectories: true)
            try writeFile("notes", to: root.appendingPathComponent("README.md").path)
            try writeFile("x", to: root.appendingPathComponent("stray/other.txt").path)
            #expect(try await s.clusters() == ["alpha", "mid.dle_1-x", "zeta"])
        }
    }

    @Test func readsOnMissingStateCreateNothing() async throws {
        try await withTemporaryDirectory { tmp async throws in
            for root in [tmp.appendingPathComponent("state"), tmp] {  // missing root, then missing cluster dir
                let s = FileStateStore(directory: root)
                #expect(try await s.inventory(cluster: "c1") == Inventory(cluster: "c1"))
                #expect(try await s.journal(cluster: "c1") == [])
                #expect(try await s.currentLock(cluster: "c1") == nil)
                #expect(try await s.clusters() == [])
                let ghost = LockInfo(id: "x", cluster: "c1", host: s.hostName, pid: 1, operation: "apply", startedAt: fixedDate)
                _ = await s.isHolderAlive(ghost)
                try await s.unlock(ghost)
                await #expect(throws: StateStoreError.notLocked(cluster: "c1")) {
                    try await s.forceUnlock(cluster: "c1", id: "x")
                }
                #expect(try listing(tmp) == [])
            }
        }
    }
}
