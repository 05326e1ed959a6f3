import ArmEmulator
import Foundation
import TestSupport
import Testing

/// The official x-ms-examples as golden fixtures: PUT the example request, compare with the example response's shape.
@Suite struct GoldenExampleTests {
    static let examples = Repo.shared.appendingPathComponent("specs/azure/examples")
    static let sub = "00000000-0000-0000-0000-000000000000"
    static var network: String { "/subscriptions/\(sub)/resourceGroups/rg1/providers/Microsoft.Network" }

    static func example(_ name: String) throws -> JSON {
        try JSON.parse(Array(try Data(contentsOf: examples.appendingPathComponent(name))))
    }

    /// Every key path of `expected` exists in `actual` (arrays compared element by element), except `ignoring`.
    static func missingKeys(_ expected: JSON, in actual: JSON?, path: String = "", ignoring: Set<String> = []) -> [String] {
        switch expected {
        case .object(let members):
            return members.flatMap { key, value -> [String] in
                let here = path + "." + key
                if ignoring.contains(key) { return [] }
                guard let found = actual?[key] else { return [here] }
                return missingKeys(value, in: found, path: here, ignoring: ignoring)
            }
        case .array(let items):
            let other = actual?.arrayValue ?? []
            return items.enumerated().flatMap { index, item in
                index < other.count ? missingKeys(item, in: other[index], path: "\(path)[\(index)]", ignoring: ignoring) : ["\(path)[\(index)]"]
            }
        default:
            return []
        }
    }

    func prepare(_ fixture: Fixture) throws {
        try fixture.put("/subscriptions/\(Self.sub)/resourceGroups/rg1", ["location": "eastus"])
        try fixture.put(
            "\(Self.network)/virtualNetworks/vnetlb",
            [
                "location": "eastus",
                "properties": [
                    "addressSpace": ["addressPrefixes": ["10.0.0.0/16"]],
                    "subnets": [["name": "subnetlb", "properties": ["addressPrefix": "10.0.1.0/24", "privateLinkServiceNetworkPolicies": "Disabled"]]],
                ],
            ])
    }

    @Test func loadBalancerStandardSku() throws {
        let example = try Self.example("LoadBalancerCreateStandardSku.json")
        let fixture = try Fixture { $0.accept(apiVersion: "2026-01-01", for: "Microsoft.Network") }
        try prepare(fixture)
        let path = "\(Self.network)/loadBalancers/lb"
        let created = try fixture.client.send("PUT", path, example["parameters"]!["parameters"]!, apiVersion: "2026-01-01")
        #expect(created.status == 201)
        try fixture.client.wait(created)
        let read = try fixture.client.send("GET", path, apiVersion: "2026-01-01").json
        let expected = example["responses"]!["201"]!["body"]!
        #expect(Self.missingKeys(expected, in: read) == [])
        #expect(read?["properties"]?["frontendIPConfigurations"]?.arrayValue?.first?["properties"]?["privateIPAddress"] == "10.0.1.4")
        #expect(read?["etag"]?.stringValue?.hasPrefix("W/\"") == true)
        #expect(read?["id"] == expected["id"])
    }

    @Test func privateLinkServiceCreate() throws {
        let example = try Self.example("PrivateLinkServiceCreate.json")
        let lbExample = try Self.example("LoadBalancerCreateStandardSku.json")
        let fixture = try Fixture { $0.accept(apiVersion: "2026-01-01", for: "Microsoft.Network") }
        try prepare(fixture)
        // The example PLS asks for static 10.0.1.4, which the LB frontend would take: hold it with a NIC first.
        let holder = "\(Self.network)/networkInterfaces/holder"
        try fixture.put(
            holder,
            [
                "location": "eastus",
                "properties": ["ipConfigurations": [["name": "c", "properties": ["subnet": ["id": .string("\(Self.network)/virtualNetworks/vnetlb/subnets/subnetlb")]]]]],
            ])
        try fixture.client.wait(try fixture.client.send("PUT", "\(Self.network)/loadBalancers/lb", lbExample["parameters"]!["parameters"]!, apiVersion: "2026-01-01"))
        _ = try fixture.delete(holder)
        let path = "\(Self.network)/privateLinkServices/testPls"
        let created = try fixture.client.send("PUT", path, example["parameters"]!["parameters"]!, apiVersion: "2026-01-01")
        #expect(created.status == 201)
        try fixture.client.wait(created)
        let read = try fixture.client.send("GET", path, apiVersion: "2026-01-01").json
        #expect(Self.missingKeys(example["responses"]!["201"]!["body"]!, in: read) == [])
        #expect(read?["properties"]?["ipConfigurations"]?.arrayValue?.first?["properties"]?["privateIPAddress"] == "10.0.1.4")
        #expect(read?["properties"]?["alias"]?.stringValue?.hasPrefix("testPls.") == true)
    }

    @Test func privateLinkServiceConnectionListShape() throws {
        let example = try Self.example("PrivateLinkServiceListPrivateEndpointConnection.json")
        let fixture = try Fixture()
        try fixture.vnet()
        try fixture.lb()
        try fixture.pls(Fixture.plsBody(visibility: ["*"], autoApproval: []))
        try fixture.endpoint("testPe1", subscription: "11111111-2222-3333-4444-555555555555")
        let list = try fixture.get("\(Fixture.plsID)/privateEndpointConnections").json
        let expected = example["responses"]!["200"]!["body"]!
        #expect(Self.missingKeys(expected["value"]!.arrayValue![0], in: list?["value"]?.arrayValue?.first) == [])
    }
}
