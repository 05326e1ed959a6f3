import Glibc
import Testing
@testable import TCPForwarding

/// The listener lifecycle of ``ForwardingTable``: retarget, removal, no backend, conflicts, stop, idempotence.
@Suite struct ForwardingTableTests {
    @Test func retargetsWithoutRebinding() throws {
        let harness = try Harness(test: 10)
        let first = try harness.server(2, handler: TestServer.echo(tag: "A"))
        let second = try harness.server(3, handler: TestServer.echo(tag: "B"))
        let rule = harness.rule(to: first)
        #expect(try harness.table.apply([rule]).isEmpty)
        let listening = try SocketInventory.listeningInode(host: rule.listenHost, port: rule.listenPort)
        let before = try harness.connect(rule)
        #expect(try before.read(exactly: 1) == Array("A".utf8))

        var moved = rule
        (moved.targetHost, moved.targetPort) = (second.host, second.port)
        #expect(try harness.table.apply([moved]).isEmpty)
        #expect(harness.table.active == [moved])
        // Same listening socket (same inode), new connections reach the new target, the old one still works.
        #expect(listening != nil)
        #expect(try SocketInventory.listeningInode(host: rule.listenHost, port: rule.listenPort) == listening)
        let after = try harness.connect(moved)
        #expect(try after.read(exactly: 1) == Array("B".utf8))
        try harness.snapshot()
        try before.send("still A")
        #expect(try before.read(exactly: 7) == Array("still A".utf8))
        try harness.finish()
    }

    @Test func removedRuleStopsListeningWhileItsConnectionsFinish() throws {
        let harness = try Harness(test: 11)
        let server = try harness.server(handler: TestServer.echo())
        let (kept, removed) = (harness.rule(to: server), harness.rule(to: server))
        #expect(try harness.table.apply([kept, removed]).isEmpty)
        let established = try harness.connect(removed)
        try established.send("one")
        #expect(try established.read(exactly: 3) == Array("one".utf8))
        try harness.snapshot()

        #expect(try harness.table.apply([kept]).isEmpty)
        #expect(harness.table.active == [kept])
        #expect(try SocketInventory.listeningInode(host: removed.listenHost, port: removed.listenPort) == nil)
        #expect(throws: TestFailure.self) { try TestSocket.connect(removed.listenHost, removed.listenPort) }
        try established.send("two")
        #expect(try established.read(exactly: 3) == Array("two".utf8))
        // stop() then closes the surviving connection.
        harness.table.stop()
        #expect(try established.readToEnd().isEmpty)
        try harness.finish()
    }

    @Test func ruleWithoutTargetAcceptsAndClosesAtOnce() throws {
        let harness = try Harness(test: 12)
        let rule = harness.rule(to: nil)
        #expect(try harness.table.apply([rule]).isEmpty)
        #expect(harness.table.active == [rule])
        let client = try harness.connect(rule)
        #expect(try client.readToEnd().isEmpty)
        try harness.finish()
    }

    @Test func unreachableTargetClosesTheClient() throws {
        let harness = try Harness(test: 13)
        let host = Loopback.host(13, 2)
        let rule = ForwardingRule(
            listenHost: harness.listenHost, listenPort: Loopback.freePort(harness.listenHost), targetHost: host,
            targetPort: Loopback.freePort(host))
        #expect(try harness.table.apply([rule]).isEmpty)
        let client = try harness.connect(rule)
        #expect(try client.readToEnd().isEmpty)
        try harness.finish()
    }

    @Test func bindConflictsAreReportedPerRuleNotThrown() throws {
        let harness = try Harness(test: 14)
        let server = try harness.server(handler: TestServer.echo())
        let occupant = try harness.server(1) { _ in }  // holds 127.77.14.1:<port>
        let taken = harness.rule(to: server, port: occupant.port)
        let outOfRange = harness.rule(to: server, port: 70_000)
        let good = harness.rule(to: server)
        let failures = try harness.table.apply([taken, outOfRange, good])
        #expect(Set(failures.keys) == [taken, outOfRange])
        #expect(failures[taken]?.contains("Address already in use") == true, "\(failures)")
        #expect(failures[outOfRange]?.contains("not in 1...65535") == true)
        #expect(harness.table.active == [good])
        let client = try harness.connect(good)
        try client.send("ok")
        #expect(try client.read(exactly: 2) == Array("ok".utf8))
        try harness.snapshot()
        // A failed rule is tried again by the next apply.
        occupant.stop()
        #expect(try harness.table.apply([taken, good]).isEmpty)
        #expect(Set(harness.table.active) == [taken, good])
        try harness.finish()
    }

    @Test func oneListenKeyWithTwoTargetsThrows() throws {
        let table = ForwardingTable()
        let first = ForwardingRule(listenHost: "127.77.15.1", listenPort: 9093, targetHost: "127.77.15.2", targetPort: 1)
        var second = first
        second.targetPort = 2
        #expect(throws: ForwardingError.conflictingRules(first, second)) { try table.apply([first, second]) }
        #expect(table.active.isEmpty)
        #expect(try table.apply([first, first]).isEmpty)  // an exact duplicate is one rule
        #expect(table.active == [first])
        table.stop()
    }

    @Test func stopClosesListenersAndConnectionsAndReleasesEverything() throws {
        let harness = try Harness(test: 16)
        let server = try harness.server(handler: TestServer.echo())
        let rules = (0..<3).map { _ in harness.rule(to: server) }
        #expect(try harness.table.apply(rules).isEmpty)
        let clients = try (0..<12).map { try harness.connect(rules[$0 % 3]) }
        for client in clients {
            try client.send("hi")
            #expect(try client.read(exactly: 2) == Array("hi".utf8))
        }
        try harness.snapshot()
        for client in clients { try client.send(TestData.bytes(100_000, seed: 3)) }  // mid-transfer
        harness.table.stop()
        #expect(harness.table.liveThreads == 0)
        #expect(harness.table.active.isEmpty)
        for rule in rules {
            #expect(try SocketInventory.listeningInode(host: rule.listenHost, port: rule.listenPort) == nil)
        }
        for client in clients { _ = try? client.readToEnd() }  // every forwarded connection was closed
        // The table works again after stop().
        #expect(try harness.table.apply([rules[0]]).isEmpty)
        let again = try harness.connect(rules[0])
        try again.send("again")
        #expect(try again.read(exactly: 5) == Array("again".utf8))
        try harness.finish()
    }

    @Test func applyIsIdempotent() throws {
        let harness = try Harness(test: 17)
        let server = try harness.server(handler: TestServer.echo())
        let occupant = try harness.server(1) { _ in }
        let rules = [harness.rule(to: server), harness.rule(to: nil), harness.rule(to: server, port: occupant.port)]
        let first = try harness.table.apply(rules)
        let inodes = try rules.map { try SocketInventory.listeningInode(host: $0.listenHost, port: $0.listenPort) }
        let client = try harness.connect(rules[0])
        for order in [rules, rules.reversed(), rules] {
            #expect(try harness.table.apply(order) == first)
            #expect(Set(harness.table.active) == Set(rules.prefix(2)))
            #expect(try rules.map { try SocketInventory.listeningInode(host: $0.listenHost, port: $0.listenPort) } == inodes)
        }
        try client.send("same connection")
        #expect(try client.read(exactly: 15) == Array("same connection".utf8))
        try harness.snapshot()
        try harness.finish()
    }
}
