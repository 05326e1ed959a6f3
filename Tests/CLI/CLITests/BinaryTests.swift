import Foundation
import Testing
import TestSupport

/// Runs the built `reconcile` executable (built beside the test bundle by `swift build --build-tests`).
struct Binary {
    static let url: URL = {
        let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return dir.appendingPathComponent("reconcile")
    }()

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// GCP's credential chain kept off the network unless a test points it somewhere: no key file or gcloud
    /// credentials from the machine, and the metadata server on a closed loopback port (never 169.254.169.254).
    static let offline = [
        "GOOGLE_APPLICATION_CREDENTIALS": "", "CLOUDSDK_CONFIG": "/nonexistent-gcloud-config", "GCE_METADATA_HOST": "127.0.0.1:9",
    ]

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = Repo.root
        process.environment = ProcessInfo.processInfo.environment.merging(Self.offline) { $1 }.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes at once: a child that fills one while we wait on the other would block forever.
        let errBox = DataBox()
        let reader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); errBox.done.signal() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errBox.done.wait()
        let errData = errBox.data
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
    }
}

final class DataBox: @unchecked Sendable {
    // Written once by the reader thread before `done` is signalled, read after waiting on it.
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

@Suite("The built binary: exit codes, validate, render, state")
struct BinaryTests {
    @Test("The executable exists beside the tests")
    func exists() {
        #expect(FileManager.default.isExecutableFile(atPath: Binary.url.path), "build it with `swift build --build-tests`: \(Binary.url.path)")
    }

    @Test("Usage errors exit 64", arguments: [["--no-such-flag"], ["render", "--cluster", "x"], ["--output", "yaml"]])
    func usage(arguments: [String]) throws {
        #expect(try Binary.run(arguments).status == 64)
    }

    @Test("validate passes on every example and exits 0")
    func validateExamples() throws {
        for example in ["azure-private-link", "gcp-psc-port-mapping", "gcp-kafka-proxy", "existing-cluster", "second-consumer"] {
            let r = try Binary.run(["validate", "--manifests", "manifests/examples/\(example)"])
            #expect(r.status == 0, "\(example): \(r.err)")
            #expect(r.out.hasPrefix("manifests/examples/\(example): valid"))
        }
    }

    @Test("validate reports planted errors with file, line, column, as text and as GitHub annotations, and exits 1")
    func validateErrors() throws {
        let dir = temporaryDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("broken.yaml")
        try """
            apiVersion: reconcile.kafka/v1alpha1
            kind: KafkaCluster
            metadata: {name: c}
            spec:
              kafkaVersion: "3.7.1"
              clusterId: BRl69zcmTFmiPaoaANybiw
              logDirs: /data
              brokers:
                - {nodeId: 1, name: a, address: 10.0.0.4}
                - {nodeId: 1, name: b, address: 10.0.0.5}
              ssh: {user: kafka, hostKeyPolicy: lenient}

            """.write(to: file, atomically: true, encoding: .utf8)
        let text = try Binary.run(["validate", "--manifests", dir.path])
        #expect(text.status == 1)
        #expect(text.err.contains("\(file.path):10:16: error: spec.brokers[1].nodeId: duplicate broker id 1"), "\(text.err)")
        #expect(text.err.contains("\(file.path):11:37: error: spec.ssh.hostKeyPolicy: `lenient` is not valid"), "\(text.err)")
        #expect(text.err.contains("2 errors in"))
        let github = try Binary.run(["validate", "--manifests", dir.path, "--format", "github"])
        #expect(github.status == 1)
        #expect(github.out.contains("::error file=\(file.path),line=10,col=16::spec.brokers[1].nodeId%3A duplicate broker id 1") || github.out.contains("::error file=\(file.path),line=10,col=16::spec.brokers[1].nodeId: duplicate broker id 1"), "\(github.out)")
    }

    @Test("render prints the seed's broker 2 file for the Azure example")
    func render() throws {
        let r = try Binary.run(["render", "--manifests", "manifests/examples/azure-private-link", "--cluster", "tidb-kafka", "--broker", "2"])
        #expect(r.status == 0)
        #expect(r.out == """
            process.roles=broker,controller
            node.id=2
            controller.quorum.voters=1@10.0.0.4:29092,2@10.0.0.5:29092,3@10.0.0.6:29092
            listeners=INTERNAL://0.0.0.0:9092,CONTROLLER://0.0.0.0:29092,EXTERNAL://0.0.0.0:39092
            inter.broker.listener.name=INTERNAL
            advertised.listeners=INTERNAL://10.0.0.5:9092,EXTERNAL://b2.abc.eastus.azure.3199745.tidbcloud.com:9094
            controller.listener.names=CONTROLLER
            listener.security.protocol.map=INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT,EXTERNAL:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
            log.dirs=/home/azureuser/data

            """)
        let missing = try Binary.run(["render", "--manifests", "manifests/examples/azure-private-link", "--cluster", "tidb-kafka", "--broker", "9"])
        #expect(missing.status == 1)
        #expect(missing.err.contains("has no broker with node id 9 (ids: 1, 2, 3)"))
    }

    @Test("--dry-run with brokers that do not answer and no GCP credentials: kafka-proxy's template is a problem, every address says why, exit 1, no state")
    func dryRunWithoutProviders() throws {
        let state = temporaryDirectory()
        // The brokers' private addresses go to closed loopback ports: nothing leaves this machine.
        let resolve = (10...12).flatMap { ["--resolve", "10.64.0.\($0):9092=127.0.0.1:1"] }
        let r = try Binary.run(["--dry-run", "--manifests", "manifests/examples/gcp-kafka-proxy", "--state", state.path] + resolve)
        #expect(r.status == 1)
        #expect(r.out.contains("gcp.instanceTemplate/kafka-proxy-tpl: cannot read the brokers' advertised INTERNAL addresses over Kafka (port 9092)"), "\(r.out)")
        #expect(r.out.contains("gcp.serviceAttachment/kafka-proxy-psc: cannot observe: GCP credentials unavailable"), "\(r.out)")
        #expect(!FileManager.default.fileExists(atPath: state.path))
    }

    @Test("state show on empty state, and unlock of a lock that is not there")
    func stateCommands() throws {
        let state = temporaryDirectory()
        let show = try Binary.run(["state", "show", "--state", state.path])
        #expect(show.status == 0 && show.out == "No state yet.\n")
        let unlock = try Binary.run(["state", "unlock", "--state", state.path, "tidb-kafka", "abc"])
        #expect(unlock.status == 1 && unlock.err.contains("not locked"))
    }
}
