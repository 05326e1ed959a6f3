#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FileStateStore
import Foundation
import ProviderAPI
import Testing

@Suite("FileStateStore lock")
struct LockTests {
    let host = "builder-1"

    func store(_ root: URL, host: String? = nil, pid: Int32 = getpid()) -> FileStateStore {
        FileStateStore(directory: root, now: { fixedDate.addingTimeInterval(0.75) }, hostName: host ?? self.host, processID: pid)
    }

    @Test func acquireAndRelease() async throws {
        try await withTemporaryDirectory { root async throws in
            let s = store(root)
            let info = try await s.lock(cluster: "c1", operation: "apply")
            #expect(info.cluster == "c1" && info.host == host && info.pid == getpid() && info.operation == "apply")
            #expect(info.startedAt == fixedDate)  // whole seconds, so it reads back equal
            #expect(UUID(uuidString: info.id) != nil)
            #expect(try await s.currentLock(cluster: "c1") == info)
            #expect(permissions(root.appendingPathComponent("c1/lock.json").path) == 0o600)
            #expect(try listing(root) == ["c1", "c1/lock.json"])

            try await s.unlock(info)
            #expect(try await s.currentLock(cluster: "c1") == nil)
            try await s.unlock(info)  // idempotent
            let again = try await s.lock(cluster: "c1", operation: "apply")
            #expect(again.id != info.id)
        }
    }

    @Test func secondAcquireFailsNamingTheHolder() async throws {
        try await withTemporaryDirectory { root async throws in
            let first = try await store(root).lock(cluster: "c1", operation: "apply")
            let error = await #expect(throws: StateStoreError.self) {
                try await store(root).lock(cluster: "c1", operation: "import")
            }
            guard case .locked(let holder) = error else {
                Issue.record("expected .locked, got \(String(describing: error))")
                return
            }
            #expect(holder == first)
            let text = "\(error!)"
            #expect(text.contains(host))
            #expect(text.contains("pid \(getpid())"))
            #expect(text.contains("apply"))
            #expect(text.contains("reconcile state unlock c1 \(first.id)"))
        }
    }

    @Test func staleLockOnThisHostIsTakenOver() async throws {
        try await withTemporaryDirectory { root async throws in
            let deadPID = try deadProcessID()
            let stale = try await store(root, pid: deadPID).lock(cluster: "c1", operation: "apply")
            let s = store(root)
            #expect(await s.isHolderAlive(stale) == false)

            let fresh = try await s.lock(cluster: "c1", operation: "apply")
            #expect(fresh.id != stale.id)
            #expect(try await s.currentLock(cluster: "c1") == fresh)
            #expect(try listing(root) == ["c1", "c1/lock.json"])  // no temp files left
            #expect(permissions(root.appendingPathComponent("c1/lock.json").path) == 0o600)
        }
    }

    @Test func holderOnAnotherHostIsNotTakenOver() async throws {
        try await withTemporaryDirectory { root async throws in
            let remote = try await store(root, host: "other-host", pid: try deadProcessID())
                .lock(cluster: "c1", operation: "apply")
            let s = store(root)
            #expect(await s.isHolderAlive(remote))
            await #expect(throws: StateStoreError.locked(remote)) {
                try await s.lock(cluster: "c1", operation: "apply")
            }
            #expect(try await s.currentLock(cluster: "c1") == remote)
        }
    }

    @Test func forceUnlockChecksTheID() async throws {
        try await withTemporaryDirectory { root async throws in
            let s = store(root)
            await #expect(throws: StateStoreError.notLocked(cluster: "c1")) {
                try await s.forceUnlock(cluster: "c1", id: "nope")
            }
            let info = try await s.lock(cluster: "c1", operation: "apply")
            await #expect(throws: StateStoreError.lockIDMismatch(cluster: "c1", expected: info.id, given: "wrong")) {
                try await s.forceUnlock(cluster: "c1", id: "wrong")
            }
            #expect(try await s.currentLock(cluster: "c1") == info)
            try await s.forceUnlock(cluster: "c1", id: info.id)
            #expect(try await s.currentLock(cluster: "c1") == nil)
            await #expect(throws: StateStoreError.notLocked(cluster: "c1")) {
                try await s.forceUnlock(cluster: "c1", id: info.id)
            }
        }
    }

    @Test func corruptLockIsReportedAndKept() async throws {
        try await withTemporaryDirectory { root async throws in
            let path = root.appendingPathComponent("c1/lock.json").path
            try writeFile("{\"id\": \"x\", \"clus", to: path)
            let s = store(root)
            for attempt in 0..<3 {
                let error = await #expect(throws: StateStoreError.self) {
                    switch attempt {
                    case 0: _ = try await s.lock(cluster: "c1", operation: "apply")
                    case 1: _ = try await s.currentLock(cluster: "c1")
                    default: try await s.forceUnlock(cluster: "c1", id: "x")
                    }
                }
                guard case .corrupt(let reported, _) = error else {
                    Issue.record("expected .corrupt, got \(String(describing: error))")
                    continue
                }
                #expect(reported == path)
            }
            #expect(try readFile(path) == Data("{\"id\": \"x\", \"clus".utf8))
            #expect(try listing(root) == ["c1", "c1/lock.json"])
        }
    }

    @Test(arguments: ["", ".", "..", "../x", "a/b", "c 1", "ü"])
    func invalidClusterNamesAreRejected(_ name: String) async throws {
        try await withTemporaryDirectory { root async throws in
            let s = store(root)
            let error = await #expect(throws: StateStoreError.self) {
                try await s.lock(cluster: name, operation: "apply")
            }
            guard case .io = error else {
                Issue.record("expected .io, got \(String(describing: error))")
                return
            }
            await #expect(throws: StateStoreError.self) { try await s.inventory(cluster: name) }
            #expect(try listing(root).isEmpty)
        }
    }

    @Test(arguments: [false, true])
    func racingLocksHaveExactlyOneWinner(overStaleLock: Bool) async throws {
        try await withTemporaryDirectory { root async throws in
            let stores = [FileStateStore(directory: root), FileStateStore(directory: root)]
            if overStaleLock {  // everyone sees a stale lock and tries to take it over; only one may
                let hostName = stores[0].hostName
                _ = try await FileStateStore(directory: root, hostName: hostName, processID: try deadProcessID())
                    .lock(cluster: "c1", operation: "apply")
            }
            let outcomes = await withTaskGroup(of: Result<LockInfo, any Error>.self) { group in
                for i in 0..<20 {
                    group.addTask {
                        do { return .success(try await stores[i % 2].lock(cluster: "c1", operation: "apply \(i)")) }
                        catch { return .failure(error) }
                    }
                }
                var all: [Result<LockInfo, any Error>] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            let winners = outcomes.compactMap { try? $0.get() }
            #expect(winners.count == 1)
            let lockedErrors = outcomes.filter {
                if case .failure(StateStoreError.locked(let holder)) = $0 { return holder == winners.first }
                return false
            }
            #expect(lockedErrors.count == 19)
            #expect(try await stores[0].currentLock(cluster: "c1") == winners.first)
            #expect(try listing(root) == ["c1", "c1/lock.json"])
        }
    }
}
