import Foundation
import Testing
import TestSupport

/// Runs `scripts/arm-request-check.py` with the project venv's python against `../shared/specs/azure`.
///
/// Contract: fails the calling test (never skips) when the venv or the specs are absent, naming the fix. The
/// script's stdout and stderr are read concurrently, so neither pipe can fill up and block it.
enum ArmRequestCheck {
    static let script = Repo.root.appendingPathComponent("scripts/arm-request-check.py").path
    static let fixtures = Repo.root.appendingPathComponent("Tests/Adapters/ConformanceTests/fixtures")
    static let specs = Repo.shared.appendingPathComponent("specs/azure")

    /// The exit status and output of one run.
    struct Run: CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        /// `OK`/`FAIL` blocks in order: the header line and the error lines under it (`path: message`).
        var results: [(header: String, errors: [String])] {
            var blocks: [(header: String, errors: [String])] = []
            for line in stdout.split(separator: "\n").map(String.init) {
                if line.hasPrefix("OK ") || line.hasPrefix("FAIL ") {
                    blocks.append((line, []))
                } else if line.hasPrefix("  "), !blocks.isEmpty {
                    blocks[blocks.count - 1].errors.append(String(line.dropFirst(2)))
                }
            }
            return blocks
        }

        /// The summary line `N request bodies checked, M failed`, without the timing.
        var summary: String? {
            stdout.split(separator: "\n").last { $0.contains("request bodies checked") }.map {
                String($0.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
            }
        }

        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
    }

    static func python() throws -> String {
        let path = Repo.root.appendingPathComponent(".build-venv/bin/python").path
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "no Python venv at \(path): run scripts/setup.sh (it installs jsonschema into .build-venv)")
        return path
    }

    static func requireSpecs() throws {
        try #require(
            FileManager.default.fileExists(atPath: specs.appendingPathComponent("Microsoft.Network.NRP.2025-07-01.json").path),
            "the official ARM schemas are missing: expected \(specs.path) (../shared/specs beside the repository)")
    }

    static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// Runs the checker with `arguments` (plus `--specs`, unless given).
    static func run(_ arguments: [String]) throws -> Run {
        try requireSpecs()
        let withSpecs = arguments.contains("--specs") ? arguments : ["--specs", specs.path] + arguments
        return try execute(python(), [script] + withSpecs)
    }

    /// Runs the venv python with `arguments`.
    static func execute(_ executable: String, _ arguments: [String]) throws -> Run {
        let run = try PythonScript.execute(executable, arguments)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    /// Writes `body` (JSON) to a fresh temporary file and returns its path.
    static func temporaryJSON(_ body: Any, name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arm-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent(name)
        try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]).write(to: file)
        return file.path
    }
}

/// Edits a parsed JSON document (`JSONSerialization` objects) at a path of keys and indexes; nil removes.
enum JSONEdit {
    static func set(_ document: Any, _ path: [Any], _ value: Any?) -> Any {
        guard let head = path.first else { return value as Any }
        let rest = Array(path.dropFirst())
        if let key = head as? String, var object = document as? [String: Any] {
            if !rest.isEmpty {
                object[key] = set(object[key] as Any, rest, value)
            } else if let value {
                object[key] = value
            } else {
                object.removeValue(forKey: key)
            }
            return object
        }
        if let index = head as? Int, var array = document as? [Any], !rest.isEmpty {
            array[index] = set(array[index], rest, value)
            return array
        }
        return document
    }

    static func get(_ document: Any, _ path: [Any]) -> Any? {
        path.reduce(document as Any?) { current, step in
            if let key = step as? String { return (current as? [String: Any])?[key] }
            if let index = step as? Int { return (current as? [Any])?[index] }
            return nil
        }
    }
}
