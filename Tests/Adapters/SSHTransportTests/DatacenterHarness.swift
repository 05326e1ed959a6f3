import Foundation
import ProviderAPI
@testable import SSHTransport
import TestSupport
import Testing

/// Starts a datacenter and an ``OpenSSHRemoteHost``, runs `body`, then always shuts the host down (no ssh
/// master may survive) and stops the datacenter (no namespace, interface or directory may survive), whether
/// `body` passed, failed an expectation or threw.
func withDatacenter(
    vms: Int = 1, bastion: Bool = false, remote: @autoclosure () -> OpenSSHRemoteHost = OpenSSHRemoteHost(),
    _ body: (TestDatacenter, OpenSSHRemoteHost) async throws -> Void
) async throws {
    let datacenter = try await TestDatacenter.start(vms: vms, bastion: bastion)
    defer {
        datacenter.stop()
        #expect(datacenter.leftovers() == [], "datacenter \(datacenter.name) left things behind")
    }
    let host = remote()
    do {
        try await body(datacenter, host)
    } catch {
        await shutDown(host)
        throw error
    }
    await shutDown(host)
}

extension OpenSSHRemoteHost {
    var controlDirectoryForTests: String? { control.existingPath }
}

/// `shutdown()`, then checks that the control directory is gone and no process mentions it any more.
func shutDown(_ host: OpenSSHRemoteHost) async {
    let directory = host.controlDirectoryForTests
    await host.shutdown()
    guard let directory else { return }
    #expect(!FileManager.default.fileExists(atPath: directory), "control directory \(directory) was not removed")
    var survivors = processes(mentioning: directory)
    for _ in 0..<40 where !survivors.isEmpty {
        try? await Task.sleep(for: .milliseconds(50))
        survivors = processes(mentioning: directory)
    }
    #expect(survivors == [], "ssh processes survived shutdown")
}

/// Command lines (from /proc) that contain `text`.
func processes(mentioning text: String) -> [String] {
    let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
    return pids.compactMap { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        let line = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
        return line.contains(text) ? "\(pid): \(line)" : nil
    }
}

/// The error `body` throws, or nil.
func thrownError(_ body: () async throws -> Void) async -> (any Error)? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}

/// Files on a VM, seen from this machine (the VM's home directories are plain directories here).
struct VMFiles {
    let home: String

    init(_ vm: TestDatacenter.VM, root: Bool = false) { home = root ? vm.rootHome : vm.home }

    func url(_ path: String) -> URL { URL(fileURLWithPath: home).appendingPathComponent(path) }

    func read(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: url(path).path).map { Array($0) } }

    func put(_ bytes: [UInt8], at path: String, mode: Int = 0o644, owner: UInt32 = 1999, group: UInt32 = 1999) throws {
        try Data(bytes).write(to: url(path))
        try FileManager.default.setAttributes(
            [.posixPermissions: mode, .ownerAccountID: owner, .groupOwnerAccountID: group], ofItemAtPath: url(path).path)
    }

    func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: url(path).path))?[.posixPermissions] as? Int
    }

    func owner(_ path: String) -> (user: UInt, group: UInt)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url(path).path),
            let user = (attributes[.ownerAccountID] as? NSNumber)?.uintValue,
            let group = (attributes[.groupOwnerAccountID] as? NSNumber)?.uintValue
        else { return nil }
        return (user, group)
    }

    func list(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: url(directory).path)) ?? []).sorted()
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Every byte value, plus shell-hostile text and lines.
let hostileContents: [UInt8] =
    bytes("# server.properties\nlisteners=INTERNAL://:9092\nquote=' double=\" dollar=$HOME $(id) `id` \\ \\n %h %%\n")
    + Array(0...255) + [0xff, 0xfe, 0x00, 0x0a, 0x0d] + bytes("\nno newline at end")
