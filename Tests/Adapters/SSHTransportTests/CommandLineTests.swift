import Foundation
import ProviderAPI
@testable import SSHTransport
import Testing

@Suite("SSHTransport: quoting and the ssh command line (no network)")
struct CommandLineTests {
    let line = SSHCommandLine(sshPath: "/usr/bin/ssh", configFile: nil, extraOptions: ["Compression=yes"], controlPersistSeconds: 60)

    /// The values of every `-o` option, in order.
    func options(_ args: [String]) -> [String] {
        zip(args, args.dropFirst()).filter { $0.0 == "-o" }.map(\.1)
    }

    @Test func shellQuoteMakesOneWordOfAnything() throws {
        let words = RunTests.hostileArguments + ["plain", "it's", "''", "a'b'c"]
        #expect(OpenSSHRemoteHost.shellQuote("it's") == #"'it'\''s'"#)
        #expect(OpenSSHRemoteHost.shellQuote("") == "''")
        // A real POSIX shell reads every quoted word back unchanged.
        let script = "printf '%s\\0' " + words.map(OpenSSHRemoteHost.shellQuote).joined(separator: " ")
        for shell in ["/bin/sh", "/bin/bash"] where FileManager.default.isExecutableFile(atPath: shell) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: shell)
            process.arguments = ["-c", script]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let received = output.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
            #expect(received == words, "\(shell)")
        }
    }

    @Test func remoteCommandIsAFixedScriptWithQuotedArguments() {
        let command = RemoteScript.command(RemoteScript.run, ["echo", "$(id)"])
        #expect(command == #"/bin/sh -c 'exec "$@"' sh 'echo' '$(id)'"#)
    }

    @Test func strictTargetOptions() throws {
        let target = SSHTarget(
            host: "10.0.0.5", port: 2222, user: "azureuser", identityFile: "/keys/id 1", knownHostsFile: "/kh/known hosts",
            connectTimeoutSeconds: 7)
        let args = try line.arguments(for: target, controlDirectory: "/tmp/kpl-ssh-abc", remoteCommand: "CMD")
        let opts = options(args)
        #expect(opts.contains("BatchMode=yes"))
        #expect(opts.contains("StrictHostKeyChecking=yes"))
        #expect(!opts.contains { $0.hasPrefix("StrictHostKeyChecking=no") })
        #expect(opts.contains("UserKnownHostsFile=\"/kh/known hosts\""))
        #expect(opts.contains("ConnectTimeout=7"))
        #expect(opts.contains("ServerAliveInterval=5") && opts.contains("ServerAliveCountMax=3"))
        #expect(opts.contains("IdentitiesOnly=yes"))
        #expect(opts.contains("LogLevel=ERROR"))
        #expect(opts.contains("ControlMaster=auto") && opts.contains("ControlPersist=60"))
        let controlPath = try #require(opts.first { $0.hasPrefix("ControlPath=") })
        #expect(controlPath.hasPrefix("ControlPath=/tmp/kpl-ssh-abc/") && controlPath.count < 60)
        #expect(!opts.contains { $0.hasPrefix("ProxyCommand") })
        #expect(args.contains("-T"))
        #expect(Array(args.suffix(7)) == ["-p", "2222", "-l", "azureuser", "--", "10.0.0.5", "CMD"])
        #expect(args[args.firstIndex(of: "-i")! + 1] == "/keys/id 1")
        // Extra options come after the fixed ones, so ssh (first value wins) cannot be told to weaken them.
        #expect(opts.firstIndex(of: "Compression=yes")! > opts.firstIndex(of: "StrictHostKeyChecking=yes")!)
        #expect(!args.contains("-F"))
    }

    @Test func acceptNewAndConfigFile() throws {
        var custom = line
        custom.configFile = "/etc/kpl/ssh_config"
        let target = SSHTarget(host: "broker-1.internal", user: "kafka", hostKeyPolicy: .acceptNew)
        let args = try custom.arguments(for: target, controlDirectory: "/tmp/x", remoteCommand: "CMD")
        #expect(Array(args.prefix(2)) == ["-F", "/etc/kpl/ssh_config"])
        #expect(options(args).contains("StrictHostKeyChecking=accept-new"))
        #expect(!options(args).contains { $0.hasPrefix("IdentitiesOnly") || $0.hasPrefix("UserKnownHostsFile") })
    }

    @Test func jumpHostLegGetsTheSameOptions() throws {
        let target = SSHTarget(
            host: "10.1.0.4", user: "kafka", identityFile: "/keys/100%.key", jumpHost: "admin@bastion.example:2200",
            knownHostsFile: "/kh/known_hosts")
        let args = try line.arguments(for: target, controlDirectory: "/tmp/kpl-ssh-abc", remoteCommand: "CMD")
        let proxy = try #require(options(args).first { $0.hasPrefix("ProxyCommand=") })
        #expect(proxy.hasPrefix("ProxyCommand='/usr/bin/ssh' "))
        for expected in [
            "'BatchMode=yes'", "'StrictHostKeyChecking=yes'", #"'UserKnownHostsFile="/kh/known_hosts"'"#, "'-i' '/keys/100%%%%.key'",
            "'IdentitiesOnly=yes'", "'ControlMaster=auto'", "'-p' '2200' '-l' 'admin'", "-W '[%h]:%p' -- 'bastion.example'",
        ] {
            #expect(proxy.contains(expected), "\(expected) in \(proxy)")
        }
        #expect(!args.contains("-J"))
        // The jump connection has its own control socket.
        let paths = proxy.components(separatedBy: "ControlPath=/tmp/kpl-ssh-abc/").count - 1
        #expect(paths == 1)
        #expect(!(options(args).first { $0.hasPrefix("ControlPath=") }.map { proxy.contains($0) } ?? true))
    }

    @Test func jumpHostForms() throws {
        func parts(_ text: String) throws -> String {
            let jump = try JumpHost(parsing: text, for: "h")
            return "\(jump.user ?? "-") \(jump.host) \(jump.port.map(String.init) ?? "-")"
        }
        #expect(try parts("bastion") == "- bastion -")
        #expect(try parts("ops@10.0.0.1:2222") == "ops 10.0.0.1 2222")
        #expect(try parts("[fd00::1]:22") == "- fd00::1 22")
        for bad in ["", "bastion:0", "bastion:x", "-oProxyCommand=x", "a b", "bastion;id", "[fd00::1", "$(id)@b"] {
            #expect(throws: RemoteError.self, "\(bad)") { _ = try JumpHost(parsing: bad, for: "h") }
        }
    }

    @Test func controlNamesDifferPerConnection() {
        let base = SSHTarget(host: "10.0.0.1", user: "kafka", identityFile: "/k1")
        var otherKey = base
        otherKey.identityFile = "/k2"
        var viaBastion = base
        viaBastion.jumpHost = "bastion"
        let names = Set([base, otherKey, viaBastion].map(SSHCommandLine.controlName(for:)))
        #expect(names.count == 3)
        #expect(SSHCommandLine.controlName(for: base) == SSHCommandLine.controlName(for: base))
        #expect(SSHCommandLine.controlName(for: base).count == 16)
    }

    @Test func invalidTargetsAreRejectedBeforeSsh() async throws {
        let remote = OpenSSHRemoteHost()
        for target in [
            SSHTarget(host: "-oProxyCommand=touch /tmp/pwned", user: "kafka"),
            SSHTarget(host: "10.213.0.1", user: "-oProxyCommand=x"),
            SSHTarget(host: "10.213.0.1", port: 0, user: "kafka"),
            SSHTarget(host: "10.213.0.1", user: "kafka", jumpHost: "bastion;touch /tmp/pwned"),
            SSHTarget(host: "10.213.0.1", user: "kafka", identityFile: "/tmp/key\nProxyCommand x"),
            SSHTarget(host: "10.213.0.1", user: "kafka", knownHostsFile: "/tmp/${HOME}"),
        ] {
            let error = await thrownError { _ = try await remote.readFile("x", on: target) }
            guard case .other(_, let detail)? = error as? RemoteError else {
                Issue.record("expected .other for \(target), got \(String(describing: error))")
                continue
            }
            #expect(detail.hasPrefix("invalid SSH target"))
        }
        #expect(await thrownError { _ = try await remote.run([], on: SSHTarget(host: "h", user: "u"), timeout: .seconds(1)) } is RemoteError)
        #expect(await thrownError {
            _ = try await remote.writeFile("x", contents: [], on: SSHTarget(host: "h", user: "u"), backupSuffix: "")
        } is RemoteError)
        await remote.shutdown()
    }
}
