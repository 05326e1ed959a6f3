import ArmEmulator
import Foundation
import Testing

/// Fault plans (in-process and over HTTP) and the request log.
@Suite struct FaultTests {
    static var nsg: String { "\(Fixture.network)/networkSecurityGroups/nsg" }

    @Test func throttleBurstThenSuccess() throws {
        let fixture = try Fixture()
        try fixture.group()
        fixture.emulator.setFaults(FaultPlan(rules: [FaultRule(method: "PUT", pathContains: "networksecuritygroups", action: .throttle, count: 2, retryAfterSeconds: 7)]))
        for _ in 0..<2 {
            let throttled = try fixture.client.send("PUT", Self.nsg, ["location": "eastus"])
            #expect(throttled.status == 429)
            #expect(throttled.errorCode == "TooManyRequests")
            #expect(throttled.header("retry-after") == "7")
        }
        #expect(fixture.emulator.resource(id: Self.nsg) == nil)
        #expect(try fixture.client.send("PUT", Self.nsg, ["location": "eastus"]).status == 201)
        #expect(fixture.emulator.requests.filter { $0.fault == "throttle" }.count == 2)
    }

    @Test func serverErrorsDoNothing() throws {
        let fixture = try Fixture()
        try fixture.group()
        fixture.emulator.setFaults(FaultPlan(rules: [FaultRule(method: "PUT", action: .serverError)]))
        let failed = try fixture.client.send("PUT", Self.nsg, ["location": "eastus"])
        #expect(failed.status == 500)
        #expect(failed.errorCode == "InternalServerError")
        #expect(fixture.emulator.resource(id: Self.nsg) == nil)
    }

    @Test func dropBeforeProcessingHasNoEffect() throws {
        let fixture = try Fixture()
        try fixture.group()
        fixture.emulator.setFaults(FaultPlan(rules: [FaultRule(method: "PUT", action: .dropBeforeProcessing)]))
        #expect(throws: ConnectionDropped.self) { try fixture.client.send("PUT", Self.nsg, ["location": "eastus"]) }
        #expect(fixture.emulator.resource(id: Self.nsg) == nil)
        #expect(fixture.emulator.requests.last?.status == 0)
        #expect(fixture.emulator.requests.last?.fault == "dropBeforeProcessing")
    }

    @Test func dropAfterProcessingTookEffect() throws {
        let fixture = try Fixture()
        try fixture.group()
        fixture.emulator.setFaults(FaultPlan(rules: [FaultRule(method: "PUT", pathContains: "/networkSecurityGroups/", action: .dropAfterProcessing)]))
        #expect(throws: ConnectionDropped.self) { try fixture.client.send("PUT", Self.nsg, ["location": "eastus"]) }
        #expect(fixture.emulator.resource(id: Self.nsg)?["name"] == "nsg")
        #expect(fixture.emulator.requests.last?.status == 201)
        // The retry runs into the LRO the lost PUT started (and observes it), then succeeds as an update.
        var statuses: [Int] = []
        for _ in 0..<4 where statuses.last != 200 {
            statuses.append(try fixture.client.send("PUT", Self.nsg, ["location": "eastus"]).status)
        }
        #expect(statuses.first == 429)
        #expect(statuses.last == 200)
        #expect(fixture.emulator.resourceIDs.filter { $0.hasSuffix("/nsg") }.count == 1)
    }

    @Test func slowOperationsNeedMorePolls() throws {
        let fixture = try Fixture()
        try fixture.group()
        fixture.emulator.setFaults(FaultPlan(rules: [FaultRule(method: "PUT", action: .slowOperation, polls: 4)]))
        let statuses = try fixture.client.wait(try fixture.client.send("PUT", Self.nsg, ["location": "eastus"]))
        #expect(statuses == ["InProgress", "InProgress", "InProgress", "InProgress", "Succeeded"])
    }

    @Test func faultsOverHTTPAndReset() throws {
        let fixture = try Fixture()
        try fixture.group()
        let plan = #"{"latencyMs": 1, "rules": [{"method": "GET", "pathContains": "kafka-pls-rg", "action": "serverError", "count": 1}]}"#
        let set = try TestConnection(port: fixture.emulator.port).send("POST", "/_emulator/faults", body: Array(plan.utf8))
        #expect(set.status == 200)
        #expect(fixture.emulator.faults.rules.first?.action == .serverError)
        #expect(try fixture.get(Fixture.groupPath).status == 500)
        #expect(try fixture.get(Fixture.groupPath).status == 200)
        let bad = try TestConnection(port: fixture.emulator.port).send("POST", "/_emulator/faults", body: Array("{\"rules\": [{}]}".utf8))
        #expect(bad.status == 400)
        fixture.emulator.setFaults(FaultPlan(rules: [FaultRule(action: .throttle, count: 5)]))
        #expect(try TestConnection(port: fixture.emulator.port).send("POST", "/_emulator/reset").status == 204)
        #expect(fixture.emulator.faults == FaultPlan())
        #expect(try fixture.get(Fixture.groupPath).status == 200)
    }

    @Test func requestLogInMemoryOverHTTPAndAsJSONLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("arm-emulator-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fixture = try Fixture { $0.requestLogPath = path }
        try fixture.group()
        _ = try fixture.get("\(Fixture.network)/loadBalancers/x")
        let entries = fixture.emulator.requests
        #expect(entries.map(\.seq) == [1, 2])
        #expect(entries[0].method == "PUT")
        #expect(entries[0].apiVersion == "2025-04-01")
        #expect(entries[0].body?["location"] == "eastus")
        #expect(entries[0].status == 201)
        #expect(entries[1].status == 404)
        #expect(entries[1].body == nil)
        #expect(entries[1].query == "api-version=2025-07-01")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSON.parse(String(lines[0]))
        for key in ["method", "path", "apiVersion", "body", "status", "requestID", "durationMs", "seq", "query", "fault"] {
            #expect(first[key] != nil, "log line lacks \(key)")
        }
        #expect(first["path"]?.stringValue == Fixture.groupPath)
        let overHTTP = try TestConnection(port: fixture.emulator.port).send("GET", "/_emulator/requests")
        #expect(overHTTP.json?.arrayValue?.count == 2)
        let decoded = try JSONDecoder().decode([LoggedRequest].self, from: Data(overHTTP.body))
        #expect(decoded == entries)
    }
}
