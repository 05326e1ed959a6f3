import Foundation
import Testing

/// Real Kafka clients as independent checkers (kafka.md §8): Debian's kcat (librdkafka) and kafka-python from
/// PyPI. Missing tools fail the test with the command that installs them; nothing is skipped.
enum RealClients {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stdout parsed as one JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw SimTestError("not a JSON object: \(stdout) \(stderr)")
            }
            return object
        }
    }

    static func run(_ executable: String, _ arguments: [String], timeout: Double = 30) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("sim-client-\(UUID().uuidString)")
        let outPath = base.path + ".out"
        let errPath = base.path + ".err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        if !Wait.until(timeout: timeout, interval: 0.02, { !process.isRunning }) {
            process.terminate()
        }
        process.waitUntilExit()
        try? out.close()
        try? err.close()
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    // MARK: kcat

    static let kcatPath: String? = ["/usr/bin/kcat", "/usr/local/bin/kcat", "/usr/bin/kafkacat"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `kcat -L -J -b address` (Metadata ≤ v4 through librdkafka), parsed.
    static func kcatMetadata(_ address: String, topic: String? = nil) throws -> [String: Any] {
        guard let kcat = kcatPath else { throw SimTestError("kcat is missing: apt-get install -y kcat") }
        var arguments = ["-L", "-J", "-m", "5", "-b", address]
        if let topic { arguments += ["-t", topic] }
        let output = try run(kcat, arguments)
        guard output.status == 0 else {
            throw SimTestError("kcat -L -b \(address) exited \(output.status): \(output.stderr)")
        }
        return try output.json()
    }

    // MARK: kafka-python

    /// The Python with kafka-python: `$KAFKA_SIM_PYTHON`, else `/tmp/sim-venv/bin/python`.
    static let python: Result<String, SimTestError> = {
        let candidates = [ProcessInfo.processInfo.environment["KAFKA_SIM_PYTHON"], "/tmp/sim-venv/bin/python"]
            .compactMap { $0 }
        let install =
            "python3 -m venv /tmp/sim-venv && /tmp/sim-venv/bin/pip install kafka-python (or set KAFKA_SIM_PYTHON)"
        guard let python = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            return .failure(SimTestError("kafka-python is missing: \(install)"))
        }
        guard let check = try? run(python, ["-c", "import kafka, sys; sys.stdout.write(kafka.__version__)"]),
            check.status == 0
        else {
            return .failure(SimTestError("\(python) cannot import kafka: \(install)"))
        }
        return .success(python)
    }()

    static let scriptPath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sim-check-\(getpid()).py").path
        try? KafkaPythonScript.source.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    /// Runs one check of ``KafkaPythonScript`` and parses the JSON it prints.
    static func kafkaPython(_ arguments: [String]) throws -> [String: Any] {
        let python = try python.get()
        let output = try run(python, [scriptPath] + arguments, timeout: 60)
        guard output.status == 0 else {
            throw SimTestError(
                "kafka-python \(arguments.joined(separator: " ")) exited \(output.status): \(output.stderr.suffix(1500))"
            )
        }
        return try output.json()
    }
}

/// Helpers over kcat's JSON.
extension Dictionary where Key == String, Value == Any {
    /// kcat: `brokers[{id, name}]` as id → "host:port".
    var kcatBrokers: [Int: String] {
        var result: [Int: String] = [:]
        for broker in self["brokers"] as? [[String: Any]] ?? [] {
            if let id = broker["id"] as? Int, let name = broker["name"] as? String { result[id] = name }
        }
        return result
    }

    /// kcat: one topic's partitions as `[partition: (leader, replicas, isrs, error)]`.
    func kcatPartitions(_ topic: String) -> [Int: (leader: Int, replicas: [Int], isrs: [Int], error: String?)] {
        var result: [Int: (leader: Int, replicas: [Int], isrs: [Int], error: String?)] = [:]
        let topics = self["topics"] as? [[String: Any]] ?? []
        for partition in topics.first(where: { $0["topic"] as? String == topic })?["partitions"] as? [[String: Any]]
            ?? []
        {
            guard let index = partition["partition"] as? Int else { continue }
            let ids: (String) -> [Int] = { key in
                (partition[key] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            }
            result[index] = (
                partition["leader"] as? Int ?? -1, ids("replicas"), ids("isrs"), partition["error"] as? String
            )
        }
        return result
    }
}
