import Foundation
public import ProviderAPI
import Synchronization

/// Real SSH hosts on this machine for transport tests: `scripts/testdc.sh` makes one network namespace per VM
/// (own sshd, own mount namespace with private homes and users), optionally behind a bastion. Needs root;
/// check ``isAvailable`` (tests use `.enabled(if: TestDatacenter.isAvailable)`).
///
/// Always pair ``start(vms:bastion:)`` with ``stop()`` (in a `defer`). Datacenters still running when the
/// process exits are stopped by an `atexit` hook, and ones left by a killed test process are removed by the
/// next ``start(vms:bastion:)`` (`testdc.sh gc`).
public final class TestDatacenter: Sendable {
    public struct VM: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public let ip: String
        /// The `kafka` user's home (`/home/kafka` on the VM) as a path on this machine.
        public let home: String
        /// root's home (`/root` on the VM) as a path on this machine.
        public let rootHome: String
        /// This VM's sshd log (one `Accepted publickey` line per connection).
        public let sshdLog: String
        /// Its network namespace (`ip netns exec NAMESPACE ...`).
        public let namespace: String

        public var description: String { "\(name) (\(ip))" }
    }

    public let name: String
    public let directory: String
    public let vms: [VM]
    public let bastion: VM?
    /// The non-root login user of every VM (uid and gid ``userID``); `root` can log in as well.
    public let user: String
    public let identityFile: String
    public let knownHostsFile: String
    /// An ssh_config with a `Host` entry per VM (`vm1`, ..., `bastion`), for poking at a datacenter by hand.
    public let sshConfigFile: String
    public let userID: UInt32 = 1999
    private let stopped = Atomic<Bool>(false)

    private init(name: String, layout: [String: [[String]]]) throws {
        func one(_ key: String) throws -> String {
            guard let value = layout[key]?.first?.first else { throw TestDatacenterError("testdc.sh up printed no '\(key)'") }
            return value
        }
        func vm(_ fields: [String]) throws -> VM {
            guard fields.count == 4 else { throw TestDatacenterError("bad VM line: \(fields)") }
            let vmDirectory = URL(fileURLWithPath: fields[2]).deletingLastPathComponent().deletingLastPathComponent().path
            return VM(
                name: fields[0], ip: fields[1], home: fields[2], rootHome: vmDirectory + "/root", sshdLog: fields[3],
                namespace: "tdc-\(name)-\(fields[0])")
        }
        self.name = name
        directory = try one("dir")
        user = try one("user")
        identityFile = try one("identity")
        knownHostsFile = try one("known_hosts")
        sshConfigFile = try one("ssh_config")
        vms = try (layout["vm"] ?? []).map(vm)
        bastion = try layout["bastion"]?.first.map(vm)
    }

    /// Creates a datacenter of `vms` hosts (`vm1`...), behind a bastion when `bastion` is true (then the VMs
    /// cannot be reached from this machine directly, only through ``jumpHost``).
    public static func start(vms: Int, bastion: Bool = false) async throws -> TestDatacenter {
        guard isAvailable else { throw TestDatacenterError("test datacenter unavailable: \(unavailableReason ?? "?")") }
        TestDatacenterRegistry.collectStaleOnce()
        let name = TestDatacenterRegistry.nextName()
        var arguments = ["up", name, String(vms)]
        if bastion { arguments.append("--bastion") }
        TestDatacenterRegistry.register(name)
        let result = await TestDatacenterScript.run(arguments)
        guard result.status == 0 else {
            _ = await TestDatacenterScript.run(["down", name])
            TestDatacenterRegistry.unregister(name)
            throw TestDatacenterError("testdc.sh up \(name) failed (\(result.status)): \(result.stderr)")
        }
        var layout: [String: [[String]]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            guard let key = words.first else { continue }
            layout[key, default: []].append(Array(words.dropFirst()))
        }
        do {
            return try TestDatacenter(name: name, layout: layout)
        } catch {
            _ = await TestDatacenterScript.run(["down", name])
            TestDatacenterRegistry.unregister(name)
            throw error
        }
    }

    /// `user@ip:22` of the bastion, or nil without one.
    public var jumpHost: String? { bastion.map { "\(user)@\($0.ip):22" } }

    /// How to reach `vm` (through the bastion in bastion mode) as ``user`` or the given user.
    public func target(_ vm: VM, user: String? = nil, hostKeyPolicy: SSHTarget.HostKeyPolicy = .strict) -> SSHTarget {
        SSHTarget(
            host: vm.ip, user: user ?? self.user, identityFile: identityFile, jumpHost: vm == bastion ? nil : jumpHost,
            knownHostsFile: knownHostsFile, hostKeyPolicy: hostKeyPolicy, connectTimeoutSeconds: 5)
    }

    /// Tears everything down (sshds and every process in the namespaces, namespaces, bridges, routes, the
    /// directory). Idempotent and synchronous, so it works in `defer`.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        TestDatacenterScript.runBlocking(["down", name])
        TestDatacenterRegistry.unregister(name)
    }

    /// What is still there of this datacenter (namespaces, interfaces, its directory); empty after ``stop()``.
    public func leftovers() -> [String] {
        var found: [String] = []
        let namespaces = TestDatacenterScript.capture("/usr/sbin/ip", ["netns", "list"])
        found += namespaces.split(separator: "\n").map(String.init).filter { $0.hasPrefix("tdc-\(name)-") }
        let links = TestDatacenterScript.capture("/usr/sbin/ip", ["-o", "link", "show"])
        found += links.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":")
            guard parts.count > 1 else { return nil }
            let interface = parts[1].trimmingCharacters(in: .whitespaces).split(separator: "@").first.map(String.init) ?? ""
            return interface.hasPrefix(name) ? "link \(interface)" : nil
        }
        if FileManager.default.fileExists(atPath: directory) { found.append("directory \(directory)") }
        return found
    }

    /// Root and the tools `testdc.sh` needs. When false, ``unavailableReason`` says why, once, loudly on stderr.
    public static var isAvailable: Bool { unavailableReason == nil }

    public static var unavailableReason: String? { TestDatacenterRegistry.unavailableReason }
}

public struct TestDatacenterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
