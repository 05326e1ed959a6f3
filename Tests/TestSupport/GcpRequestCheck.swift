public import Foundation

/// Validates Compute requests against the official discovery document in `../shared/specs/gcp` with
/// `scripts/gcp-request-check.py` (strict: unknown and output-only fields, closed enums, int64 as strings).
///
/// Any test can hand it the requests a provider sent (a scripted transport's record, an emulator's request log).
public enum GcpRequestCheck {
    public static let script = Repo.root.appendingPathComponent("scripts/gcp-request-check.py").path
    public static let specs = Repo.shared.appendingPathComponent("specs/gcp")

    /// One request as sent: method, URL or path (host, `/compute/v1/` and query allowed), JSON body or nil.
    public struct Request: Sendable {
        public var method: String
        public var url: String
        public var body: Data?

        public init(method: String, url: String, body: Data?) {
            self.method = method
            self.url = url
            self.body = body
        }
    }

    /// Every problem the checker reports (`FAIL` lines with their errors), empty when all pass; throws when the
    /// checker cannot run (no venv, no specs) or the log is empty of Compute requests.
    public static func problems(_ requests: [Request]) throws -> [String] {
        var lines: [String] = []
        for request in requests {
            var object: [String: Any] = ["method": request.method, "path": request.url]
            if let body = request.body, !body.isEmpty {
                object["body"] = try JSONSerialization.jsonObject(with: body)
            }
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("gcp-check-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try problems(logFile: file.path)
    }

    /// The same for a JSONL request log already on disk (an emulator's `--log`).
    public static func problems(logFile: String) throws -> [String] {
        let run = try self.run([logFile])
        guard run.status == 0 || run.status == 1 else { throw PythonScript.Missing(description: "\(run)") }
        guard let summary = run.stdout.split(separator: "\n").last, summary.contains("requests checked"), !summary.hasPrefix("0 requests") else {
            throw PythonScript.Missing(description: "no Compute request was checked:\n\(run)")
        }
        var problems: [String] = []
        var current: String?
        for line in run.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix("FAIL ") { current = line } else if line.hasPrefix("OK ") { current = nil }
            if line.hasPrefix("  "), let current { problems.append("\(current): \(line.dropFirst(2))") }
        }
        return problems
    }

    /// Runs the checker with `arguments` (plus `--specs`).
    public static func run(_ arguments: [String]) throws -> PythonScript.Run {
        guard FileManager.default.fileExists(atPath: specs.appendingPathComponent("compute.v1.discovery.json").path) else {
            throw PythonScript.Missing(description: "the Compute discovery document is missing: expected \(specs.path) (../shared/specs beside the repository)")
        }
        return try PythonScript.execute(PythonScript.python(), [script, "--specs", specs.path] + arguments)
    }
}
