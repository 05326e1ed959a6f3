import Foundation
import Testing
import TestSupport

/// `scripts/arm-request-check.py` against the official ARM schemas in ../shared/specs/azure, strict mode: the
/// official examples and seed-shaped bodies pass; planted errors fail with the offending field's path and the
/// schema's message.
@Suite struct ArmRequestCheckTests {
    static let bodies: [(type: String, file: String)] = [
        ("Microsoft.Resources/resourceGroups", "resource-group.json"),
        ("Microsoft.Network/virtualNetworks", "virtual-network.json"),
        ("Microsoft.Network/virtualNetworks/subnets", "subnet.json"),
        ("Microsoft.Network/networkSecurityGroups", "network-security-group.json"),
        ("Microsoft.Network/networkInterfaces", "network-interface.json"),
        ("Microsoft.Network/loadBalancers", "load-balancer.json"),
        ("Microsoft.Network/privateLinkServices", "private-link-service.json"),
        ("Microsoft.Network/privateLinkServices/privateEndpointConnections", "private-endpoint-connection.json"),
        ("Microsoft.Compute/virtualMachines", "virtual-machine.json"),
    ]

    static let lbExample = ArmRequestCheck.specs.appendingPathComponent("examples/LoadBalancerCreateStandardSku.json")
    static let plsExample = ArmRequestCheck.specs.appendingPathComponent("examples/PrivateLinkServiceCreate.json")

    @Test func microsoftsExampleRequestsPassInStrictMode() throws {
        let run = try ArmRequestCheck.run([
            "--example", "Microsoft.Network/loadBalancers", Self.lbExample.path,
            "--example", "Microsoft.Network/privateLinkServices", Self.plsExample.path,
        ])
        #expect(run.status == 0, "\(run)")
        #expect(run.summary == "2 request bodies checked, 0 failed", "\(run)")
    }

    @Test func seedShapedBodiesPassInStrictMode() throws {
        let arguments = Self.bodies.flatMap { ["--body", $0.type, ArmRequestCheck.fixture("bodies/\($0.file)")] }
        let run = try ArmRequestCheck.run(arguments)
        #expect(run.status == 0, "\(run)")
        #expect(run.results.count == Self.bodies.count && run.results.allSatisfy { $0.header.hasPrefix("OK ") }, "\(run)")
        #expect(run.summary == "9 request bodies checked, 0 failed", "\(run)")
    }

    /// The seed's requests as a JSONL log: mixed-case paths, a full URL with `?api-version=`, a body given as a
    /// JSON string, tags PATCHes; GET and DELETE lines are not counted.
    @Test func seedRequestLogPasses() throws {
        let run = try ArmRequestCheck.run([ArmRequestCheck.fixture("seed-requests.jsonl")])
        #expect(run.status == 0, "\(run)")
        #expect(run.summary == "12 request bodies checked, 0 failed", "\(run)")
    }

    /// Each line of planted-errors.jsonl holds one planted error; (line, JSON path, message) of each.
    static let planted: [(line: Int, error: String)] = [
        (1, "$.properties.loadBalancingRules[0].properties.protocol: 'TCP' is not one of ['Udp', 'Tcp', 'All', 'Quic']"),
        (2, "$.properties.probes[0].properties.protocol: 'tcp' is not one of ['Http', 'Tcp', 'Https']"),
        (3, "$.properties.loadBalancingRules[1].properties.frontendPort: 'frontendPort' is a required property"),
        (4, "$.properties.loadBalancingRules[2].properties.frontendPrt: Additional properties are not allowed ('frontendPrt' was unexpected)"),
        (5, "$.properties.loadBalancingRules[0].properties.backendPort: '39092' is not of type 'integer'"),
        (6, "$.properties.loadBalancingRules[0].properties.frontendPort: \"[parameters('port')]\" is not of type 'integer'"),
        (7, "$.unknownField: Additional properties are not allowed ('unknownField' was unexpected)"),
        (8, "$.location: 'location' is a required property"),
        (9, "$: unknown resource type: no schema mapping for PUT /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/kafka-pls-rg/providers/Microsoft.Network/publicIPAddresses/kafka-pip"),
        (10, "$: api-version 2024-05-01 is not the pinned 2025-07-01 of Microsoft.Network"),
        (11, "$.properties.networkProfile.networkInterfaces[0].properties.primry: Additional properties are not allowed ('primry' was unexpected)"),
        (12, "$.properties.provisioningState: Additional properties are not allowed ('provisioningState' was unexpected)"),
        (13, "$.name: 'other-lb' does not match the request ('kafka-lb')"),
        (14, "$: Microsoft.Network/privateLinkServices has no PATCH operation"),
        (15, "$.properties: Additional properties are not allowed ('properties' was unexpected)"),
        (16, "$: line is not a JSON object"),
        (17, "$: PUT without a body"),
        // The template schema requires a resource group's `properties`, and the check enforces it.
        (18, "$.properties: 'properties' is a required property"),
    ]

