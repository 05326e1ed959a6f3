import ChildProcesses
import Foundation
import ProviderAPI
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The private directory (mode 0700, created on first use) holding the control sockets of one
/// ``OpenSSHRemoteHost``'s multiplexed connections. Kept short and under /tmp because a unix socket path is
/// limited to about 104 bytes.
final class ControlDirectory: Sendable {
    private let current = Mutex<String?>(nil)
    let parent: String

    init(parent: String = "/tmp") {
        self.parent = parent
    }

    /// The directory, created now if needed.
    func path(for host: String) throws(RemoteError) -> String {
        let result: Result<String, RemoteError> = current.withLock { current in
            if let current { return .success(current) }
            var template = Array((parent + "/kpl-ssh-XXXXXX").utf8CString)
            let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
            guard made != nil else {
                return .failure(.other(host: host, detail: "cannot create a control directory under \(parent): \(String(cString: strerror(errno)))"))
            }
            let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            chmod(path, 0o700)
            current = path
            return .success(path)
        }
        return try result.get()
    }

    /// The directory if it exists (for tests and shutdown).
    var existingPath: String? { current.withLock { $0 } }

    /// Asks every master to exit (`ssh -O exit`), then removes the directory. Safe to call repeatedly; the
    /// next operation creates a fresh directory.
    func close(sshPath: String?, environment: [String: String], commandLine: SSHCommandLine) async {
        guard let path = current.withLock({ current -> String? in
            defer { current = nil }
            return current
        }) else { return }
        let sockets = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        if let sshPath {
            for name in sockets {
                let process = ChildProcess(
                    executable: sshPath, arguments: commandLine.exitArguments(controlPath: path + "/" + name),
                    environment: environment, stdin: nil, timeout: .seconds(5), maxStdout: 4096)
                _ = try? await process.run()
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Best effort without asking masters to exit (they exit on their own after `ControlPersist` idle seconds).
    func removeSynchronously() {
        guard let path = current.withLock({ current -> String? in
            defer { current = nil }
            return current
        }) else { return }
        try? FileManager.default.removeItem(atPath: path)
    }
}
