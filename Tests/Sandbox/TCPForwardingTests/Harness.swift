import Testing
@testable import TCPForwarding

/// One test's forwarding table, servers and clients on its own addresses 127.77.`test`.x; ``finish()`` stops them
/// all and checks that no thread of the table and no socket on those addresses is left, including every socket
/// seen by ``snapshot()`` while connections were live (the forwarder's legs among them).
final class Harness {
    let test: UInt8
    let table = ForwardingTable()
    private var servers: [TestServer] = []
    private var clients: [TestSocket] = []
    private var seen: Set<String> = []

    init(test: UInt8) throws {
        self.test = test
        #expect(try SocketInventory.openSockets(test: test) == 0, "sockets left over on 127.77.\(test).x")
    }

    /// The listen address of the forwarder (127.77.`test`.1).
    var listenHost: String { Loopback.host(test, 1) }

    func server(_ last: UInt8 = 2, handler: @escaping @Sendable (TestSocket) throws -> Void) throws -> TestServer {
        let server = try TestServer(host: Loopback.host(test, last), handler: handler)
        servers.append(server)
        return server
    }

    /// A rule from a fresh port on 127.77.`test`.1 to `server` (or no backend).
    func rule(to server: TestServer?, port: Int? = nil) -> ForwardingRule {
        ForwardingRule(
            listenHost: listenHost, listenPort: port ?? Loopback.freePort(listenHost), targetHost: server?.host,
            targetPort: server?.port ?? 0)
    }

    func connect(_ rule: ForwardingRule) throws -> TestSocket {
        let client = try TestSocket.connect(rule.listenHost, rule.listenPort)
        clients.append(client)
        return client
    }

    /// Remembers the sockets open on the test's addresses now; ``finish()`` checks each of them was closed.
    func snapshot() throws {
        seen.formUnion(try SocketInventory.socketInodes(test: test))
    }

    /// Stops the table, then checks the forwarder released its threads and descriptors before the test's own
    /// sockets are closed; returns nothing so tests can call it last.
    func finish() throws {
        try snapshot()
        table.stop()
        #expect(table.liveThreads == 0)
        #expect(table.active.isEmpty)
        for client in clients { client.close() }
        for server in servers { server.stop() }
        #expect(try SocketInventory.openSockets(test: test) == 0, "sockets left on 127.77.\(test).x after stop()")
        let leaked = try SocketInventory.openSocketInodes().intersection(seen)
        #expect(leaked.isEmpty, "\(leaked.count) of \(seen.count) sockets seen during the test are still open")
    }
}
