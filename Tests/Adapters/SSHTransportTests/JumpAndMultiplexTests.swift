import Foundation
import ProviderAPI
import SSHTransport
import TestSupport
import Testing

@Suite(
    "OpenSSHRemoteHost: bastions, multiplexing and the host bound", .serialized, .timeLimit(.minutes(3)),
    .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces (runs in CI as root)"))
struct JumpAndMultiplexTests {
    let config = "config/server.properties"

    @Test func brokersBehindABastionAreReachedOnlyThroughIt() async throws {
        try await withDatacenter(vms: 3, bastion: true) { dc, remote in
            let bastion = try #require(dc.bastion)
            var direct = dc.target(dc.vms[0])
            direct.jumpHost = nil
            let error = await thrownError { _ = try await remote.readFile(config, on: direct) }
            guard case .unreachable? = error as? RemoteError else {
                Issue.record("expected unreachable without the bastion, got \(String(describing: error))")
                return
            }
            for vm in dc.vms {
                let target = dc.target(vm)
                #expect(target.jumpHost == "\(dc.user)@\(bastion.ip):22")
                _ = try await remote.writeFile(config, contents: bytes("node.id=\(vm.name)\n"), on: target, backupSuffix: ".bak")
                #expect(try await remote.readFile(config, on: target) == bytes("node.id=\(vm.name)\n"))
                #expect(VMFiles(vm).read(config) == bytes("node.id=\(vm.name)\n"))
                // The broker saw the connection come from the bastion's side of its private network.
                let peer = try await remote.run(["sh", "-c", "echo ${SSH_CLIENT%% *}"], on: target, timeout: .seconds(20))
                #expect(String(decoding: peer.stdout, as: UTF8.self).hasPrefix(vm.ip.split(separator: ".").prefix(3).joined(separator: ".") + ".1"))
            }
            // One connection to the bastion carried all three brokers.
            #expect(try acceptedConnections(bastion) == 1)
            for vm in dc.vms { #expect(try acceptedConnections(vm) == 1) }
        }
    }

    @Test func bastionFailuresAreClassified() async throws {
        try await withDatacenter(vms: 1, bastion: true) { dc, remote in
            var target = dc.target(dc.vms[0])
            target.jumpHost = "\(dc.user)@\(dc.bastion!.ip):2"  // nothing listens there
            let refused = await thrownError { _ = try await remote.run(["true"], on: target, timeout: .seconds(20)) }
            guard case .unreachable? = refused as? RemoteError else {
                Issue.record("expected unreachable for a dead bastion, got \(String(describing: refused))")
                return
            }
            target = dc.target(dc.vms[0])
            target.host = "10.213.255.254"  // not a broker: the bastion cannot reach it
            target.connectTimeoutSeconds = 2
            let noRoute = await thrownError { _ = try await remote.run(["true"], on: target, timeout: .seconds(20)) }
            #expect((noRoute as? RemoteError)?.isRetryable == true, "got \(String(describing: noRoute))")
        }
    }

    @Test func sequentialCommandsShareOneConnection() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            for index in 0..<20 {
                let result = try await remote.run(["echo", "\(index)"], on: dc.target(vm), timeout: .seconds(20))
                #expect(result.stdout == bytes("\(index)\n"))
            }
            _ = try await remote.readFile(config, on: dc.target(vm))
            _ = try await remote.writeFile(config, contents: bytes("a=1\n"), on: dc.target(vm), backupSuffix: ".bak")
            #expect(try acceptedConnections(vm) == 1)
            let sockets = try FileManager.default.contentsOfDirectory(atPath: try #require(remote.controlDirectoryForTests))
            #expect(sockets.count == 1)
            // After shutdown the next command opens a new connection.
            await shutDown(remote)
            _ = try await remote.run(["true"], on: dc.target(vm), timeout: .seconds(20))
            #expect(try acceptedConnections(vm) == 2)
        }
    }

    @Test func concurrentHostsStayWithinTheBound() async throws {
        try await withDatacenter(vms: 3, remote: OpenSSHRemoteHost(maxConcurrentHosts: 2)) { dc, remote in
            // Each command records when it ran on its VM; the clocks are this machine's.
            let script = "date +%s%N > \"run-$1.start\"; sleep 0.4; date +%s%N > \"run-$1.end\""
            try await withThrowingTaskGroup(of: Void.self) { group in
                for vm in dc.vms {
                    for index in 0..<2 {
                        group.addTask {
                            _ = try await remote.run(["sh", "-c", script, "sh", "\(index)"], on: dc.target(vm), timeout: .seconds(30))
                        }
                    }
                }
                try await group.waitForAll()
            }
            var intervals: [(host: String, start: Int, end: Int)] = []
            for vm in dc.vms {
                for index in 0..<2 {
                    let start = try #require(VMFiles(vm).read("run-\(index).start").flatMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) })
                    let end = try #require(VMFiles(vm).read("run-\(index).end").flatMap { Int(String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) })
                    intervals.append((vm.name, start, end))
                }
            }
            // The most hosts busy at any one moment: 2 (the bound), and the work did run in parallel.
            let busiest = intervals.map { probe in
                Set(intervals.filter { $0.start <= probe.start && probe.start < $0.end }.map(\.host)).count
            }.max()
            #expect(busiest == 2)
        }
    }

    /// sshd logs one `Accepted publickey` line per connection.
    private func acceptedConnections(_ vm: TestDatacenter.VM) throws -> Int {
        try String(contentsOfFile: vm.sshdLog, encoding: .utf8).components(separatedBy: "Accepted publickey").count - 1
    }
}
