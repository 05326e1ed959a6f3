import ChildProcesses
import Foundation
public import ProviderAPI

/// A stand-in for SSH on one machine (the sandbox): each target host is a directory `<root>/<host>` that acts
/// as that VM's home. Paths are relative to it unless absolute; commands run there with `HOME` set to it.
/// Same contract as `OpenSSHRemoteHost`: reads never write, writes are atomic with a backup, argv is passed as is.
public final class LocalRemoteHost: RemoteHost {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func home(of target: SSHTarget) -> String { "\(root)/\(target.host)" }

    private func resolve(_ path: String, _ target: SSHTarget) -> String {
        path.hasPrefix("/") ? path : "\(home(of: target))/\(path)"
    }

    public func readFile(_ path: String, on target: SSHTarget) async throws -> [UInt8]? {
        let full = resolve(path, target)
        guard FileManager.default.fileExists(atPath: full) else { return nil }
        guard let data = FileManager.default.contents(atPath: full) else {
            throw RemoteError.commandFailed(host: target.host, exitCode: 1, stderrTail: "cannot read \(path)")
        }
        return [UInt8](data)
    }

    public func writeFile(_ path: String, contents: [UInt8], on target: SSHTarget, backupSuffix: String) async throws -> String? {
        let full = resolve(path, target)
        let manager = FileManager.default
        let previous = try? manager.attributesOfItem(atPath: full)
        var backup: String?
        do {
            if previous != nil {
                backup = full + backupSuffix
                if manager.fileExists(atPath: backup!) { try manager.removeItem(atPath: backup!) }
                try manager.copyItem(atPath: full, toPath: backup!)
            }
            // Temp file in the same directory, then rename: readers see the old or the new file, never a mix.
            try Data(contents).write(to: URL(fileURLWithPath: full), options: .atomic)
            if let mode = previous?[.posixPermissions] { try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: full) }
        } catch {
            throw RemoteError.commandFailed(host: target.host, exitCode: 1, stderrTail: "cannot write \(path): \(error.localizedDescription)")
        }
        return backup
    }

    public func run(_ argv: [String], on target: SSHTarget, timeout: Duration) async throws -> CommandResult {
        guard !argv.isEmpty else { throw RemoteError.other(host: target.host, detail: "empty command") }
        let output: ChildProcess.Output
        do {
            output = try await ChildProcess(
                executable: "/usr/bin/env", arguments: argv,
                environment: ProcessInfo.processInfo.environment.merging(["HOME": home(of: target)]) { $1 },
                workingDirectory: home(of: target), timeout: timeout, maxStdout: 1 << 20
            ).run()
        } catch .timedOut {
            throw RemoteError.timeout(host: target.host, seconds: Double(timeout.components.seconds))
        } catch .cancelled {
            throw CancellationError()
        } catch .outputTooLarge {
            throw RemoteError.other(host: target.host, detail: "\(argv[0]) printed more than 1 MiB")
        } catch .launchFailed(let reason) {
            throw RemoteError.other(host: target.host, detail: "cannot start \(argv[0]): \(reason)")
        }
        let stderr = output.stderr
        guard output.exitCode == 0, !output.signalled else {
            let tail = String(decoding: stderr, as: UTF8.self).split(separator: "\n").suffix(20).joined(separator: "\n")
            throw RemoteError.commandFailed(host: target.host, exitCode: output.exitCode, stderrTail: tail)
        }
        return CommandResult(exitCode: 0, stdout: output.stdout, stderr: stderr)
    }
}
