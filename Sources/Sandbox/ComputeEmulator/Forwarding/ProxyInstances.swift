import ArgumentParser
import ArmEmulator
import Foundation
import KafkaProxy
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What one instance runs: the kafka-proxy stand-in, started from the `KAFKA_PROXY_ARGS` line its startup script
/// writes (the reconciler's startup-script contract), on the instance's local stand-in address.
///
/// The flags are the template's, with what a loopback sandbox needs: listeners bound on the instance's local address
/// instead of `0.0.0.0` (`--default-listener-ip` too), the HTTP endpoint there as well, and a
/// `--dial-address-mapping` for every private address the emulator maps (so the proxy dials the brokers' stand-ins,
/// never a private address).
struct ProxyLaunch: Hashable, Sendable {
    var instance: String
    var host: String
    var arguments: [String]
    /// Static listener ports, then the first dynamic ones (what the load balancer forwards for this instance).
    var ports: [Int]

    /// Dynamic listener ports forwarded beyond `--dynamic-sequential-min-port`.
    static let dynamicPorts = 8

    /// The launch for an instance body, or nil when its metadata has no kafka-proxy startup script of ours.
    static func of(instance: StoredResource, addressMap: [String: String]) -> ProxyLaunch? {
        let items = instance.body["metadata"]?["items"]?.arrayValue ?? []
        guard let script = items.first(where: { $0["key"]?.stringValue == "startup-script" })?["value"]?.stringValue,
            let args = arguments(inStartupScript: script),
            let ip = instance.body["networkInterfaces"]?.arrayValue?.first?["networkIP"]?.stringValue, let local = addressMap[ip]
        else { return nil }
        var out: [String] = []
        var upstreamPorts: Set<Int> = []
        var iterator = args.makeIterator()
        while let arg = iterator.next() {
            switch arg {
            case "--bootstrap-server-mapping":
                guard let value = iterator.next() else { return nil }
                var parts = value.split(separator: ",").map(String.init)
                if parts.count >= 2, let colon = parts[1].lastIndex(of: ":") { parts[1] = local + parts[1][colon...] }
                if let colon = parts.first?.lastIndex(of: ":"), let port = Int(parts[0][parts[0].index(after: colon)...]) { upstreamPorts.insert(port) }
                out += [arg, parts.joined(separator: ",")]
            case "--http-listen-address":
                guard let value = iterator.next(), let colon = value.lastIndex(of: ":") else { return nil }
                out += [arg, local + value[colon...]]
            case "--default-listener-ip":
                _ = iterator.next()
            default:
                out.append(arg)
            }
        }
        out += ["--default-listener-ip", local]
        for (privateIP, localIP) in addressMap.sorted(by: { $0.key < $1.key }) where privateIP != local {
            for port in upstreamPorts.sorted() { out += ["--dial-address-mapping", "\(privateIP):\(port),\(localIP):\(port)"] }
        }
        guard let parsed = try? KafkaProxyCommand.parseAsRoot(["server"] + out) as? KafkaProxyServerArguments,
            let configuration = try? parsed.proxyConfiguration(environment: [:])
        else { return nil }
        var ports = configuration.bootstrapMappings.map(\.listen.port)
        if !configuration.dynamicListenersDisabled, configuration.dynamicSequentialMinPort > 0 {
            ports += (0..<dynamicPorts).map { configuration.dynamicSequentialMinPort + $0 }
        }
        return ProxyLaunch(instance: instance.path.description, host: local, arguments: ["server"] + out, ports: ports)
    }

    /// The `KAFKA_PROXY_ARGS="..."` line of a startup script, split on whitespace as systemd splits `$VAR`.
    static func arguments(inStartupScript script: String) -> [String]? {
        let prefix = "KAFKA_PROXY_ARGS=\""
        guard let line = script.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }), line.hasSuffix("\"") else { return nil }
        return line.dropFirst(prefix.count).dropLast().split(whereSeparator: \.isWhitespace).map(String.init)
    }
}

/// The kafka-proxy processes of the emulated instances: started when an instance with a kafka-proxy startup script
/// appears, stopped (SIGTERM, then SIGKILL after two seconds) when it goes or its launch changes (a recreated
/// instance), all stopped with the emulator. Each process's output goes to `<logDirectory>/<instance name>.log`.
final class ProxyInstances: Sendable {
    let binary: String
    let logDirectory: String?
    private let running = Mutex<[String: (launch: ProxyLaunch, process: Process)]>([:])

    init(binary: String, logDirectory: String?) {
        self.binary = binary
        self.logDirectory = logDirectory
    }

    /// Makes the running set exactly `launches`; returns the failures to start, by instance.
    @discardableResult
    func apply(_ launches: [ProxyLaunch]) -> [String: String] {
        let wanted = Dictionary(launches.map { ($0.instance, $0) }, uniquingKeysWith: { a, _ in a })
        let stale = running.withLock { current -> [Process] in
            var out: [Process] = []
            for (key, entry) in current where wanted[key] != entry.launch {
                out.append(entry.process)
                current[key] = nil
            }
            return out
        }
        stale.forEach(Self.stop)
        var failures: [String: String] = [:]
        for launch in launches where running.withLock({ $0[launch.instance] == nil }) {
            do {
                let process = try start(launch)
                running.withLock { $0[launch.instance] = (launch, process) }
            } catch {
                failures[launch.instance] = "\(error)"
            }
        }
        return failures
    }

    func stopAll() { apply([]) }

    var launches: [ProxyLaunch] { running.withLock { $0.values.map(\.launch).sorted { $0.instance < $1.instance } } }

    private func start(_ launch: ProxyLaunch) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = launch.arguments
        if let logDirectory {
            let name = launch.instance.split(separator: "/").last.map(String.init) ?? "instance"
            let path = "\(logDirectory)/\(name).log"
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            handle.seekToEndOfFile()
            process.standardOutput = handle
            process.standardError = handle
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
