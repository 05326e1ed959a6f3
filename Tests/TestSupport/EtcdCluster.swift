import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A real etcd cluster on loopback (Debian's `etcd-server`, installed by `scripts/setup.sh`): one to five members,
/// each with its own data directory and ports, for the etcd state store's tests and the HA tests. Members can be
/// stopped, killed, frozen (SIGSTOP) and started again. Always `shutdown()` (in a `defer`).
public final class EtcdCluster: Sendable {
    public struct Member: Sendable {
        public let name: String
        public let clientURL: String
        public let peerURL: String
        public let dataDirectory: String
        public let log: String
    }

    public let directory: String
    public let members: [Member]
    /// With TLS: the CA every member's certificate is signed by, and a client certificate and key it trusts.
    public let tls: TLSFiles?
    private let processes: Mutex<[Int: Process]>

    public struct TLSFiles: Sendable {
        public let ca: String
        public let serverCertificate: String
        public let serverKey: String
        public let clientCertificate: String
        public let clientKey: String
    }

    /// The client URLs of every member, in order.
    public var endpoints: [String] { members.map(\.clientURL) }

    public static var binary: String? {
        ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `size` members and waits until each serves clients.
    /// With `tls`, members serve clients over https only and require a client certificate signed by their CA
    /// (`--client-cert-auth`); the files are made with `openssl` in the cluster's directory.
    public static func start(size: Int = 1, tls: Bool = false) throws -> EtcdCluster {
        guard binary != nil else {
            throw EtcdClusterError("etcd is not installed: run scripts/setup.sh (it installs Debian's etcd-server)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("etcd-test-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let files = tls ? try makeCertificates(in: directory) : nil
        // Every port is held (bound, not listening) until all are chosen, so no two members get the same one: a
        // port picked, released and picked again made a member fail to start ("not ready after 30 s").
        let reserved = try (0..<(2 * size)).map { _ in try ClosedPort() }
        reserved.forEach { $0.release() }
        var members: [Member] = []
        for index in 0..<size {
            let (client, peer) = (reserved[2 * index].port, reserved[2 * index + 1].port)
            members.append(Member(
                name: "m\(index)", clientURL: "\(tls ? "https" : "http")://127.0.0.1:\(client)", peerURL: "http://127.0.0.1:\(peer)",
                dataDirectory: "\(directory)/m\(index).etcd", log: "\(directory)/m\(index).log"))
        }
        let cluster = EtcdCluster(directory: directory, members: members, tls: files)
        do {
            for index in members.indices { try cluster.launch(index, initial: true) }
            for index in members.indices { try cluster.waitReady(index) }
        } catch {
            cluster.shutdown()
            throw error
        }
        return cluster
    }

    private init(directory: String, members: [Member], tls: TLSFiles?) {
        self.directory = directory
        self.members = members
        self.tls = tls
        self.processes = Mutex([:])
    }

    private func launch(_ index: Int, initial: Bool) throws {
        let m = members[index]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary!)
        process.arguments = [
            "--name", m.name, "--data-dir", m.dataDirectory,
            "--listen-client-urls", m.clientURL, "--advertise-client-urls", m.clientURL,
            "--listen-peer-urls", m.peerURL, "--initial-advertise-peer-urls", m.peerURL,
            "--initial-cluster", members.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ","),
            "--initial-cluster-state", "new", "--initial-cluster-token", URL(fileURLWithPath: directory).lastPathComponent,
            // Short election timings keep a lost member from stalling the tests for seconds.
            "--heartbeat-interval", "50", "--election-timeout", "500",
        ]
        if let tls {
            process.arguments! += [
                "--cert-file", tls.serverCertificate, "--key-file", tls.serverKey, "--client-cert-auth", "--trusted-ca-file", tls.ca,
            ]
        }
        if !FileManager.default.fileExists(atPath: m.log) { FileManager.default.createFile(atPath: m.log, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: m.log))
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes.withLock { $0[index] = process }
    }

    /// Waits until member `index` logs that it serves clients (a member of a cluster without quorum never does).
    public func waitReady(_ index: Int, timeout: Double = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        let marker = "ready to serve client requests"
        while Date() < deadline {
            if let text = try? String(contentsOfFile: members[index].log, encoding: .utf8), text.components(separatedBy: marker).count - 1 >= readyCount(index) {
                return
            }
            usleep(50_000)
        }
        throw EtcdClusterError("etcd member \(members[index].name) not ready after \(timeout) s; see \(members[index].log)")
    }

    /// How many "ready" lines member `index` must have logged by now: one per start.
    private let starts = Mutex<[Int: Int]>([:])
    private func readyCount(_ index: Int) -> Int { starts.withLock { $0[index] ?? 1 } }

    /// Stops member `index` with SIGTERM and waits for it to exit.
    public func stop(_ index: Int) { signal(index, SIGTERM, wait: true) }
    /// Kills member `index` with SIGKILL.
    public func kill(_ index: Int) { signal(index, SIGKILL, wait: true) }
    /// Freezes (SIGSTOP) or thaws (SIGCONT) member `index`.
    public func freeze(_ index: Int) { signal(index, SIGSTOP, wait: false) }
    public func thaw(_ index: Int) { signal(index, SIGCONT, wait: false) }

    /// Starts a stopped member again on its data directory (it rejoins the cluster); does not wait.
    public func restart(_ index: Int) throws {
        starts.withLock { $0[index, default: 1] += 1 }
        try launch(index, initial: false)
    }

    private func signal(_ index: Int, _ signal: Int32, wait: Bool) {
        guard let process = processes.withLock({ $0[index] }), process.isRunning else { return }
        Glibc.kill(process.processIdentifier, signal)
        if wait { process.waitUntilExit() }
    }

    /// Stops every member and removes the data.
    public func shutdown() {
        for index in members.indices {
            signal(index, SIGCONT, wait: false)
            signal(index, SIGKILL, wait: true)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, through the openssl command.
    static func makeCertificates(in directory: String) throws -> TLSFiles {
        let d = directory
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/ca.key", "-out", "\(d)/ca.pem", "-days", "2", "-subj", "/CN=test etcd CA"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/server.key", "-out", "\(d)/server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "\(d)/server.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key", "-CAcreateserial", "-out", "\(d)/server.pem",
             "-days", "2", "-extfile", "\(d)/server.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(d)/client.key", "-out", "\(d)/client.csr", "-subj", "/CN=reconciler"],
            ["x509", "-req", "-in", "\(d)/client.csr", "-CA", "\(d)/ca.pem", "-CAkey", "\(d)/ca.key", "-CAcreateserial", "-out", "\(d)/client.pem",
             "-days", "2", "-extfile", "\(d)/client.ext"],
        ]
        try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n".write(toFile: "\(d)/server.ext", atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(toFile: "\(d)/client.ext", atomically: true, encoding: .utf8)
        for args in steps {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            p.arguments = args
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            if p.terminationStatus != 0 { throw EtcdClusterError("openssl \(args.prefix(2).joined(separator: " ")) failed") }
        }
        return TLSFiles(
            ca: "\(d)/ca.pem", serverCertificate: "\(d)/server.pem", serverKey: "\(d)/server.key", clientCertificate: "\(d)/client.pem",
            clientKey: "\(d)/client.key")
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let port = try ClosedPort()
        port.release()
        return port.port
    }
}

public struct EtcdClusterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
