import DesiredState
import Foundation
import Manifests
import Testing
import TestSupport

/// The kafka-proxy VM's startup script, run for real by bash under a scratch root (`KAFKA_PROXY_ROOT`) with stand-in
/// `curl`, `useradd`, `id` and `systemctl` first on PATH (they log their arguments); `sha256sum`, `tar` and `install`
/// are the real ones.
@Suite("kafka-proxy startup script")
struct StartupScriptTests {
    struct Bed {
        let root: URL
        let bin: URL
        let log: URL
        let tarball: URL
        let sha256: String

        init() throws {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("startup-\(UUID().uuidString)")
            root = base.appendingPathComponent("root")
            bin = base.appendingPathComponent("bin")
            log = base.appendingPathComponent("calls.log")
            for dir in [root, bin, base.appendingPathComponent("release")] {
                try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            }
            try "#!/bin/sh\necho kafka-proxy stand-in\n".write(to: base.appendingPathComponent("release/kafka-proxy"), atomically: true, encoding: .utf8)
            tarball = base.appendingPathComponent("release.tar.gz")
            try Self.run(["tar", "-czf", tarball.path, "-C", base.appendingPathComponent("release").path, "kafka-proxy"])
            sha256 = String(try Self.run(["sha256sum", tarball.path]).prefix(64))
            let (binDir, logFile) = (bin, log)
            let stub = { (name: String, body: String) in
                let url = binDir.appendingPathComponent(name)
                try "#!/bin/bash\necho \"\(name) $*\" >> '\(logFile.path)'\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
            }
            let tarballPath = tarball.path
            // curl: the token request prints a token; a download (-o FILE) copies the tarball there.
            try stub("curl", """
                out=""; prev=""
                for a in "$@"; do [ "$prev" = "-o" ] && out="$a"; prev="$a"; done
                if [ -n "$out" ]; then cp '\(tarballPath)' "$out"; else echo '{"access_token":"vm-token","expires_in":3599}'; fi
                """)
            try stub("useradd", "")
            try stub("id", "exit 1")
            try stub("systemctl", "")
        }

        func calls() -> [String] {
            ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        @discardableResult
        func runScript(_ script: String) throws -> Int32 {
            let file = root.deletingLastPathComponent().appendingPathComponent("startup.sh")
            try script.write(to: file, atomically: true, encoding: .utf8)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [file.path]
            p.environment = ["PATH": "\(bin.path):/usr/bin:/bin", "KAFKA_PROXY_ROOT": root.path, "TMPDIR": NSTemporaryDirectory()]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }

        func file(_ path: String) -> String? { try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) }

        @discardableResult
        static func run(_ arguments: [String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = arguments
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw TestFailure("\(arguments) exited \(p.terminationStatus)") }
            return String(decoding: data, as: UTF8.self)
        }
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    static func proxy(_ source: GcpExposureManifest.Release.Source, sha256: String) throws -> GcpExposureManifest.KafkaProxy {
        let load = ManifestLoader.load(directory: Repo.example("gcp-kafka-proxy"))
        var proxy = try #require(load.manifests.gcpExposures.first?.kafkaProxy)
        proxy.release = .init(source: source, sha256: sha256)
        return proxy
    }

    static let flags = ["--bootstrap-server-mapping", "10.64.0.10:9092,0.0.0.0:9092,b1.x.example:9092", "--dynamic-sequential-min-port", "9093"]

