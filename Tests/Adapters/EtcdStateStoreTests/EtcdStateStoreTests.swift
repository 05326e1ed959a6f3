import CurlTransport
import EtcdStateStore
import Foundation
import ProviderAPI
import ReconcileModel
import Synchronization
import TestSupport
import Testing

/// Passes requests to libcurl until `cut()`; then every request fails as a refused connection would (a process
/// cut off from etcd, or frozen: its keepalives stop reaching etcd).
final class CuttableTransport: HTTPTransport {
    let inner = CurlTransport()
    let isCut = Atomic<Bool>(false)
    func cut() { isCut.store(true, ordering: .sequentiallyConsistent) }
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        if isCut.load(ordering: .sequentiallyConsistent) { throw HTTPTransportError.connectFailed("cut off (test)") }
        return try await inner.send(request)
    }
}

func store(_ cluster: EtcdCluster, endpoints: [String]? = nil, transport: (any HTTPTransport)? = nil, ttl: Int = 15, prefix: String = "/test")
    -> EtcdStateStore
{
    EtcdStateStore(
        client: EtcdClient(configuration: .init(endpoints: endpoints ?? cluster.endpoints), transport: transport ?? CurlTransport()),
        prefix: prefix, leaseTTL: .seconds(ttl), hostName: "runner-\(ttl)", processID: 4242)
}

func entry(_ n: Int, run: String = "run-1") -> JournalEntry {
    JournalEntry(
        time: Date(timeIntervalSince1970: 1_800_000_000 + Double(n)), runID: run,
        address: ResourceAddress(cluster: "c1", type: "azure.loadBalancer", name: "lb"), action: .update, status: .succeeded,
        fingerprint: "f\(n)", detail: "step \(n)", revision: "main@sha1:abc")
}

