import Foundation
import Testing
import TestSupport

/// `scripts/gcp-request-check.py` against the official Compute discovery document: the seed's requests, as the
/// official client sends them (gcp-compute.md A.4), pass in strict mode; every planted error fails with its message.
@Suite struct GcpRequestCheckTests {
    static let fixtures = Repo.root.appendingPathComponent("Tests/Adapters/ConformanceTests/fixtures/gcp")

    /// The discovery document and the operations map, pinned by sha256 (a changed spec fails here first).
    static let pins: [String: String] = [
        "compute.v1.discovery.json": "6a776936c09fdec23f48bb54d6b746eec7d0085d592c1612887abc9881cda697",
        "compute-operations-map.json": "7bf933434e4d6bbfbacf4f1b1889436f28fa5f5213e6ba6592a8b81508b33431",
    ]

    @Test func theSeedRequestsPassStrictValidation() throws {
        let run = try GcpRequestCheck.run([Self.fixtures.appendingPathComponent("seed-requests.jsonl").path])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("29 requests checked, 0 failed, 1 skipped"), "\(run)")
        // Every kind of call the provider makes maps to its discovery method.
        for method in [
            "compute.networks.insert", "compute.subnetworks.patch", "compute.instances.setLabels",
            "compute.regionNetworkEndpointGroups.attachNetworkEndpoints", "compute.regionNetworkEndpointGroups.listNetworkEndpoints",
            "compute.regionBackendServices.patch", "compute.forwardingRules.setLabels", "compute.serviceAttachments.patch",
            "compute.regionOperations.wait", "compute.zoneOperations.get", "compute.globalOperations.get",
        ] {
            #expect(run.stdout.contains("(\(method))"), "\(method) not matched:\n\(run)")
        }
    }

    @Test func everyPlantedErrorFailsWithItsMessage() throws {
        let file = Self.fixtures.appendingPathComponent("planted-errors.jsonl")
        let expected = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["expect"] as? String ?? ""
        }
        let problems = try GcpRequestCheck.problems(logFile: file.path)
        #expect(problems.count == expected.count, "\(problems)")
        for (index, expectation) in expected.enumerated() {
            let mine = problems.filter { $0.hasPrefix("FAIL #\(index + 1) ") }
            #expect(mine.count == 1 && mine[0].contains(expectation), "planted error \(index + 1): expected `\(expectation)`, got \(mine)")
        }
    }

    @Test func lenientModeAllowsOutputOnlyFieldsForResponses() throws {
        let requests = [
            GcpRequestCheck.Request(
                method: "POST", url: "https://compute.googleapis.com/compute/v1/projects/p/global/networks",
                body: Data(#"{"name":"n","id":"123","selfLink":"x","kind":"compute#network","colour":"blue"}"#.utf8))
        ]
        #expect(try GcpRequestCheck.problems(requests).count == 4)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lenient-\(UUID().uuidString).jsonl")
        try #"{"method":"POST","path":"/compute/v1/projects/p/global/networks","body":{"name":"n","id":"123","colour":"blue"}}"#.write(
            to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try GcpRequestCheck.run(["--lenient", file.path])
        #expect(run.status == 0, "\(run)")
    }

    @Test func aLogWithoutComputeRequestsIsAnError() throws {
        #expect(throws: (any Error).self) {
            try GcpRequestCheck.problems([.init(method: "POST", url: "http://127.0.0.1:1/token", body: nil)])
        }
    }

    @Test func theSpecsMatchTheirPins() throws {
        let files = Self.pins.keys.sorted()
        let hasher = "import hashlib, sys\nfor p in sys.argv[1:]: print(hashlib.sha256(open(p, 'rb').read()).hexdigest())"
        let run = try PythonScript.execute(
            PythonScript.python(), ["-c", hasher] + files.map { GcpRequestCheck.specs.appendingPathComponent($0).path })
        try #require(run.status == 0, "\(run)")
        for (file, digest) in zip(files, run.stdout.split(separator: "\n").map(String.init)) {
            #expect(digest == Self.pins[file], "\(file) changed: sha256 \(digest); re-check the conformance expectations")
        }
    }
}