    @Test func plantedErrorsFailWithPathAndMessage() throws {
        let run = try ArmRequestCheck.run([ArmRequestCheck.fixture("planted-errors.jsonl")])
        #expect(run.status == 1, "\(run)")
        #expect(run.summary == "18 request bodies checked, 18 failed", "\(run)")
        let results = run.results
        try #require(results.count == Self.planted.count, "\(run)")
        for (result, expected) in zip(results, Self.planted) {
            #expect(result.header.hasPrefix("FAIL ") && result.header.contains("planted-errors.jsonl:\(expected.line):"))
            #expect(result.errors.contains { $0.hasPrefix(expected.error) }, "line \(expected.line): \(result.errors)")
        }
        // The misspelling also leaves the required frontendPort missing; both are reported.
        #expect(results[3].errors.count == 2, "\(results[3].errors)")
    }

    /// The same kinds of mistakes planted into Microsoft's own LB example request.
    @Test func plantedErrorsInMicrosoftsExampleFail() throws {
        let example = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.lbExample))
        let request = ["parameters", "parameters"]
        let rule: [Any] = request + ["properties", "loadBalancingRules", 0, "properties"]
        let probe: [Any] = request + ["properties", "probes", 0, "properties"]
        let port = JSONEdit.get(example, rule + ["frontendPort"]) as Any
        let cases: [(edit: Any, error: String)] = [
            (JSONEdit.set(example, rule + ["protocol"], "TCP"),
             "$.properties.loadBalancingRules[0].properties.protocol: 'TCP' is not one of ['Udp', 'Tcp', 'All', 'Quic']"),
            (JSONEdit.set(example, probe + ["protocol"], "tcp"),
             "$.properties.probes[0].properties.protocol: 'tcp' is not one of ['Http', 'Tcp', 'Https']"),
            (JSONEdit.set(example, rule + ["frontendPort"], nil),
             "$.properties.loadBalancingRules[0].properties.frontendPort: 'frontendPort' is a required property"),
            (JSONEdit.set(JSONEdit.set(example, rule + ["frontendPort"], nil), rule + ["frontendPrt"], port),
             "$.properties.loadBalancingRules[0].properties.frontendPrt: Additional properties are not allowed ('frontendPrt' was unexpected)"),
            (JSONEdit.set(example, probe + ["port"], "80"), "$.properties.probes[0].properties.port: '80' is not of type 'integer'"),
            (JSONEdit.set(example, request + ["kind"], "x"), "$.kind: Additional properties are not allowed ('kind' was unexpected)"),
            (JSONEdit.set(example, request + ["location"], nil), "$.location: 'location' is a required property"),
        ]
        var arguments: [String] = []
        for (index, planted) in cases.enumerated() {
            arguments += ["--example", "Microsoft.Network/loadBalancers", try ArmRequestCheck.temporaryJSON(planted.edit, name: "case\(index).json")]
        }
        let run = try ArmRequestCheck.run(arguments)
        #expect(run.status == 1, "\(run)")
        #expect(run.summary == "\(cases.count) request bodies checked, \(cases.count) failed", "\(run)")
        for (result, planted) in zip(run.results, cases) {
            #expect(result.errors.contains(planted.error), "\(result.header): \(result.errors)")
        }
    }

    /// Without strict mode the misspelt and unknown fields would pass: closing the objects is what catches them.
    @Test func lenientModeWouldLetUnknownFieldsThrough() throws {
        let run = try ArmRequestCheck.run(["--lenient", ArmRequestCheck.fixture("planted-errors.jsonl")])
        let passed = run.results.filter { $0.header.hasPrefix("OK ") }.map(\.header)
        #expect(passed.count == 4, "\(run)")
        for line in [7, 11, 12, 15] { #expect(passed.contains { $0.contains("planted-errors.jsonl:\(line):") }, "\(passed)") }
    }

    @Test func schemaTransformationsSelfTest() throws {
        let run = try ArmRequestCheck.execute(ArmRequestCheck.python(), [ArmRequestCheck.script, "--self-test"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("self-test: 9 cases, 0 failed"), "\(run)")
    }

    @Test func checksAFewHundredBodiesInOneRun() throws {
        let seed = try String(contentsOfFile: ArmRequestCheck.fixture("seed-requests.jsonl"), encoding: .utf8)
        let log = String(repeating: seed, count: 25)
        let file = try ArmRequestCheck.temporaryJSON([:] as [String: Any], name: "many.jsonl")
        try log.write(toFile: file, atomically: true, encoding: .utf8)
        let run = try ArmRequestCheck.run([file])
        #expect(run.status == 0, "\(run.summary ?? run.description)")
        #expect(run.summary == "300 request bodies checked, 0 failed")
    }

    @Test func missingSpecsAreAnErrorNotASkip() throws {
        let run = try ArmRequestCheck.run(["--specs", "/nonexistent/specs/azure", ArmRequestCheck.fixture("seed-requests.jsonl")])
        #expect(run.status == 2)
        #expect(run.stderr.contains("ARM schemas not found at /nonexistent/specs/azure"), "\(run)")
    }
}