/// The etcd backend against a real etcd (Debian's `etcd-server`) on loopback.
@Suite("EtcdStateStore: the StateStore contract on a real etcd", .serialized)
struct EtcdStateStoreTests {
    @Test func inventoryAndJournalRoundTripInAppendOrder() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let s = store(etcd)
        #expect(try await s.inventory(cluster: "c1") == Inventory(cluster: "c1"))
        #expect(try await s.clusters() == [])
        var inventory = Inventory(cluster: "c1")
        inventory[ResourceAddress(cluster: "c1", type: "azure.loadBalancer", name: "lb")] = .init(
            address: ResourceAddress(cluster: "c1", type: "azure.loadBalancer", name: "lb"), cloudID: "/subscriptions/s/x", origin: .created,
            applied: ["sku": ["name": "Standard"], "n": 3], disruption: .consumerVisible)
        try await s.saveInventory(inventory)
        #expect(try await s.inventory(cluster: "c1") == inventory)
        // Appended with times out of order: read back in the order they were appended, not by time.
        let entries = (0..<30).map { entry(($0 * 7) % 30) }
        for e in entries { try await s.append(e, cluster: "c1") }
        #expect(try await s.journal(cluster: "c1") == entries)
        try await s.append(entry(1), cluster: "c2")
        #expect(try await s.clusters() == ["c1", "c2"])
        // Another store on another prefix sees none of it.
        #expect(try await store(etcd, prefix: "/other").clusters() == [])
        await #expect(throws: StateStoreError.self) { try await s.saveInventory(Inventory(cluster: "bad/name")) }
    }

    @Test func theLockIsExclusiveAndNamesItsHolderWithAFencingToken() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let a = store(etcd), b = store(etcd, ttl: 20)
        let held = try await a.lock(cluster: "c1", operation: "apply")
        #expect(held.host == "runner-15" && held.pid == 4242 && held.operation == "apply")
        let token = try #require(held.fencingToken)
        do {
            _ = try await b.lock(cluster: "c1", operation: "serve")
            Issue.record("a second lock was granted")
        } catch StateStoreError.locked(let holder) {
            #expect(holder.id == held.id && holder.fencingToken == token)
        }
        #expect(try await b.currentLock(cluster: "c1")?.id == held.id)
        // Other clusters are independent.
        let other = try await b.lock(cluster: "c2", operation: "serve")
        try await a.confirm(held)
        try await a.unlock(held)
        try await a.unlock(held)  // idempotent
        #expect(try await b.currentLock(cluster: "c1") == nil)
        // Every acquisition has a larger token than the one before.
        let again = try await b.lock(cluster: "c1", operation: "serve")
        #expect(try #require(again.fencingToken) > token)
        try await b.unlock(again)
        try await b.unlock(other)
    }

    @Test func aLockForcedAwayFencesItsHoldersWrites() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let a = store(etcd), operator_ = store(etcd)
        let held = try await a.lock(cluster: "c1", operation: "apply")
        try await a.append(entry(1), cluster: "c1")
        await #expect(throws: StateStoreError.lockIDMismatch(cluster: "c1", expected: held.id, given: "wrong")) {
            try await operator_.forceUnlock(cluster: "c1", id: "wrong")
        }
        try await operator_.forceUnlock(cluster: "c1", id: held.id)
        await #expect(throws: StateStoreError.notLocked(cluster: "c1")) { try await operator_.forceUnlock(cluster: "c1", id: held.id) }
        let b = try await operator_.lock(cluster: "c1", operation: "apply")
        // The old holder's writes are refused by etcd itself, and it is told before any further step.
        await #expect(throws: StateStoreError.self) { try await a.append(entry(2), cluster: "c1") }
        await #expect(throws: StateStoreError.self) { try await a.saveInventory(Inventory(cluster: "c1")) }
        do {
            try await a.confirm(held)
            Issue.record("confirm passed for a lost lock")
        } catch StateStoreError.lockLost(let cluster, _) {
            #expect(cluster == "c1")
        }
        #expect(try await operator_.journal(cluster: "c1") == [entry(1)])
        try await operator_.append(entry(3), cluster: "c1")
        #expect(try await operator_.journal(cluster: "c1") == [entry(1), entry(3)])
        try await operator_.unlock(b)
    }

    /// A holder cut off from etcd (frozen, partitioned) stops acting by its own clock before etcd lets another
    /// process take the lock: at the moment the other process gets it, the first one's `confirm` already refuses.
    @Test func aHolderCutOffStopsBeforeAnotherCanTakeTheLock() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let cut = CuttableTransport()
        let a = store(etcd, transport: cut, ttl: 2), b = store(etcd, ttl: 2)
        let held = try await a.lock(cluster: "c1", operation: "serve")
        try await Task.sleep(for: .seconds(1))  // keepalives go through meanwhile
        try await a.confirm(held)
        cut.cut()
        var taken: LockInfo?
        while taken == nil {
            do {
                taken = try await b.lock(cluster: "c1", operation: "serve")
            } catch StateStoreError.locked {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        do {
            try await a.confirm(held)
            Issue.record("the cut-off holder still thinks it holds the lock after another took it")
        } catch StateStoreError.lockLost(_, let reason) {
            #expect(reason.contains("keepalive"))
        }
        await #expect(throws: StateStoreError.self) { try await a.saveInventory(Inventory(cluster: "c1")) }
        #expect(try #require(taken?.fencingToken) > (held.fencingToken ?? .max))
        try await b.confirm(try #require(taken))
    }

    @Test func keepalivesHoldTheLockPastItsTTL() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        // A 4 s lease held for over twice its TTL (a 2 s lease, etcd's minimum, was lost now and then when the
        // machine was saturated by the suites running beside it: three keepalives late in a row).
        let a = store(etcd, ttl: 4), b = store(etcd, ttl: 4)
        let held = try await a.lock(cluster: "c1", operation: "serve")
        try await Task.sleep(for: .seconds(9))
        try await a.confirm(held)
        try await a.saveInventory(Inventory(cluster: "c1"))
        await #expect(throws: StateStoreError.self) { _ = try await b.lock(cluster: "c1", operation: "serve") }
        try await a.unlock(held)
        _ = try await b.lock(cluster: "c1", operation: "serve")
    }

    @Test func endpointsFailOverToALiveMember() async throws {
        let etcd = try EtcdCluster.start(size: 3)
        defer { etcd.shutdown() }
        let dead = "http://127.0.0.1:\(try EtcdCluster.freePort())"
        let s = store(etcd, endpoints: [dead] + etcd.endpoints)
        try await s.append(entry(1), cluster: "c1")
        #expect(s.client.currentEndpoint == etcd.endpoints[0])
        etcd.stop(0)
        try await s.append(entry(2), cluster: "c1")
        #expect(s.client.currentEndpoint == etcd.endpoints[1])
        #expect(try await s.journal(cluster: "c1") == [entry(1), entry(2)])
        // With only dead endpoints, the error says which endpoints were tried and why.
        etcd.stop(1)
        etcd.stop(2)
        let alone = store(etcd, endpoints: [dead, etcd.endpoints[0]])
        do {
            _ = try await alone.journal(cluster: "c1")
            Issue.record("a read succeeded with every endpoint down")
        } catch StateStoreError.unavailable(let why) {
            #expect(why.contains(dead) && why.contains(etcd.endpoints[0]))
        }
    }

    @Test func passwordAuthentication() async throws {
        let etcd = try EtcdCluster.start()
        defer { etcd.shutdown() }
        let endpoint = etcd.endpoints[0]
        for args in [["user", "add", "root:rootpw"], ["user", "add", "reconciler:s3cret"], ["role", "add", "reconciler"],
                     ["role", "grant-permission", "reconciler", "--prefix=true", "readwrite", "/test/"], ["user", "grant-role", "reconciler", "reconciler"],
                     ["auth", "enable"]] {
            try etcdctl(endpoint, args)
        }
        func authed(_ user: String, _ password: String) -> EtcdStateStore {
            EtcdStateStore(
                client: EtcdClient(configuration: .init(endpoints: etcd.endpoints, username: user, password: password), transport: CurlTransport()),
                prefix: "/test")
        }
        let s = authed("reconciler", "s3cret")
        let held = try await s.lock(cluster: "c1", operation: "apply")
        try await s.append(entry(1), cluster: "c1")
        #expect(try await s.journal(cluster: "c1") == [entry(1)])
        try await s.unlock(held)
        do {
            _ = try await authed("reconciler", "wrong").journal(cluster: "c1")
            Issue.record("a wrong password was accepted")
        } catch {
            #expect("\(error)".contains("authentication failed") && !"\(error)".contains("wrong"))
        }
        // Without credentials, etcd refuses (and the store says so, rather than reporting an empty journal).
        await #expect(throws: (any Error).self) { _ = try await store(etcd).journal(cluster: "c1") }
    }

    func etcdctl(_ endpoint: String, _ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/etcdctl")
        p.arguments = ["--endpoints", endpoint] + args
        p.environment = ["ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if p.terminationStatus != 0 { throw EtcdClusterError("etcdctl \(args.joined(separator: " ")): \(text)") }
    }
}
