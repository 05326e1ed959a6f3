@testable import ArmEmulator
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The emulated load balancer really carries TCP: frontend port on a loopback address -> the pool member's
/// listener, as a consumer's client would travel (external port -> load balancer -> broker listener).
@Suite struct ForwardingDataPathTests {
    @Test func aRuleCarriesBytesToItsPoolMemberAndStopsWhenTheRuleGoes() throws {
        let backend = try EchoServer(host: "127.0.88.4")
        defer { backend.stop() }
        var configuration = ArmEmulator.Configuration()
        configuration.retryAfterSeconds = 0
        configuration.operationPolls = 0
        configuration.forwarding = true
        configuration.addressMap = ["10.0.0.4": "127.0.88.4"]
        configuration.frontendBindHost = "127.0.88.7"   // the dynamic frontend address is not mapped
        let emulator = try ArmEmulator(configuration: configuration)
        try emulator.start()
        defer { emulator.stop() }
        let fixture = ForwardingPlanTests.Harness(client: ArmClient(port: emulator.port))
        try fixture.put(Fixture.groupPath, ["location": "eastus"])
        try fixture.put("\(Fixture.network)/virtualNetworks/kafka-pls-vnet", Fixture.vnetBody())
        try fixture.put("\(Fixture.network)/networkInterfaces/n1", Fixture.nicBody(ip: "10.0.0.4"))
        try fixture.put(Fixture.lbID, Fixture.lbBody(rules: [
            Fixture.rule("rule1", port: 9093, pool: "pool1", backendPort: backend.port),
            Fixture.rule("rule2", port: 9094, pool: "pool2", backendPort: backend.port),
        ]))
        try fixture.put("\(Fixture.network)/networkInterfaces/n1", Fixture.nicBody(ip: "10.0.0.4", pools: ["pool1"]))
        #expect(emulator.forwardingFailures.isEmpty, "\(emulator.forwardingFailures)")
        let frontend = try #require(emulator.forwardingRules.first { $0.listenPort == 9093 })
        #expect(frontend.listenHost == "127.0.88.7")

        #expect(try roundTrip(host: "127.0.88.7", port: 9093, payload: "ApiVersions through the load balancer") == "ApiVersions through the load balancer")
        // A rule whose pool has no member accepts and closes, like a load balancer without a healthy backend.
        #expect(try roundTrip(host: "127.0.88.7", port: 9094, payload: "nobody home") == "")

        _ = try fixture.client.send("DELETE", Fixture.lbID)
        #expect(emulator.forwardingRules.isEmpty)
        #expect(throws: (any Error).self) { try roundTrip(host: "127.0.88.7", port: 9093, payload: "gone") }
    }

    /// Connects, sends `payload`, half-closes, and reads until EOF.
    func roundTrip(host: String, port: Int, payload: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        _ = Array(payload.utf8).withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        shutdown(fd, Int32(SHUT_WR))
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Echoes each connection's bytes back until the client half-closes.
final class EchoServer: @unchecked Sendable {
    let fd: Int32
    let port: Int

    init(host: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let listener = fd
        Thread.detachNewThread {
            while true {
                let client = accept(listener, nil, nil)
                if client < 0 { return }
                Thread.detachNewThread {
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while true {
                        let n = recv(client, &buffer, buffer.count, 0)
                        if n <= 0 { break }
                        _ = buffer.withUnsafeBytes { send(client, $0.baseAddress, n, 0) }
                    }
                    close(client)
                }
            }
        }
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