    @Test("from a URL: checked, installed, flags in the environment file, a unit, restarted; the second boot downloads nothing and writes the same files")
    func urlInstallIsIdempotent() throws {
        let bed = try Bed()
        let script = KafkaProxyFlags.startupScript(
            proxy: try Self.proxy(.url("https://example.invalid/kafka-proxy-v0.3.11-linux-amd64.tar.gz"), sha256: bed.sha256),
            flags: Self.flags, exposure: "e", cluster: "c")
        #expect(try bed.runScript(script) == 0)
        #expect(bed.file("opt/kafka-proxy/v0.3.11/kafka-proxy")?.contains("kafka-proxy stand-in") == true)
        let env = try #require(bed.file("etc/kafka-proxy/kafka-proxy.env"))
        #expect(env == "KAFKA_PROXY_ARGS=\"\(Self.flags.joined(separator: " ")) --http-listen-address 127.0.0.1:9080\"\n")
        #expect(KafkaProxyFlags.arguments(inStartupScript: script) == Self.flags + ["--http-listen-address", "127.0.0.1:9080"])
        let unit = try #require(bed.file("etc/systemd/system/kafka-proxy.service"))
        #expect(unit.contains("ExecStart=/opt/kafka-proxy/v0.3.11/kafka-proxy server $KAFKA_PROXY_ARGS"))
        #expect(unit.contains("EnvironmentFile=/etc/kafka-proxy/kafka-proxy.env") && unit.contains("User=kafka-proxy") && unit.contains("Restart=always"))
        let first = bed.calls()
        #expect(first.filter { $0.hasPrefix("curl ") }.count == 1)
        #expect(first.contains { $0.hasPrefix("curl ") && $0.hasSuffix("https://example.invalid/kafka-proxy-v0.3.11-linux-amd64.tar.gz") })
        #expect(first.contains("useradd --system --no-create-home --shell /usr/sbin/nologin kafka-proxy"))
        #expect(first.suffix(3) == ["systemctl daemon-reload", "systemctl enable kafka-proxy.service", "systemctl restart kafka-proxy.service"])

        #expect(try bed.runScript(script) == 0)
        let second = Array(bed.calls().dropFirst(first.count))
        #expect(!second.contains { $0.hasPrefix("curl ") }, "installed already: \(second)")
        #expect(bed.file("etc/kafka-proxy/kafka-proxy.env") == env)
        #expect(bed.file("etc/systemd/system/kafka-proxy.service") == unit)
    }

    @Test("a tarball whose sha256 differs stops the script before anything is installed or started")
    func wrongChecksum() throws {
        let bed = try Bed()
        let script = KafkaProxyFlags.startupScript(
            proxy: try Self.proxy(.url("https://example.invalid/k.tar.gz"), sha256: String(repeating: "a", count: 64)),
            flags: Self.flags, exposure: "e", cluster: "c")
        #expect(try bed.runScript(script) != 0)
        #expect(bed.file("opt/kafka-proxy/v0.3.11/kafka-proxy") == nil)
        #expect(bed.file("etc/kafka-proxy/kafka-proxy.env") == nil)
        #expect(!bed.calls().contains { $0.hasPrefix("systemctl") })
    }

    @Test("from Cloud Storage: the VM's token from the metadata server, then the object through the JSON API (name escaped)")
    func gcsObject() throws {
        let bed = try Bed()
        let script = KafkaProxyFlags.startupScript(
            proxy: try Self.proxy(.gcs(bucket: "my-bucket", object: "tools/kafka proxy.tar.gz"), sha256: bed.sha256),
            flags: Self.flags, exposure: "e", cluster: "c")
        #expect(try bed.runScript(script) == 0)
        let curls = bed.calls().filter { $0.hasPrefix("curl ") }
        #expect(curls.count == 2)
        #expect(curls.first?.contains("Metadata-Flavor: Google") == true)
        #expect(curls.first?.hasSuffix("http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token") == true)
        #expect(curls.last?.contains("Authorization: Bearer vm-token") == true, "\(curls)")
        #expect(curls.last?.hasSuffix("https://storage.googleapis.com/storage/v1/b/my-bucket/o/tools%2Fkafka%20proxy.tar.gz?alt=media") == true, "\(curls)")
        #expect(bed.file("opt/kafka-proxy/v0.3.11/kafka-proxy") != nil)
    }
}
