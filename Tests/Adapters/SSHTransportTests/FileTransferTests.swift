import Foundation
import ProviderAPI
import SSHTransport
import Synchronization
import TestSupport
import Testing

@Suite(
    "OpenSSHRemoteHost: reading and writing files on real sshd hosts", .serialized, .timeLimit(.minutes(3)),
    .enabled(if: TestDatacenter.isAvailable, "needs root for network namespaces (runs in CI as root)"))
struct FileTransferTests {
    let config = "config/server.properties"

    @Test func missingFileIsNilAndReadWritesNothing() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            let relative = try await remote.readFile(config, on: dc.target(vm))
            let noDirectory = try await remote.readFile("no/such/dir/server.properties", on: dc.target(vm))
            let absolute = try await remote.readFile("/home/kafka/\(config)", on: dc.target(vm))
            #expect(relative == nil && noDirectory == nil && absolute == nil)
            #expect(VMFiles(vm).list("config") == [])
        }
    }

    @Test func writeThenReadRoundTripsEveryByte() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            let backup = try await remote.writeFile(config, contents: hostileContents, on: dc.target(vm), backupSuffix: ".bak")
            #expect(backup == nil)
            #expect(try await remote.readFile(config, on: dc.target(vm)) == hostileContents)
            #expect(VMFiles(vm).read(config) == hostileContents)
            // A new file gets the usual mode (umask 022) and belongs to the login user.
            #expect(VMFiles(vm).mode(config) == 0o644)
            #expect(VMFiles(vm).owner(config)?.user == UInt(dc.userID))

            let empty: [UInt8] = []
            _ = try await remote.writeFile(config, contents: empty, on: dc.target(vm), backupSuffix: ".bak")
            #expect(try await remote.readFile(config, on: dc.target(vm)) == empty)
            // Absolute paths work as well as home-relative ones.
            #expect(try await remote.readFile("/home/kafka/" + config, on: dc.target(vm)) == empty)

            // So do paths no shell should see unquoted.
            let odd = "config/we'ird $(touch pwned) `id` \"name\".properties"
            _ = try await remote.writeFile(odd, contents: bytes("odd=1\n"), on: dc.target(vm), backupSuffix: ".b'ak $x")
            let backup2 = try await remote.writeFile(odd, contents: bytes("odd=2\n"), on: dc.target(vm), backupSuffix: ".b'ak $x")
            #expect(backup2 == odd + ".b'ak $x")
            #expect(try await remote.readFile(odd, on: dc.target(vm)) == bytes("odd=2\n"))
            #expect(VMFiles(vm).read(odd + ".b'ak $x") == bytes("odd=1\n"))
            #expect(VMFiles(vm).read("pwned") == nil)
        }
    }

    @Test func aSymlinkedFileIsReplacedBehindTheLink() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            let files = VMFiles(vm)
            try FileManager.default.createDirectory(atPath: files.url("real").path, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.ownerAccountID: dc.userID, .groupOwnerAccountID: dc.userID], ofItemAtPath: files.url("real").path)
            try files.put(bytes("a=1\n"), at: "real/server.properties")
            try FileManager.default.createSymbolicLink(atPath: files.url(config).path, withDestinationPath: "../real/server.properties")
            let backup = try await remote.writeFile(config, contents: bytes("a=2\n"), on: dc.target(vm), backupSuffix: ".bak")
            #expect(backup == "/home/kafka/real/server.properties.bak")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: files.url(config).path) == "../real/server.properties")
            #expect(files.read("real/server.properties") == bytes("a=2\n"))
            #expect(files.read("real/server.properties.bak") == bytes("a=1\n"))
        }
    }

    @Test func previousFileIsKeptAsBackupAndNoTempFileIsLeft() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            let files = VMFiles(vm)
            try files.put(bytes("old=1\n"), at: config)
            let backup = try await remote.writeFile(config, contents: bytes("new=2\n"), on: dc.target(vm), backupSuffix: ".bak-20240101T000000Z")
            #expect(backup == config + ".bak-20240101T000000Z")
            #expect(files.read(config) == bytes("new=2\n"))
            #expect(files.read(config + ".bak-20240101T000000Z") == bytes("old=1\n"))
            // Writing the same content again is harmless: same file, a fresh backup.
            let again = try await remote.writeFile(config, contents: bytes("new=2\n"), on: dc.target(vm), backupSuffix: ".bak-2")
            #expect(again == config + ".bak-2")
            #expect(files.read(config + ".bak-2") == bytes("new=2\n"))
            #expect(files.list("config") == ["server.properties", "server.properties.bak-2", "server.properties.bak-20240101T000000Z"])
        }
    }

    @Test func modeAndOwnerAreCarriedOver() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            // As the unprivileged user: mode kept (owner is that user anyway).
            let files = VMFiles(vm)
            try files.put(bytes("a=1\n"), at: config, mode: 0o640)
            _ = try await remote.writeFile(config, contents: bytes("a=2\n"), on: dc.target(vm), backupSuffix: ".bak")
            #expect(files.mode(config) == 0o640)
            #expect(files.mode(config + ".bak") == 0o640)
            #expect(files.owner(config)?.user == UInt(dc.userID))

            // As root: a file owned by someone else keeps that owner and group.
            let rootFiles = VMFiles(vm, root: true)
            try rootFiles.put(bytes("b=1\n"), at: config, mode: 0o640, owner: 1234, group: 1235)
            _ = try await remote.writeFile(config, contents: bytes("b=2\n"), on: dc.target(vm, user: "root"), backupSuffix: ".bak")
            #expect(rootFiles.read(config) == bytes("b=2\n"))
            #expect(rootFiles.mode(config) == 0o640)
            #expect(rootFiles.owner(config)?.user == 1234)
            #expect(rootFiles.owner(config)?.group == 1235)
            #expect(rootFiles.owner(config + ".bak")?.user == 1234)
        }
    }

    @Test func concurrentReaderNeverSeesAPartialFile() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            let files = VMFiles(vm)
            let small = [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
            let large = [UInt8](repeating: UInt8(ascii: "b"), count: 300_000)
            try files.put(small, at: config)
            let path = files.url(config).path
            let finished = Atomic<Bool>(false)
            let writer = Task {
                defer { finished.store(true, ordering: .releasing) }
                for round in 0..<10 {
                    _ = try await remote.writeFile(config, contents: round % 2 == 0 ? large : small, on: dc.target(vm), backupSuffix: ".bak")
                }
            }
            var reads = 0
            var torn = 0
            // Reads the file from this machine's side while the writes happen (bounded).
            while reads < 20_000 {
                let data = FileManager.default.contents(atPath: path)
                if data != Data(small) && data != Data(large) { torn += 1 }
                reads += 1
                if reads % 200 == 0 {
                    await Task.yield()
                    if finished.load(ordering: .acquiring) { break }
                }
            }
            try await writer.value
            #expect(torn == 0)
            #expect(files.read(config) == small)
            #expect(files.list("config") == ["server.properties", "server.properties.bak"])
        }
    }

    @Test func unreadableFileIsAnErrorNotMissing() async throws {
        try await withDatacenter { dc, remote in
            let vm = dc.vms[0]
            try VMFiles(vm).put(bytes("secret.password=hunter2\n"), at: config, mode: 0o600, owner: 0, group: 0)
            let error = await thrownError { _ = try await remote.readFile(config, on: dc.target(vm)) }
            guard case .commandFailed(_, _, let tail)? = error as? RemoteError else {
                Issue.record("expected commandFailed, got \(String(describing: error))")
                return
            }
            #expect(tail.contains("Permission denied"))
            #expect(!String(describing: error!).contains("hunter2"))

            // Nor can it be replaced: nothing changes, no temp file stays.
            let write = await thrownError {
                _ = try await remote.writeFile("config/server.properties", contents: bytes("x=1\n"), on: dc.target(vm), backupSuffix: ".bak")
            }
            #expect(write is RemoteError)
            #expect(VMFiles(vm).read(config) == bytes("secret.password=hunter2\n"))
            #expect(VMFiles(vm).list("config") == ["server.properties"])
        }
    }

    @Test func sizeLimitIsEnforced() async throws {
        try await withDatacenter(remote: OpenSSHRemoteHost(maxFileBytes: 1024)) { dc, remote in
            let vm = dc.vms[0]
            try VMFiles(vm).put([UInt8](repeating: 65, count: 4096), at: config)
            let error = await thrownError { _ = try await remote.readFile(config, on: dc.target(vm)) }
            guard case .other(_, let detail)? = error as? RemoteError else {
                Issue.record("expected .other, got \(String(describing: error))")
                return
            }
            #expect(detail.contains("4096") && detail.contains("1024"))
            let write = await thrownError {
                _ = try await remote.writeFile(config, contents: [UInt8](repeating: 66, count: 2048), on: dc.target(vm), backupSuffix: ".bak")
            }
            #expect(write is RemoteError)
            #expect(VMFiles(vm).read(config) == [UInt8](repeating: 65, count: 4096))
        }
    }
}
