import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A simulated cluster of real `kafka-broker-sim` processes on loopback: node N listens on 127.0.0.(N+1) with
/// the runbook's three listeners (INTERNAL, CONTROLLER, EXTERNAL) on ports unique to this cluster, and shares a
/// temporary cluster directory. EXTERNAL advertises `b<N>.abc.example.test:<9092+N>` (names that need not resolve).
///
/// Always `defer { cluster.stopAll() }`: it SIGKILLs whatever is still running and removes the directory.
final class SimCluster: @unchecked Sendable {  // Mutable process table guarded by `lock`.
    static let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("kafka-broker-sim").path

    let directory: URL
    let clusterDirectory: String
    let ids: [Int32]
    let internalPort: Int
    let controllerPort: Int
    let externalPort: Int
    private let lock = NSLock()
    private var processes: [Int32: Process] = [:]

    /// `settings` go into every node's file, `perNode` into one node's (both override the defaults).
    init(nodes: Int = 3, settings: [String: String] = [:], perNode: [Int32: [String: String]] = [:]) throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.binary), "build kafka-broker-sim first: \(Self.binary)")
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sim-test-\(UUID().uuidString)")
        clusterDirectory = directory.appendingPathComponent("cluster").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        ids = (1...nodes).map(Int32.init)
        let base = PortAllocator.next()
        (internalPort, controllerPort, externalPort) = (base, base + 1, base + 2)
        for id in ids {
            var values = defaultSettings(id)
            for (key, value) in settings { values[key] = value }
            for (key, value) in perNode[id] ?? [:] { values[key] = value }
            let text = values.keys.sorted().map { "\($0)=\(values[$0]!)" }.joined(separator: "\n") + "\n"
            try text.write(toFile: configPath(id), atomically: true, encoding: .utf8)
        }
    }

    deinit { stopAll() }

    func host(_ id: Int32) -> String { "127.0.0.\(id + 1)" }
    func internalAddress(_ id: Int32) -> String { "\(host(id)):\(internalPort)" }
    func externalAddress(_ id: Int32) -> String { "\(host(id)):\(externalPort)" }
    func controllerAddress(_ id: Int32) -> String { "\(host(id)):\(controllerPort)" }
    func advertisedExternal(_ id: Int32) -> String { "b\(id).abc.example.test:\(9092 + id)" }
    func configPath(_ id: Int32) -> String { directory.appendingPathComponent("node-\(id).properties").path }
    func logPath(_ id: Int32) -> String { directory.appendingPathComponent("node-\(id).log").path }
    func log(_ id: Int32) -> String { (try? String(contentsOfFile: logPath(id), encoding: .utf8)) ?? "" }

    private func defaultSettings(_ id: Int32) -> [String: String] {
        [
            "process.roles": "broker,controller",
            "node.id": "\(id)",
            "controller.quorum.voters": ids.map { "\($0)@\(host($0)):\(controllerPort)" }.joined(separator: ","),
            "listeners":
                "INTERNAL://\(host(id)):\(internalPort),CONTROLLER://\(host(id)):\(controllerPort),EXTERNAL://\(host(id)):\(externalPort)",
            "inter.broker.listener.name": "INTERNAL",
            "advertised.listeners": "INTERNAL://\(host(id)):\(internalPort),EXTERNAL://\(advertisedExternal(id))",
            "controller.listener.names": "CONTROLLER",
            "listener.security.protocol.map":
                "INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
            "log.dirs": directory.appendingPathComponent("data-\(id)").path,
            "min.insync.replicas": "2",
            "simulator.cluster.dir": clusterDirectory,
            "simulator.topics": "orders:3:3,payments:6:3",
            "simulator.fenced.ms": "300",
            "simulator.catchup.ms": "300",
            "simulator.heartbeat.ms": "100",
            "simulator.stale.ms": "600",
            "simulator.shutdown.ms": "100",
        ]
    }

    /// Starts node `id` and waits until its INTERNAL listener accepts connections.
    func start(_ id: Int32, waitForListener: Bool = true) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--config", configPath(id), "--log", logPath(id)]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        lock.withLock { processes[id] = process }
        guard waitForListener else { return }
        let up = Wait.until(timeout: 10) { !process.isRunning || RawClient.canConnect(internalAddress(id)) }
        guard up, process.isRunning else {
            throw SimTestError("node \(id) did not come up: \(log(id))")
        }
    }

    func startAll() throws { for id in ids { try start(id) } }

    /// Starts every node and waits until all are in every ISR (Metadata via INTERNAL of node 1 shows it).
    func startAllAndWaitHealthy() throws {
        try startAll()
        let healthy = Wait.until(timeout: 15) { RawClient.fullyReplicated(self, via: internalAddress(ids[0])) }
        guard healthy else { throw SimTestError("cluster never became fully replicated:\n\(ids.map(log).joined())") }
    }

    func process(_ id: Int32) -> Process? { lock.withLock { processes[id] } }

    /// SIGTERM, then waits for the exit; returns the exit status (nil if it had to be killed after `timeout`).
    func terminate(_ id: Int32, timeout: Double = 10) -> Int32? {
        guard let process = process(id), process.isRunning else { return process(id)?.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        guard Wait.until(timeout: timeout, { !process.isRunning }) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        process.waitUntilExit()
        return process.terminationReason == .exit ? process.terminationStatus : nil
    }

    /// SIGKILL (no chance to deregister: only heartbeat staleness marks it down).
    func killHard(_ id: Int32) {
        guard let process = process(id), process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Kills every process still running and removes the temporary directory. Idempotent.
    func stopAll() {
        let all = lock.withLock { () -> [Process] in
            defer { processes.removeAll() }
            return Array(processes.values)
        }
        for process in all where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The node's record in the cluster directory, as JSON.
    func record(_ id: Int32) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: "\(clusterDirectory)/broker-\(id).json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return [:] }
        return object
    }
}

struct SimTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polling with a deadline: the processes run on shared cores, so never a bare sleep.
enum Wait {
    @discardableResult
    static func until(timeout: Double, interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: interval)
        }
        return try condition()
    }
}

/// Ports for test clusters: three consecutive ports per cluster, free on 127.0.0.2-4, below the ephemeral range.
enum PortAllocator {
    private static let counter = Mutex<Int>(20_000 + Int(getpid() % 400) * 30)

    static func next() -> Int {
        while true {
            let base = counter.withLock { value -> Int in
                defer { value = value + 3 > 32_000 ? 20_000 : value + 3 }
                return value
            }
            let free = (0..<3).allSatisfy { offset in (2...4).allSatisfy { isFree("127.0.0.\($0)", base + offset) } }
            if free { return base }
        }
    }

    private static func isFree(_ host: String, _ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
