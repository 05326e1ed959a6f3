import Foundation
import Testing
@testable import TCPForwarding

/// Bytes through the forwarder on real loopback sockets: echo, large transfers, half-close, many connections.
@Suite struct DataPathTests {
    @Test func echoesThroughTheForwarder() throws {
        let harness = try Harness(test: 1)
        let rule = harness.rule(to: try harness.server(handler: TestServer.echo()))
        #expect(try harness.table.apply([rule]).isEmpty)
        #expect(harness.table.active == [rule])
        let client = try harness.connect(rule)
        for message in ["hello", "kafka request", String(repeating: "x", count: 10_000)] {
            try client.send(message)
            #expect(String(decoding: try client.read(exactly: message.utf8.count), as: UTF8.self) == message)
        }
        // The inventory sees both listeners, the client, both legs of the relay and the server's end.
        let inventory = try SocketInventory.openSockets(test: 1)
        #expect(inventory == 6)
        try harness.snapshot()
        client.shutdownWrite()
        #expect(try client.readToEnd().isEmpty)
        try harness.finish()
    }

    @Test func copiesEightMebibytesEachWayIntact() throws {
        let harness = try Harness(test: 2)
        let rule = harness.rule(to: try harness.server(handler: TestServer.echo()))
        #expect(try harness.table.apply([rule]).isEmpty)
        let client = try harness.connect(rule)
        let payload = TestData.bytes(8 << 20, seed: 42)
        let sent = Handoff<String>()
        Thread.detachNewThread {
            do {
                try client.send(payload)
                client.shutdownWrite()
                sent.put("ok")
            } catch { sent.put("\(error)") }
        }
        let head = try client.read(exactly: 1 << 20)
        try harness.snapshot()
        let echoed = try head + client.readToEnd()
        #expect(sent.take() == "ok")
        #expect(echoed.count == payload.count)
        #expect(TestData.checksum(echoed) == TestData.checksum(payload))
        try harness.finish()
    }

    @Test func clientHalfCloseReachesTheServerWhichStillAnswers() throws {
        let harness = try Harness(test: 3)
        // Says it is ready, reads the whole request (until EOF), then answers with its size and checksum.
        let server = try harness.server { socket in
            try socket.send("ready")
            let request = try socket.readToEnd()
            try socket.send("\(request.count) \(TestData.checksum(request))")
        }
        let rule = harness.rule(to: server)
        #expect(try harness.table.apply([rule]).isEmpty)
        let client = try harness.connect(rule)
        #expect(try client.read(exactly: 5) == Array("ready".utf8))
        try harness.snapshot()
        let request = TestData.bytes(300_000, seed: 7)
        try client.send(request)
        client.shutdownWrite()
        let answer = String(decoding: try client.readToEnd(), as: UTF8.self)
        #expect(answer == "\(request.count) \(TestData.checksum(request))")
        try harness.finish()
    }

    @Test func serverHalfCloseReachesTheClientWhichStillSends() throws {
        let harness = try Harness(test: 4)
        let received = Handoff<String>()
        // Greets, half-closes, then keeps reading what the client sends.
        let server = try harness.server { socket in
            try socket.send("banner")
            socket.shutdownWrite()
            received.put(String(decoding: try socket.readToEnd(), as: UTF8.self))
        }
        let rule = harness.rule(to: server)
        #expect(try harness.table.apply([rule]).isEmpty)
        let client = try harness.connect(rule)
        #expect(String(decoding: try client.readToEnd(), as: UTF8.self) == "banner")
        try harness.snapshot()
        try client.send("sent after the server's EOF")
        client.shutdownWrite()
        #expect(received.take() == "sent after the server's EOF")
        try harness.finish()
    }

    @Test func relaysManyConnectionsAtOnce() throws {
        let harness = try Harness(test: 5)
        let rule = harness.rule(to: try harness.server(handler: TestServer.echo()))
        #expect(try harness.table.apply([rule]).isEmpty)
        // 150 connections open at the same time, each with its own message.
        let clients = try (0..<150).map { _ in try harness.connect(rule) }
        for (index, client) in clients.enumerated() { try client.send("message \(index);") }
        for (index, client) in clients.enumerated() {
            let expected = "message \(index);"
            #expect(String(decoding: try client.read(exactly: expected.utf8.count), as: UTF8.self) == expected)
        }
        try harness.snapshot()
        // And 12 connections moving 1 MiB each concurrently.
        let results = (0..<12).map { _ in Handoff<Bool>() }
        for (index, result) in results.enumerated() {
            let client = try harness.connect(rule)
            Thread.detachNewThread {
                let payload = TestData.bytes(1 << 20, seed: UInt64(index + 1))
                let writer = Handoff<Bool>()
                Thread.detachNewThread {
                    writer.put((try? client.send(payload)) != nil)
                    client.shutdownWrite()
                }
                let echoed = (try? client.readToEnd()) ?? []
                result.put(writer.take() == true && TestData.checksum(echoed) == TestData.checksum(payload))
            }
        }
        #expect(results.allSatisfy { $0.take() == true })
        try harness.finish()
    }
}
