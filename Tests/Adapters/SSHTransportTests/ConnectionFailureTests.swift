import Foundation
import ProviderAPI
import SSHTransport
import TestSupport
import Testing

@Suite(
    "OpenSSHRemoteHost: connection failures are classified and never bypassed", .serialized, .timeLimit(.minutes(3)),
    .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces (runs in CI as root)"))
struct ConnectionFailureTests {
    let config = "config/server.properties"

    @Test func closedPortIsUnreachable() async throws {
        try await withDatacenter { dc, remote in
            var target = dc.target(dc.vms[0])
            target.port = 2  // the VM's address, where nothing listens
            let error = await thrownError { _ = try await remote.readFile(config, on: target) }
            guard case .unreachable(let host, let detail)? = error as? RemoteError else {
                Issue.record("expected unreachable, got \(String(describing: error))")
                return
            }
            #expect(host == target.host)
            #expect(detail.contains("Connection refused"))
            #expect((error as? RemoteError)?.isRetryable == true)
        }
    }

    @Test func changedHostKeyIsAMismatchAndNothingIsWritten() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let otherKey = try scratch.keyPair("impostor")
            let knownHosts = scratch.path("known_hosts")
            try Data("\(vm.ip) \(otherKey.publicKey)\n".utf8).write(to: URL(fileURLWithPath: knownHosts))
            for policy in [SSHTarget.HostKeyPolicy.strict, .acceptNew] {
                var target = dc.target(vm, hostKeyPolicy: policy)
                target.knownHostsFile = knownHosts
                let error = await thrownError {
                    _ = try await remote.writeFile(config, contents: bytes("x=1\n"), on: target, backupSuffix: ".bak")
                }
                guard case .hostKeyMismatch(let host, _)? = error as? RemoteError else {
                    Issue.record("expected hostKeyMismatch with \(policy), got \(String(describing: error))")
                    continue
                }
                #expect(host == vm.ip)
                // acceptNew never replaces a known key.
                #expect(try String(contentsOfFile: knownHosts, encoding: .utf8) == "\(vm.ip) \(otherKey.publicKey)\n")
            }
            #expect(VMFiles(vm).list("config") == [])
            #expect(try String(contentsOfFile: vm.sshdLog, encoding: .utf8).contains("Accepted") == false)
        }
    }

    @Test func unknownHostIsRefusedWhenStrictAndRecordedWithAcceptNew() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            let knownHosts = scratch.path("known_hosts")
            #expect(FileManager.default.createFile(atPath: knownHosts, contents: Data()))
            var target = dc.target(vm)
            target.knownHostsFile = knownHosts
            let error = await thrownError { _ = try await remote.readFile(config, on: target) }
            guard case .hostKeyUnknown(let host, _)? = error as? RemoteError else {
                Issue.record("expected hostKeyUnknown, got \(String(describing: error))")
                return
            }
            #expect(host == vm.ip)
            #expect(try String(contentsOfFile: knownHosts, encoding: .utf8).isEmpty)

            target.hostKeyPolicy = .acceptNew
            #expect(try await remote.readFile(config, on: target) == nil)
            let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
            #expect(recorded.contains(" ssh-ed25519 "))  // possibly hashed (HashKnownHosts)
            // Once recorded, strict checking accepts it.
            target.hostKeyPolicy = .strict
            #expect(try await remote.run(["true"], on: target, timeout: .seconds(20)).exitCode == 0)
        }
    }

    @Test func wrongIdentityIsAnAuthenticationFailure() async throws {
        try await withDatacenter { dc, remote in
            let scratch = try ScratchDirectory()
            defer { scratch.remove() }
            var target = dc.target(dc.vms[0])
            target.identityFile = try scratch.keyPair("stranger").privateKeyPath
            let error = await thrownError { _ = try await remote.run(["true"], on: target, timeout: .seconds(20)) }
            guard case .authenticationFailed(let host, let detail)? = error as? RemoteError else {
                Issue.record("expected authenticationFailed, got \(String(describing: error))")
                return
            }
            #expect(host == target.host)
            #expect(detail.contains("Permission denied"))
            #expect((error as? RemoteError)?.isRetryable == false)

            target.identityFile = scratch.path("no-such-key")
            #expect(await thrownError { _ = try await remote.run(["true"], on: target, timeout: .seconds(20)) } is RemoteError)
        }
    }
}

/// A temporary directory for keys and known_hosts files made by one test.
struct ScratchDirectory {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("ssh-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    func path(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// A new ed25519 key pair: its private key file and its public key line (`ssh-ed25519 AAAA...`).
    func keyPair(_ name: String) throws -> (privateKeyPath: String, publicKey: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        process.arguments = ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path(name)]
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let line = try String(contentsOfFile: path(name) + ".pub", encoding: .utf8)
        let publicKey = line.split(separator: " ").prefix(2).joined(separator: " ")
        return (path(name), publicKey)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
